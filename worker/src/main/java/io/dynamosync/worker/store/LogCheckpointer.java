package io.dynamosync.worker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the write-ahead log into the store file (a DuckDB checkpoint) at moments it chooses,
 * on the writer thread between transactions. DuckDB's own automatic checkpoint would run inside a
 * commit every 16 MB of log and cost more as the table grows; here it is only a backstop
 * ({@link #AUTOMATIC_CHECKPOINT}). This checkpoints when the writer has been idle a moment with
 * anything uncheckpointed; when the log passes the file's own size (4 MB to 1 GB), so that a
 * checkpoint, whose cost grows with the table, comes once per as much written and its cost per
 * row stays constant; and a minute after the last one while busy. While a load appends to a
 * generation not yet keyed, only the upper bound counts: the load ends with a checkpoint of its own. A checkpoint also vacuums rows
 * that updates and deletes replaced, whose blocks later writes reuse.
 */
final class LogCheckpointer {

    private static final Logger LOG = LoggerFactory.getLogger(LogCheckpointer.class);
    /** The largest write-ahead log the writer lets grow before it checkpoints between two transactions. */
    static final long CHECKPOINT_WAL_BYTES = 1L << 30;
    /** The log size under which a busy writer does not checkpoint for size alone. */
    static final long MIN_CHECKPOINT_WAL_BYTES = 4L << 20;
    /** A busy writer checkpoints at least this often, so the log does not linger. */
    static final Duration CHECKPOINT_AT_LEAST_EVERY = Duration.ofMinutes(1);
    /** DuckDB's own threshold, a backstop well past the writer's. */
    static final String AUTOMATIC_CHECKPOINT = "4GB";

    private final Connection connection;
    private final Path file;
    private volatile Consumer<Duration> listener = took -> {};
    /** Whether anything committed since the last checkpoint. */
    private boolean dirty;

    private long last = System.nanoTime();

    LogCheckpointer(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    void onCheckpoint(Consumer<Duration> listener) {
        this.listener = listener;
    }

    /** Something committed. */
    void written() {
        dirty = true;
    }

    /**
     * Checkpoints if due.
     *
     * @param idle whether the writer has been idle a moment
     * @param loading whether a load is appending to a table without its key: then only the log's upper bound
     *                ({@link #CHECKPOINT_WAL_BYTES}) calls for a checkpoint by size, since the load ends with one
     */
    void runIfDue(boolean idle, boolean loading) {
        if (!dirty) {
            return;
        }
        long wal = walBytes();
        long threshold = loading
                ? CHECKPOINT_WAL_BYTES
                : Math.max(MIN_CHECKPOINT_WAL_BYTES, Math.min(CHECKPOINT_WAL_BYTES, size(file)));
        boolean stale = System.nanoTime() - last > CHECKPOINT_AT_LEAST_EVERY.toNanos();
        if (idle || wal >= threshold || stale) {
            // Past twice the bound, wait for running queries rather than let the log grow on.
            run(wal >= 2 * threshold);
        }
    }

    /** Checkpoints now; a plain one gives way to running queries, a forced one waits for them. */
    boolean run(boolean force) {
        long started = System.nanoTime();
        try (Statement s = connection.createStatement()) {
            s.execute(force ? "FORCE CHECKPOINT" : "CHECKPOINT");
        } catch (SQLException e) {
            // A plain checkpoint fails while a query's transaction runs; the next moment will do.
            LOG.debug("checkpoint deferred: {}", e.getMessage());
            return false;
        }
        dirty = false;
        last = System.nanoTime();
        Duration took = Duration.ofNanos(last - started);
        listener.accept(took);
        LOG.debug("checkpointed {} in {} ms", file, took.toMillis());
        return true;
    }

    long walBytes() {
        return size(file.resolveSibling(file.getFileName() + ".wal"));
    }

    static long size(Path path) {
        try {
            return Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            // A file that vanished between the check and the read counts as empty.
            return 0;
        }
    }
}
