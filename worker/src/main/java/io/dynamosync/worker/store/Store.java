package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collection's store: a DuckDB file on the collection's volume holding one table, named
 * after the collection, with one row per document keyed by {@code _id}, and beside it the
 * checkpoints of everything that feeds it.
 *
 * <p>Each {@link Batch} commits in one transaction together with its checkpoints, so a crash at
 * any point replays nothing twice and loses nothing. One writer thread ({@link Writer}) commits
 * the batches every producer hands it, merging those that queue up into one transaction; within
 * it, the documents are staged through DuckDB's appender as {@code _input} ({@link Staging}), the
 * ingest transformation runs over it, and its result replaces the documents whole
 * ({@link Ingest}). Columns follow the attributes ({@link Catalog}). Readers (checkpoints,
 * counts, queries) use connections of their own and see only what committed.
 *
 * <p>The writer moves the write-ahead log into the file between transactions, at moments
 * {@link LogCheckpointer} chooses, rather than DuckDB inside a commit; and at the end of a load
 * ({@link #finishLoad()}).
 *
 * <p>The collection table has no primary key and no index: the writer keeps {@code _id} unique itself
 * ({@link Ingest}). DuckDB vacuums the rows that deletes (and so replacements) left behind only in tables
 * without an index; with one, every change kept its old row in the file for good, and the file grew with
 * every change rather than with the documents. A table an earlier version gave a key is copied without it
 * when the store opens.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** Where an item's own {@code _id} attribute is kept, if the transformation wants it. */
    public static final String ITEM_ID_COLUMN = "_item_id";
    /** The checkpoint a load commits as complete ({@code {"complete": true}}), which lets a new generation be served. */
    public static final String LOAD_CHECKPOINT = "load";

    private final Path file;
    private final DuckDBConnection connection;
    private final DuckDBConnection reader;
    private final String collection;
    private final String table;
    private final Generations generations;

    private final Catalog catalog;
    private final Ingest ingest;
    private final Comparison comparison;
    private final Writer writer;
    private final Transactions transactions;
    private final Reads reads;
    private final LogCheckpointer checkpointer;
    /** Tables copied to give back the space of the rows changes replaced, since the store was opened. */
    private volatile long compactions;
    /** How long documents are kept after their {@code _event_time}; null to keep them for good. */
    private final Retention retention;

    private Store(
            Path file,
            DuckDBConnection connection,
            String collection,
            Transformation transformation,
            Writer.Limits limits,
            Retention retention)
            throws SQLException {
        this.file = file;
        this.retention = retention;
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.catalog = new Catalog(connection, collection);
        this.ingest = new Ingest(connection, collection, transformation, catalog);
        this.comparison = new Comparison(connection, ingest, catalog);
        this.generations = new Generations(connection, collection, catalog, ingest);
        this.reader = (DuckDBConnection) connection.duplicate();
        this.checkpointer = new LogCheckpointer(connection, file);
        this.transactions =
                new Transactions(connection, collection, catalog, ingest, generations, checkpointer, retention);
        this.writer = new Writer(collection, limits, transactions);
        this.reads = new Reads(reader, file, table, checkpointer);
    }

    /** Opens (or creates) the store of {@code collection} in {@code directory}. */
    public static Store open(Path directory, String collection, Transformation transformation) {
        return open(directory, collection, transformation, null);
    }

    /**
     * Opens (or creates) the store of {@code collection} in {@code directory}, keeping documents only as long as
     * {@code retention} says (null to keep them for good).
     */
    public static Store open(Path directory, String collection, Transformation transformation, Retention retention) {
        return open(directory, collection, transformation, Writer.Limits.DEFAULT, retention, c -> {});
    }

    /** As {@link #open(Path, String, Transformation, Retention)}, applying {@code settings} first. */
    public static Store open(
            Path directory,
            String collection,
            Transformation transformation,
            Retention retention,
            DatabaseSettings settings) {
        return open(directory, collection, transformation, Writer.Limits.DEFAULT, retention, settings);
    }

    static Store open(
            Path directory,
            String collection,
            Transformation transformation,
            Writer.Limits limits,
            Retention retention,
            DatabaseSettings settings) {
        try {
            Path file = directory.resolve("store.duckdb");
            DuckDBConnection connection = Database.open(file, settings);
            Store store = new Store(file, connection, collection, transformation, limits, retention);
            Database.createTables(connection, collection);
            boolean building = store.generations.buildingTableExists();
            store.copyWithoutKey(collection);
            if (building) {
                store.copyWithoutKey(collection + Generations.BUILDING_SUFFIX);
            }
            store.generations.open(building);
            store.writer.start();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store directory " + directory, e);
        } catch (SQLException e) {
            throw new StoreException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Copies a table an earlier version gave a primary key into one without (see {@link UnkeyedTable}). */
    private void copyWithoutKey(String tableName) throws SQLException {
        if (UnkeyedTable.copyWithoutKey(connection, tableName)) {
            compactions++;
        }
    }

    /** Whether a new generation is being built while the last complete one is served. */
    public boolean rebuilding() {
        return generations.rebuilding();
    }

    /** The collection's name, which is its table's name. */
    public String collection() {
        return collection;
    }

    /** A new connection to the same database, for readers; the caller closes it. */
    public Connection newConnection() {
        try {
            return reader.duplicate();
        } catch (SQLException e) {
            throw new StoreException("cannot open a connection to the store: " + e.getMessage(), e);
        }
    }

    /** Tells {@code listener} how long each committed transaction took, for the metrics. */
    public void onCommit(Consumer<Duration> listener) {
        transactions.onCommit(listener);
    }

    /** Tells {@code listener} how long each DuckDB checkpoint took, for the metrics. */
    public void onCheckpoint(Consumer<Duration> listener) {
        checkpointer.onCheckpoint(listener);
    }

    /**
     * Commits a batch: its documents and its checkpoints, all or nothing, and waits until they
     * are committed (possibly together with other producers' batches).
     *
     * @return the number of documents written (upserted or deleted), refused items excluded
     * @throws StoreException when the batch cannot be committed; nothing of it was written
     */
    public int commit(Batch batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        return Writer.await(writer.submit(batch, new Writer.FirstFailure()));
    }

    /** The writer thread's handle, for tests in this package. */
    Writer writer() {
        return writer;
    }

    /** A channel for a producer that hands batches over without waiting for each to commit. */
    public Feed feed() {
        return new Feed(writer);
    }

    /** The generation served to queries (the newest complete one), or null before the first load completes. */
    public Long servingGeneration() {
        return generations.serving();
    }

    /**
     * The generation being built (the first load's, or a re-load's beside the served one), or null
     * when the served one is the newest.
     */
    public Long buildingGeneration() {
        return generations.building();
    }

    /**
     * Ends a load's writing: gives the generation it loaded its key (see {@link Ingest#keyIfLoading()}) and writes everything
     * into the database file, and waits. The load is then committed as complete.
     */
    public void finishLoad() {
        writer.exclusive(transactions::finishLoad);
    }

    /**
     * The ids, among {@code expected}'s, whose document differs from what the store would make of the table's item
     * (null for an item the table does not hold), compared as {@link Comparison} does; for verifying the replica.
     * Runs between two commits, changing nothing.
     *
     * @throws StoreException while a new generation is built, which is not served and not complete
     */
    public Set<String> differing(
            Map<String, Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> expected) {
        Set<String>[] differing = new Set[1];
        writer.exclusive(() -> {
            if (generations.building() != null) {
                throw new StoreException("the collection is being loaded: it cannot be compared with the table now");
            }
            try {
                differing[0] = comparison.differing(expected);
            } catch (SQLException e) {
                throw new StoreException("cannot compare documents with the table's items: " + e.getMessage(), e);
            }
        });
        return differing[0];
    }

    /** A count of which documents a reader has seen ({@link Census}); the caller closes it. */
    public Census census() {
        return new Census(newConnection(), table);
    }

    /** The log of changed documents, for a reader that publishes them elsewhere. */
    public ChangeFeed changes() {
        return new ChangeFeed(writer, transactions);
    }

    /** The latest items the store refused, newest first; kept in the store, so they survive restarts. */
    public List<WorkerStatus.RefusedItem> refusedItems() {
        return reads.refusedItems();
    }

    /** Every re-bootstrap the store went through, oldest first; kept in the store, so they survive restarts. */
    public List<WorkerStatus.Rebootstrap> rebootstraps() {
        return reads.rebootstraps();
    }

    /** The oldest {@code limit} journal entries, in journal order. */
    public List<JournalEntry> journal(int limit) {
        return reads.journal(limit);
    }

    /** The checkpoint named {@code name}, if one was committed. */
    public Optional<JsonNode> checkpoint(String name) {
        return Optional.ofNullable(checkpoints(name).get(name));
    }

    /** Every checkpoint whose name starts with {@code prefix}. */
    public Map<String, JsonNode> checkpoints(String prefix) {
        return reads.checkpoints(prefix);
    }

    /**
     * Starts a new generation of the collection and forgets every checkpoint, in one transaction,
     * so the next load starts from nothing (a re-bootstrap). The collection's table keeps serving
     * queries meanwhile: the new generation is built in a table beside it ({@code <name>__building}),
     * into which every write goes, and replaces it in the transaction that completes it (its load
     * committed, the changes journaled meanwhile applied). The attributes' column names are kept.
     */
    public void clear() {
        clear(null);
    }

    /**
     * {@link #clear()}, recording why in the same transaction (see {@link #rebootstraps()}).
     *
     * @param rebootstrap the reason and time, or null
     */
    public void clear(WorkerStatus.Rebootstrap rebootstrap) {
        writer.exclusive(() -> transactions.clear(rebootstrap));
    }

    /** How many documents the collection holds. */
    public long documents() {
        return reads.documents();
    }

    /** The store's size on disk, write-ahead log included. */
    public long bytes() {
        return LogCheckpointer.size(file) + checkpointer.walBytes();
    }

    /** How the store uses its space, from DuckDB's own account of its blocks, and the filesystem it is on. */
    public StoreSpace space() {
        return reads.space();
    }

    /** Tables copied, since the store was opened, to give back the space of the rows that changes replaced. */
    public long compactions() {
        return compactions;
    }

    /** How long documents are kept after their {@code _event_time}; empty when they are kept for good. */
    public Optional<Retention> retention() {
        return Optional.ofNullable(retention);
    }

    /** Documents deleted as past the retention, since the store was opened. */
    public long expired() {
        return transactions.expired();
    }

    /**
     * The oldest {@code _event_time} the served table holds, or null when no document has one. Documents past the
     * retention count until the writer has deleted them. Reads the one column whole: for the status, not for commits.
     */
    public Instant oldestEventTime() {
        return reads.oldestEventTime();
    }

    /** Commits what was handed over, then closes the database. */
    @Override
    public void close() {
        writer.close();
        try {
            reader.close();
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing the store: {}", e.getMessage());
        }
    }
}
