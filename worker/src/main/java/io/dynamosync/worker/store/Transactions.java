package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs on the store's writer thread ({@link Writer}), each in a transaction of its own: a group of batches
 * committed together, with their checkpoints and the completion of a generation; between them, the deletion of
 * documents past the retention and the moving of the write-ahead log into the file; a re-bootstrap's clearing; and
 * the end of a load.
 */
final class Transactions implements Writer.Target {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private final DuckDBConnection connection;
    private final String collection;
    private final String table;
    private final Catalog catalog;
    private final Ingest ingest;
    private final Generations generations;
    private final LogCheckpointer checkpointer;
    /** How long documents are kept after their {@code _event_time}; null to keep them for good. */
    private final Retention retention;

    private volatile Consumer<Duration> commitListener = took -> {};
    /** Documents deleted as past the retention, since the store was opened. */
    private volatile long expired;
    /** The log of changed documents, once a reader asked for it ({@link ChangeFeed#keep()}). */
    private ChangeLog changeLog;

    Transactions(
            DuckDBConnection connection,
            String collection,
            Catalog catalog,
            Ingest ingest,
            Generations generations,
            LogCheckpointer checkpointer,
            Retention retention) {
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.catalog = catalog;
        this.ingest = ingest;
        this.generations = generations;
        this.checkpointer = checkpointer;
        this.retention = retention;
    }

    void onCommit(Consumer<Duration> listener) {
        this.commitListener = listener;
    }

    long expired() {
        return expired;
    }

    /** One transaction for every job of the group. */
    @Override
    public void commit(List<Writer.Job> jobs, Batch merged) {
        long started = System.nanoTime();
        Set<String> refusedIds = new HashSet<>();
        try {
            if (merged.needsKey() || completesLoad(merged)) {
                ingest.keyIfLoading();
            }
            connection.setAutoCommit(false);
            List<String[]> refusals = new ArrayList<>();
            int written = ingest.write(merged, (change, reason) -> {
                refusedIds.add(change.id());
                refusals.add(new String[] {change.key(), reason});
            });
            // Only changes to the served table: a generation being built replaces it whole once complete.
            if (changeLog != null && written > 0 && !generations.rebuilding() && ingest.keyed()) {
                changeLog.record(connection);
            }
            for (String[] refusal : refusals) {
                History.refuse(connection, refusal[0], refusal[1]);
            }
            SyncState.writeJournal(connection, merged);
            SyncState.writeCheckpoints(connection, merged.checkpoints());
            Long completed = generations.completeIfDone();
            connection.commit();
            if (completed != null) {
                generations.completed(completed);
            }
            checkpointer.written();
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e instanceof StoreException se
                    ? se
                    : new StoreException(
                            "the store could not commit a batch of " + merged.size() + " documents: " + e.getMessage(),
                            e);
        } finally {
            autoCommit();
        }
        commitListener.accept(Duration.ofNanos(System.nanoTime() - started));
        for (Writer.Job job : jobs) {
            int written = 0;
            for (Batch.Change change : job.batch.changes()) {
                if (!refusedIds.contains(change.id())) {
                    written++;
                }
            }
            job.done.complete(written);
        }
    }

    /** Whether the batch commits the load as complete: the table it loaded gets its key first. */
    private static boolean completesLoad(Batch batch) {
        JsonNode load = batch.checkpoints().get(Store.LOAD_CHECKPOINT);
        return load != null && load.path("complete").asBoolean();
    }

    @Override
    public void maintain(boolean idle) {
        expire();
        checkpointer.runIfDue(idle, !ingest.keyed());
    }

    /**
     * Deletes one batch of the served documents past the retention, in a transaction of its own, so each pass is
     * bounded ({@link Retention#BATCH}) and the next commit, or the next idle moment, takes the next. Queries stopped
     * seeing them already (see {@link Retention#hideExpired}).
     */
    private void expire() {
        if (retention == null || generations.serving() == null) {
            return;
        }
        try {
            connection.setAutoCommit(false);
            long deleted = retention.expire(connection, table, Instant.now(), changeLog);
            connection.commit();
            if (deleted > 0) {
                expired += deleted;
                checkpointer.written();
                LOG.debug("collection {}: deleted {} documents past the retention", collection, deleted);
            }
        } catch (SQLException e) {
            // A table being swapped in by a re-load, say: the next pass will do.
            rollback();
            LOG.warn("collection {}: cannot delete documents past the retention: {}", collection, e.getMessage());
        } finally {
            autoCommit();
        }
    }

    /** See {@link ChangeFeed#keep()}. */
    void keepChangeLog() {
        try {
            if (changeLog == null) {
                changeLog = ChangeLog.open(connection);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the log of changed documents: " + e.getMessage(), e);
        }
    }

    /** See {@link ChangeFeed#forgetBefore(long)}. */
    void forgetChangesBefore(long sequence) {
        try {
            ChangeLog.forgetBefore(connection, sequence);
        } catch (SQLException e) {
            throw new StoreException("cannot trim the log of changed documents: " + e.getMessage(), e);
        }
    }

    /** See {@link Store#clear(WorkerStatus.Rebootstrap)}. */
    void clear(WorkerStatus.Rebootstrap rebootstrap) {
        try {
            connection.setAutoCommit(false);
            long next = generations.startBeside();
            try (Statement s = connection.createStatement()) {
                s.execute("DELETE FROM _sync_state");
                s.execute("DELETE FROM _journal");
            }
            History.forgetRefused(connection);
            if (rebootstrap != null) {
                History.rebootstrap(connection, rebootstrap);
            }
            connection.commit();
            generations.started(next);
            checkpointer.written();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("cannot clear the store: " + e.getMessage(), e);
        } finally {
            autoCommit();
        }
    }

    /** See {@link Store#finishLoad()}. */
    void finishLoad() {
        try {
            ingest.keyIfLoading();
        } catch (SQLException e) {
            throw new StoreException("cannot key the loaded table: " + e.getMessage(), e);
        }
        checkpointer.run(true);
    }

    private void rollback() {
        try {
            connection.rollback();
            catalog.load();
        } catch (SQLException e) {
            LOG.error("rollback failed: {}", e.getMessage());
        }
    }

    private void autoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.warn("could not restore autocommit: {}", e.getMessage());
        }
    }
}
