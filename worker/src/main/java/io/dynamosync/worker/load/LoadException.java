package io.dynamosync.worker.load;

/**
 * A load that cannot go on until something changes, with a reason (one CamelCase word for the
 * collection's status) and a message saying what to do.
 */
public class LoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public LoadException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public LoadException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** One CamelCase word, e.g. {@code PointInTimeRecoveryDisabled}. */
    public String reason() {
        return reason;
    }
}
