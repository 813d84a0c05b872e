package io.dynamosync.worker.store;

/**
 * A batch the ingest transformation could not turn into documents (DuckDB refused to run it over
 * the batch, or its result breaks a rule of the store); nothing of the batch was written.
 */
public class TransformationException extends StoreException {
    private static final long serialVersionUID = 1L;

    TransformationException(String message, Throwable cause) {
        super(message, cause);
    }

    TransformationException(String message) {
        super(message);
    }
}
