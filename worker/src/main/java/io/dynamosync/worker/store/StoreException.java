package io.dynamosync.worker.store;

/**
 * A batch the store could not commit, with a message a user can act on (DuckDB's own message
 * included). Nothing of the batch, its checkpoints included, was written.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
