package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    /** Appended to the collection's name to name the generation built beside the served one. */
    static final String BUILDING_SUFFIX = "__building";
    /** Appended to a table's name to name the copy that replaces it. */
    static final String COPY_SUFFIX = "__copy";

    private final Path file;
    private final DuckDBConnection connection;
    private final DuckDBConnection reader;
    private final String collection;
    private final String table;
    private final String building;
    /** Whether a new generation is being built beside the served table; writer thread, read by status. */
    private volatile boolean rebuilding;
    /** The generation served and the one being built; written by the writer thread after each commit. */
    private volatile History.Generations generations = new History.Generations(null, null);

    private final Catalog catalog;
    private final Ingest ingest;
    private final Writer writer;
    private volatile Consumer<Duration> commitListener = took -> {};
    private final LogCheckpointer checkpointer;
    /** Tables copied to give back the space of the rows changes replaced, since the store was opened. */
    private volatile long compactions;
    /** The log of changed documents, once a reader asked for it ({@link #keepChangeLog()}); writer thread. */
    private ChangeLog changeLog;

    /** A public entry of the journal: its position, which orders entries as journaled, and the entry. */
    public record JournalEntry(long position, JsonNode entry) {}

    private Store(
            Path file,
            DuckDBConnection connection,
            String collection,
            Transformation transformation,
            Writer.Limits limits)
            throws SQLException {
        this.file = file;
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.building = SqlNames.quote(collection + BUILDING_SUFFIX);
        this.catalog = new Catalog(connection, collection);
        this.ingest = new Ingest(connection, collection, transformation, catalog);
        this.reader = (DuckDBConnection) connection.duplicate();
        this.checkpointer = new LogCheckpointer(connection, file);
        this.writer = new Writer(collection, limits, new Writer.Target() {
            @Override
            public void commit(List<Writer.Job> jobs, Batch merged) {
                commitGroup(jobs, merged);
            }

            @Override
            public void maintain(boolean idle) {
                checkpointer.runIfDue(idle, !ingest.keyed());
            }
        });
    }

    /** Opens (or creates) the store of {@code collection} in {@code directory}. */
    public static Store open(Path directory, String collection, Transformation transformation) {
        return open(directory, collection, transformation, Writer.Limits.DEFAULT);
    }

    static Store open(Path directory, String collection, Transformation transformation, Writer.Limits limits) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("store.duckdb");
            DuckDBConnection connection =
                    (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("SET checkpoint_threshold = '" + LogCheckpointer.AUTOMATIC_CHECKPOINT + "'");
            } catch (SQLException e) {
                // A database still open in this process with its configuration locked by the query
                // runner keeps the threshold it was given when first opened.
                LOG.debug("checkpoint threshold left as it is: {}", e.getMessage());
            }
            Store store = new Store(file, connection, collection, transformation, limits);
            store.createTables();
            boolean building = store.exists(collection + BUILDING_SUFFIX);
            store.dropKeyIndex(collection);
            if (building) {
                store.dropKeyIndex(collection + BUILDING_SUFFIX);
            }
            store.target(building);
            store.catalog.load();
            store.openGenerations();
            store.writer.start();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store directory " + directory, e);
        } catch (SQLException e) {
            throw new StoreException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void createTables() throws SQLException {
        try (Statement s = connection.createStatement()) {
            // Without its key until the first load ends: see Ingest#keyIfLoading.
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (_id VARCHAR, _event_time TIMESTAMP WITH TIME ZONE)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS _sync_state (name VARCHAR PRIMARY KEY, value JSON, updated_at TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE IF NOT EXISTS _journal (position BIGINT PRIMARY KEY, entry JSON NOT NULL)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS _columns (attribute VARCHAR PRIMARY KEY, column_name VARCHAR NOT NULL, "
                            + "staged_type JSON NOT NULL, position INTEGER NOT NULL)");
        }
        History.createTables(connection);
    }

    /**
     * Reads the generations, starting the first in a new store; a store from before generations
     * were kept whose load is complete serves it.
     */
    private void openGenerations() throws SQLException {
        History.Generations found = History.generations(connection);
        if (found.serving() == null && found.building() == null) {
            History.startGeneration(connection);
            found = History.generations(connection);
        }
        if (found.building() != null && !rebuilding && generationComplete()) {
            History.served(connection, found.building());
            found = new History.Generations(found.building(), null);
        }
        generations = found;
    }

    private boolean exists(String tableName) throws SQLException {
        try (var query = connection.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?")) {
            query.setString(1, tableName);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Points writes at the generation being built, or back at the served table. */
    private void target(boolean toBuilding) throws SQLException {
        target(toBuilding, loadComplete());
    }

    private void target(boolean toBuilding, boolean keyed) {
        rebuilding = toBuilding;
        String name = toBuilding ? collection + BUILDING_SUFFIX : collection;
        catalog.target(name);
        ingest.target(name, keyed);
    }

    /**
     * Whether the load of the generation written to has committed as complete: its table is then keyed (see
     * {@link Ingest#keyIfLoading()}); before, a load appends.
     */
    private boolean loadComplete() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT coalesce((SELECT CAST(json_extract(value, '$.complete') AS BOOLEAN) FROM _sync_state WHERE name = "
                                + SqlNames.literal(LOAD_CHECKPOINT) + "), false)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Copies a table that a store of an earlier version gave a primary key into one without, in one transaction: DuckDB
     * never vacuums the deleted rows of a table with an index, so such a table grows with every change (see the class
     * comment). The copy holds only the live rows, so this also gives back what the old table had grown by.
     */
    private void dropKeyIndex(String tableName) throws SQLException {
        try (var query =
                connection.prepareStatement("SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'main' "
                        + "AND table_name = ? AND constraint_type = 'PRIMARY KEY'")) {
            query.setString(1, tableName);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
        }
        long started = System.nanoTime();
        String quoted = SqlNames.quote(tableName);
        String copy = SqlNames.quote(tableName + COPY_SUFFIX);
        connection.setAutoCommit(false);
        try {
            execute("DROP TABLE IF EXISTS " + copy);
            execute("CREATE TABLE " + copy + " AS SELECT * FROM " + quoted);
            execute("DROP TABLE " + quoted);
            execute("ALTER TABLE " + copy + " RENAME TO " + quoted);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        compactions++;
        LOG.info(
                "collection {}: copied table {} without its key index, so that DuckDB reclaims the rows changes replace, in {} ms",
                collection,
                tableName,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether a new generation is being built while the last complete one is served. */
    public boolean rebuilding() {
        return rebuilding;
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
        this.commitListener = listener;
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
        return Writer.await(writer.submit(batch, new Writer.Sink()));
    }

    /** The writer thread's handle, for tests in this package. */
    Writer writer() {
        return writer;
    }

    /** A channel for a producer that hands batches over without waiting for each to commit. */
    public Feed feed() {
        return new Feed();
    }

    /**
     * A producer's channel to the store (one a scan segment, say): batches commit in the order
     * handed over, each with its checkpoints; the producer goes on reading meanwhile, and waits
     * only when too much waits to be written. Once a batch fails, every later one is refused, so
     * no checkpoint passes over rows that were lost.
     */
    public final class Feed {
        private final Writer.Sink sink = new Writer.Sink();
        private CompletableFuture<Integer> last = CompletableFuture.completedFuture(0);

        private Feed() {}

        /**
         * Hands a batch over; {@code committed} runs (on the writer thread, so briefly) with the
         * number of documents written once the batch has committed.
         *
         * @throws StoreException when an earlier batch of this feed failed
         */
        public void submit(Batch batch, java.util.function.IntConsumer committed) {
            if (batch.isEmpty()) {
                return;
            }
            CompletableFuture<Integer> done = writer.submit(batch, sink);
            last = done.thenApply(written -> {
                committed.accept(written);
                return written;
            });
        }

        /** Waits until everything handed over has committed; throws what failed. */
        public void flush() {
            Writer.await(last);
            if (sink.failure != null) {
                throw sink.failure;
            }
        }
    }

    /** Runs on the writer thread: one transaction for every job of the group. */
    private void commitGroup(List<Writer.Job> jobs, Batch merged) {
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
            if (changeLog != null && written > 0 && !rebuilding && ingest.keyed()) {
                changeLog.record(connection);
            }
            for (String[] refusal : refusals) {
                History.refuse(connection, refusal[0], refusal[1]);
            }
            SyncState.writeJournal(connection, merged);
            SyncState.writeCheckpoints(connection, merged.checkpoints());
            History.Generations was = generations;
            boolean completes = was.building() != null && generationComplete();
            if (completes) {
                if (rebuilding) {
                    execute("DROP TABLE " + table);
                    execute("ALTER TABLE " + building + " RENAME TO " + table);
                }
                History.served(connection, was.building());
            }
            connection.commit();
            if (completes) {
                generations = new History.Generations(was.building(), null);
                if (rebuilding) {
                    target(false);
                    catalog.load();
                }
                LOG.info("collection {}: generation {} is complete and served", collection, was.building());
            }
            checkpointer.written();
        } catch (SQLException | RuntimeException e) {
            rollback();
            StoreException failure = e instanceof StoreException se
                    ? se
                    : new StoreException(
                            "the store could not commit a batch of " + merged.size() + " documents: " + e.getMessage(),
                            e);
            throw failure;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.warn("could not restore autocommit: {}", e.getMessage());
            }
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
        JsonNode load = batch.checkpoints().get(LOAD_CHECKPOINT);
        return load != null && load.path("complete").asBoolean();
    }

    /**
     * Whether the generation being written is complete, as seen inside the transaction: its load
     * committed as complete and the journal of changes made meanwhile applied. The transaction
     * that completes it serves it (in a re-build, by putting its table in the served one's place).
     */
    private boolean generationComplete() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT coalesce((SELECT CAST(json_extract(value, '$.complete') AS BOOLEAN) FROM _sync_state WHERE name = "
                                + SqlNames.literal(LOAD_CHECKPOINT)
                                + "), false) AND NOT EXISTS (SELECT 1 FROM _journal)")) {
            rs.next();
            return rs.getBoolean(1);
        }
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

    private void rollback() {
        try {
            connection.rollback();
            catalog.load();
        } catch (SQLException e) {
            LOG.error("rollback failed: {}", e.getMessage());
        }
    }

    /**
     * Ends a load's writing: gives the generation it loaded its key (see {@link Ingest#keyIfLoading()}) and writes everything
     * into the database file, and waits. The load is then committed as complete.
     */
    public void finishLoad() {
        writer.exclusive(() -> {
            try {
                ingest.keyIfLoading();
            } catch (SQLException e) {
                throw new StoreException("cannot key the loaded table: " + e.getMessage(), e);
            }
            checkpointer.run(true);
        });
    }

    /** The table of changed documents, {@code _changes (seq BIGINT, _id VARCHAR)}; see {@link #keepChangeLog()}. */
    public static final String CHANGES_TABLE = ChangeLog.TABLE;

    /**
     * From now on, every commit to the served table logs the {@code _id}s it changed with its sequence number in
     * {@link #CHANGES_TABLE}, in the same transaction; call before anything is written, so that nothing goes unlogged.
     * The log starts with a marker row (a null {@code _id}) whose sequence is above any an earlier log reached: a
     * reader whose last sequence is below the log's lowest has missed changes.
     */
    public void keepChangeLog() {
        writer.exclusive(() -> {
            try {
                if (changeLog == null) {
                    changeLog = ChangeLog.open(connection);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot open the log of changed documents: " + e.getMessage(), e);
            }
        });
    }

    /**
     * The generation served, as seen by {@code reader} (a connection of {@link #newConnection()}), so that a reader
     * in a transaction sees it in the same snapshot as the documents; null before the first load completes.
     */
    public static Long servedGeneration(Connection reader) {
        try {
            return History.generations(reader).serving();
        } catch (SQLException e) {
            throw new StoreException("cannot read the generations: " + e.getMessage(), e);
        }
    }

    /** Drops the change log's entries below {@code sequence}, which a reader has taken in. */
    public void forgetChangesBefore(long sequence) {
        writer.exclusive(() -> {
            try {
                ChangeLog.forgetBefore(connection, sequence);
            } catch (SQLException e) {
                throw new StoreException("cannot trim the log of changed documents: " + e.getMessage(), e);
            }
        });
    }

    /** The latest items the store refused, newest first; kept in the store, so they survive restarts. */
    public List<WorkerStatus.RefusedItem> refusedItems() {
        return read("cannot read the refused items", History::refused);
    }

    /** Every re-bootstrap the store went through, oldest first; kept in the store, so they survive restarts. */
    public List<WorkerStatus.Rebootstrap> rebootstraps() {
        return read("cannot read the re-bootstraps", History::rebootstraps);
    }

    /** The oldest {@code limit} journal entries, in journal order. */
    public List<JournalEntry> journal(int limit) {
        return read("cannot read the journal", c -> SyncState.journal(c, limit));
    }

    /** The checkpoint named {@code name}, if one was committed. */
    public Optional<JsonNode> checkpoint(String name) {
        return Optional.ofNullable(checkpoints(name).get(name));
    }

    /** Every checkpoint whose name starts with {@code prefix}. */
    public Map<String, JsonNode> checkpoints(String prefix) {
        return read("cannot read checkpoints", c -> SyncState.checkpoints(c, prefix));
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
        writer.exclusive(() -> {
            try {
                connection.setAutoCommit(false);
                // The served table stays until the new generation, built beside it, is complete.
                execute("DROP TABLE IF EXISTS " + building);
                execute("CREATE TABLE " + building + " (_id VARCHAR, _event_time TIMESTAMP WITH TIME ZONE)");
                execute("DELETE FROM _sync_state");
                execute("DELETE FROM _journal");
                History.forgetRefused(connection);
                if (rebootstrap != null) {
                    History.rebootstrap(connection, rebootstrap);
                }
                long next = History.startGeneration(connection);
                connection.commit();
                generations = new History.Generations(generations.serving(), next);
                target(true, false);
                catalog.load();
                checkpointer.written();
            } catch (SQLException e) {
                rollback();
                throw new StoreException("cannot clear the store: " + e.getMessage(), e);
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException e) {
                    LOG.warn("could not restore autocommit: {}", e.getMessage());
                }
            }
        });
    }

    /** How many documents the collection holds. */
    public long documents() {
        return count(table);
    }

    /** The store's size on disk, write-ahead log included. */
    public long bytes() {
        return LogCheckpointer.size(file) + checkpointer.walBytes();
    }

    /**
     * The store's space: its file, its write-ahead log, the part of the file free for reuse, and the filesystem
     * holding them (its capacity and what is left of it; both 0 when it cannot be read).
     */
    public record Space(long fileBytes, long walBytes, long freeBytes, long volumeBytes, long volumeUsableBytes) {
        /** File and log together, as {@link #bytes()}. */
        public long bytes() {
            return fileBytes + walBytes;
        }

        /** The share of the file's blocks that are free, 0 to 1. */
        public double reclaimableShare() {
            return fileBytes == 0 ? 0 : (double) freeBytes / fileBytes;
        }

        /**
         * The volume as the status shows it, or null when its size is unknown: nearly full once more than
         * {@link WorkerStatus.Volume#NEARLY_FULL_SHARE} of it is used, or once what is left is less than the store
         * itself, since a checkpoint may write about as much again before it frees the blocks it replaced.
         */
        public WorkerStatus.Volume volume() {
            if (volumeBytes <= 0) {
                return null;
            }
            long used = volumeBytes - volumeUsableBytes;
            boolean nearlyFull =
                    used > WorkerStatus.Volume.NEARLY_FULL_SHARE * volumeBytes || volumeUsableBytes < bytes();
            String warning = !nearlyFull
                    ? null
                    : String.format(
                            Locale.ROOT,
                            "the volume holding the store is %.0f%% used (%s of %s, %s left); the store takes %s, %s of its file free for "
                                    + "reuse: give the collection more storage (spec.storage.size) before the volume fills, since a full "
                                    + "volume stops every commit",
                            100.0 * used / volumeBytes,
                            gib(used),
                            gib(volumeBytes),
                            gib(volumeUsableBytes),
                            gib(bytes()),
                            gib(freeBytes));
            return new WorkerStatus.Volume(volumeBytes, volumeUsableBytes, nearlyFull, warning);
        }

        private static String gib(long bytes) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
    }

    /** How the store uses its space, from DuckDB's own account of its blocks, and the filesystem it is on. */
    public Space space() {
        long volume = 0;
        long usable = 0;
        try {
            FileStore store = Files.getFileStore(file.getParent());
            volume = store.getTotalSpace();
            usable = store.getUsableSpace();
        } catch (IOException e) {
            LOG.debug("cannot read the size of the store's filesystem: {}", e.getMessage());
        }
        long free = read("cannot read the store's size", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT block_size * free_blocks FROM pragma_database_size() WHERE database_name = current_database()")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        return new Space(LogCheckpointer.size(file), checkpointer.walBytes(), free, volume, usable);
    }

    /** Tables copied, since the store was opened, to give back the space of the rows that changes replaced. */
    public long compactions() {
        return compactions;
    }

    private long count(String relation) {
        return read("cannot count " + relation, c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** A read on the store's reader connection, one at a time. */
    @FunctionalInterface
    private interface Read<T> {
        T from(Connection reader) throws SQLException;
    }

    /**
     * Runs {@code read} on the reader connection, which sees only what committed; a failure becomes a
     * {@link StoreException} whose message starts with {@code failure}.
     */
    private <T> T read(String failure, Read<T> read) {
        synchronized (reader) {
            try {
                return read.from(reader);
            } catch (SQLException e) {
                throw new StoreException(failure + ": " + e.getMessage(), e);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
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
