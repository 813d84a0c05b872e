package io.dynamosync.front.pull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fresh {@link FrontDuckDb} database for each query across collections, opened ahead: opening one takes some 10 ms,
 * which the query would otherwise wait for before its pulls start. One database waits opened; each query takes it
 * and has the next one opened.
 */
final class FreshDatabases implements AutoCloseable {

    private final FrontDuckDb duckdb;
    private final ExecutorService opener = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "front-duckdb-ahead");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<CompletableFuture<Connection>> ahead;

    FreshDatabases(FrontDuckDb duckdb) {
        this.duckdb = duckdb;
        this.ahead = new AtomicReference<>(openAhead());
    }

    /** The database opened ahead, now the caller's to close; another is opened for the next query. */
    Connection take() throws SQLException {
        CompletableFuture<Connection> ready = ahead.getAndSet(openAhead());
        try {
            return ready.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private CompletableFuture<Connection> openAhead() {
        if (opener.isShutdown()) {
            return CompletableFuture.failedFuture(new SQLException("the front is stopping"));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return duckdb.open();
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                },
                opener);
    }

    /** Closes the database opened ahead, unused. */
    @Override
    public void close() {
        ahead.get().thenAccept(connection -> {
            try {
                connection.close();
            } catch (SQLException e) {
                // an empty database nobody used
            }
        });
        opener.shutdown();
    }
}
