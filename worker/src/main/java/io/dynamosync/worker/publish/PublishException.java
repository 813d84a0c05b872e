package io.dynamosync.worker.publish;

/** Publishing could not go on, for a reason the status names (a catalog kind not yet supported, say). */
public final class PublishException extends RuntimeException {

    private final String reason;

    public PublishException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** One CamelCase word, as conditions carry. */
    public String reason() {
        return reason;
    }
}
