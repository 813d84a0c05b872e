package io.dynamosync.operator.aws;

/** A call to AWS failed in a way that may pass (network, throttling, 5xx); the caller retries later. */
public final class AwsUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The failure, described for the user, with its cause. */
    public AwsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
