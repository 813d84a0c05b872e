package io.dynamosync.worker.stream;

/**
 * The stream can no longer be followed without a gap: its records were trimmed before they were
 * read, the table's stream was replaced, or the worker was away longer than the stream keeps
 * records. The collection must be loaded again; {@link #reason()} says why, for the status.
 */
public class StreamLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public StreamLostException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** One CamelCase word: StreamTrimmed, StreamReplaced, ShardTrimmed, CheckpointOlderThanRetention. */
    public String reason() {
        return reason;
    }
}
