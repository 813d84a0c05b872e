package io.dynamosync.worker.publish;

import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.worker.store.ChangeFeed;
import io.dynamosync.worker.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Publishes the collection as an Iceberg table (format v2), exactly once across crashes.
 *
 * <p>Once the first load is served, the whole replica becomes the table's first snapshot; then, each interval, the
 * documents changed since the last commit (from the store's change log) become one commit: an equality delete of
 * every changed {@code _id} and a data file of the changed documents' current rows, in one row delta. Equality
 * deletes make a commit cost what changed, not what the table holds; readers merge them until the table is rewritten
 * from the replica once they pile up, and old snapshots expire ({@link TableUpkeep}).
 *
 * <p>Each snapshot's summary records the change-log sequence and the store generation it covers. On start, and
 * before each commit, the publisher reads them back from the table's current snapshot: changes up to that sequence
 * are in the table and are not applied again; later ones are. Files are written and uploaded before the commit; the
 * commit itself is one atomic swap in the catalog, and it fails rather than lands on a snapshot it did not read
 * (another writer's). A crash before the swap leaves unreferenced files, never a half-applied change. A new store
 * generation (a reload), a change log that no longer reaches back to the table's sequence, or a column whose type
 * Iceberg cannot promote, publishes the whole replica again as a replacing snapshot.
 *
 * <p>A catalog or S3 failure is reported in the status and retried at the next interval; the replica never waits
 * for it.
 */
public final class Publisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** The summary property holding the change-log sequence a snapshot covers. */
    public static final String SEQUENCE = "dynamosync.sequence";
    /** The summary property holding the store generation a snapshot was read from. */
    public static final String GENERATION = "dynamosync.generation";
    /** The summary property holding the time up to which a snapshot holds every committed change. */
    public static final String COVERS_UNTIL = "dynamosync.covers-until";

    private final WorkerSettings.Iceberg settings;
    private final String collection;
    private final Store store;
    private final Supplier<S3Client> s3;
    private final Map<String, String> environment;
    private final Path scratch;
    private final TableIdentifier identifier;
    private final Thread thread;

    private Catalog catalog;
    private FileIO io;

    private volatile Long snapshotId;
    private volatile Instant coversUntil;
    private volatile Instant lastCommitAt;
    private volatile long commits;
    private volatile long filesWritten;
    private volatile long bytesWritten;
    private volatile long rewrites;
    private volatile long snapshotsExpired;
    private volatile Duration lastCommitDuration;
    private volatile WorkerStatus.Error error;
    private volatile Consumer<Duration> commitListener = took -> {};

    public Publisher(
            WorkerSettings.Iceberg settings,
            String collection,
            Store store,
            Supplier<S3Client> s3,
            Map<String, String> environment,
            Path scratch) {
        this.settings = settings;
        this.collection = collection;
        this.store = store;
        this.s3 = s3;
        this.environment = environment;
        this.scratch = scratch;
        this.identifier = TableIdentifier.parse(settings.table());
        this.thread = new Thread(this::runUntilStopped, "publish-" + collection);
        this.thread.setDaemon(true);
    }

    /**
     * Lets DuckDB write and read the publisher's scratch directory, and nothing else beyond the store: the query
     * runner then turns external access off for the whole database and locks the configuration (see
     * {@code Confinement.lockDown}), which would otherwise refuse the publisher's {@code COPY}. Call before it does.
     * Queries stay read-only statements, so they gain at most a read of the Parquet copies of their own replica.
     */
    public void allowScratchDirectory() {
        try (Connection connection = store.newConnection();
                Statement s = connection.createStatement()) {
            Files.createDirectories(scratch);
            s.execute("SET allowed_directories = [" + literal(scratch.toAbsolutePath() + "/") + "]");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + scratch, e);
        } catch (SQLException e) {
            LOG.warn("cannot let DuckDB write {} for publishing: {}", scratch, e.getMessage());
        }
    }

    /** Starts publishing in the background. */
    public void start() {
        thread.start();
    }

    private void runUntilStopped() {
        Duration interval = Duration.ofSeconds(settings.commitIntervalOrDefault());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                publishOnce();
            } catch (RuntimeException | LinkageError e) {
                // A missing class too: the replica goes on, and the status says why the table does not.
                failed(e);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void failed(Throwable e) {
        String reason = reason(e);
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        boolean repeated = error != null && message.equals(error.message());
        error = new WorkerStatus.Error(
                reason,
                "publishing to Iceberg table " + settings.table() + " failed: " + message
                        + "; the replica keeps serving and publishing tries again",
                Instant.now());
        LOG.warn("{}: {}", reason, message, repeated ? null : e);
        // A catalog or FileIO in an unknown state is opened anew at the next attempt.
        closeCatalog();
    }

    /**
     * The status's reason for a failure: the publisher's own, or a REST catalog's answer (refused credentials, denied,
     * failing or unreachable), else {@code PublishFailed}.
     */
    static String reason(Throwable e) {
        if (e instanceof PublishException p) {
            return p.reason();
        }
        if (e instanceof org.apache.iceberg.exceptions.NotAuthorizedException) {
            return "CatalogUnauthorized";
        }
        if (e instanceof org.apache.iceberg.exceptions.ForbiddenException) {
            return "CatalogAccessDenied";
        }
        if (e instanceof org.apache.iceberg.exceptions.RESTException
                || e instanceof org.apache.iceberg.exceptions.ServiceFailureException
                || e instanceof org.apache.iceberg.exceptions.ServiceUnavailableException) {
            return "CatalogUnavailable";
        }
        return "PublishFailed";
    }

    /**
     * Publishes what changed since the table's current snapshot, if anything did; returns whether it committed. Runs
     * on the publisher's thread, or in tests directly.
     */
    public boolean publishOnce() {
        if (store.servingGeneration() == null) {
            return false;
        }
        Table table = table();
        Snapshot current = table.currentSnapshot();
        Long published = current == null ? null : summaryLong(current, SEQUENCE);
        Long publishedGeneration = current == null ? null : summaryLong(current, GENERATION);
        snapshotId = current == null ? null : current.snapshotId();
        if (current != null && current.summary().containsKey(COVERS_UNTIL) && coversUntil == null) {
            coversUntil = Instant.parse(current.summary().get(COVERS_UNTIL));
        }
        String rewrite = TableUpkeep.rewriteReason(current);
        if (rewrite != null) {
            LOG.info("rewriting Iceberg table {} from the replica: {}", settings.table(), rewrite);
        }
        Instant readAt = Instant.now();
        Read read;
        try (Connection reader = store.newConnection()) {
            reader.setAutoCommit(false);
            read = read(reader, table, published, publishedGeneration, rewrite != null);
            reader.commit();
        } catch (SQLException e) {
            throw new PublishException("StoreReadFailed", "cannot read the replica: " + e.getMessage());
        }
        if (read == null) {
            coversUntil = readAt;
            error = null;
            return false;
        }
        try {
            commit(table, current, read, readAt);
            store.changes().forgetBefore(read.sequence);
            if (read.whole) {
                rewrites++;
            }
            expire(table);
            error = null;
            return true;
        } finally {
            read.delete();
        }
    }

    /** Expires old snapshots; a failure is only logged, the next commit tries again. */
    private void expire(Table table) {
        try {
            int expired =
                    TableUpkeep.expire(table, Duration.ofSeconds(settings.keepSnapshotsOrDefault()), Instant.now());
            if (expired > 0) {
                snapshotsExpired += expired;
                LOG.info("expired {} snapshots of Iceberg table {}", expired, settings.table());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot expire snapshots of Iceberg table {}: {}", settings.table(), e.getMessage());
        }
    }

    /** What one commit publishes: files written from one consistent read of the replica. */
    private static final class Read {
        final boolean whole;
        final long sequence;
        final long generation;
        final List<Path> files = new ArrayList<>();
        Path data;
        long dataRows;
        Path deletes;
        long deleteRows;

        Read(boolean whole, long sequence, long generation) {
            this.whole = whole;
            this.sequence = sequence;
            this.generation = generation;
        }

        void delete() {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /**
     * Reads, in one transaction of the replica, what the next commit holds; null when nothing changed. Evolves the
     * table's schema first where the replica has new columns.
     */
    private Read read(Connection reader, Table table, Long published, Long publishedGeneration, boolean rewrite)
            throws SQLException {
        Long generation = ChangeFeed.servedGeneration(reader);
        long minSequence;
        long maxSequence;
        try (Statement s = reader.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(seq), max(seq) FROM " + ChangeFeed.TABLE)) {
            rs.next();
            minSequence = rs.getLong(1);
            maxSequence = rs.getLong(2);
        }
        Map<String, ColumnMapping> columns = columns(reader);
        boolean replacedColumn = evolve(table, columns);
        boolean whole = published == null
                || rewrite
                || !generation.equals(publishedGeneration)
                || published < minSequence
                || replacedColumn;
        if (!whole && published >= maxSequence) {
            return null;
        }
        Read read = new Read(whole, maxSequence, generation);
        Schema schema = table.schema();
        String quotedTable = quote(collection);
        List<String> selects = new ArrayList<>();
        List<String> fieldIds = new ArrayList<>();
        for (Map.Entry<String, ColumnMapping> column : columns.entrySet()) {
            selects.add(column.getValue().select() + " AS " + quote(column.getKey()));
            fieldIds.add(literal(column.getKey()) + ": "
                    + schema.findField(column.getKey()).fieldId());
        }
        String changed = "SELECT DISTINCT _id FROM " + ChangeFeed.TABLE + " WHERE seq > " + (whole ? 0 : published)
                + " AND seq <= " + maxSequence + " AND _id IS NOT NULL";
        String rows = "SELECT " + String.join(", ", selects) + " FROM " + quotedTable
                + (whole ? "" : " WHERE _id IN (" + changed + ")");
        read.data = scratchFile("data", read);
        read.dataRows = copy(reader, rows, read.data, "{" + String.join(", ", fieldIds) + "}");
        if (!whole) {
            read.deletes = scratchFile("deletes", read);
            read.deleteRows = copy(
                    reader,
                    changed,
                    read.deletes,
                    "{" + literal("_id") + ": " + schema.findField("_id").fieldId() + "}");
        }
        return read;
    }

    private Path scratchFile(String kind, Read read) {
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = scratch.resolve(kind + "-" + UUID.randomUUID() + ".parquet");
        read.files.add(file);
        return file;
    }

    private static long copy(Connection reader, String query, Path file, String fieldIds) throws SQLException {
        try (Statement s = reader.createStatement()) {
            s.execute("COPY (" + query + ") TO " + literal(file.toString())
                    + " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS " + fieldIds + ")");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + literal(file.toString()) + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The replica's columns in table order, {@code _id} first, each with how it maps to Iceberg. */
    private Map<String, ColumnMapping> columns(Connection reader) throws SQLException {
        Map<String, ColumnMapping> columns = new LinkedHashMap<>();
        try (Statement s = reader.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE " + quote(collection))) {
            while (rs.next()) {
                String name = rs.getString("column_name");
                columns.put(name, ColumnMapping.of(rs.getString("column_type"), quote(name)));
            }
        }
        return columns;
    }

    /**
     * Adds the replica's new columns to the table, widens those Iceberg can promote, and replaces those it cannot
     * (their new type then needs the whole table written again); returns whether a column was replaced.
     */
    private static boolean evolve(Table table, Map<String, ColumnMapping> columns) {
        Schema schema = table.schema();
        List<String> replace = new ArrayList<>();
        UpdateSchema update = table.updateSchema();
        boolean changed = false;
        for (Map.Entry<String, ColumnMapping> column : columns.entrySet()) {
            Types.NestedField field = schema.findField(column.getKey());
            if (field == null) {
                update.addColumn(null, column.getKey(), column.getValue().type());
                changed = true;
            } else if (!field.type().equals(column.getValue().type())) {
                if (ColumnMapping.promotable(field.type(), column.getValue().type())) {
                    update.updateColumn(
                            column.getKey(), column.getValue().type().asPrimitiveType());
                    changed = true;
                } else {
                    replace.add(column.getKey());
                }
            }
        }
        if (changed) {
            update.commit();
        }
        if (!replace.isEmpty()) {
            // A column cannot change type in place: it goes, and one of the same name and a new id takes its place,
            // which the replacing snapshot written next fills for every row.
            UpdateSchema drop = table.updateSchema();
            replace.forEach(drop::deleteColumn);
            drop.commit();
            UpdateSchema add = table.updateSchema();
            replace.forEach(name -> add.addColumn(null, name, columns.get(name).type()));
            add.commit();
            LOG.info("columns {} of {} changed type beyond what Iceberg promotes: replaced", replace, table.name());
        }
        return !replace.isEmpty();
    }

    private void commit(Table table, Snapshot read, Read files, Instant readAt) {
        long started = System.nanoTime();
        LOG.info(
                "committing {} to Iceberg table {}: {} rows, {} deletes, up to sequence {}",
                files.whole ? "the whole replica" : "the changes",
                settings.table(),
                files.dataRows,
                files.deleteRows,
                files.sequence);
        long bytes = 0;
        int written = 0;
        SnapshotUpdate<?> update;
        if (files.whole) {
            OverwriteFiles overwrite = table.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
            if (files.dataRows > 0) {
                DataFile data = upload(table, files.data, files.dataRows);
                overwrite.addFile(data);
                bytes += data.fileSizeInBytes();
                written++;
            }
            if (read != null) {
                overwrite
                        .validateFromSnapshot(read.snapshotId())
                        .validateNoConflictingData()
                        .validateNoConflictingDeletes();
            }
            update = overwrite;
        } else {
            RowDelta delta = table.newRowDelta();
            if (files.deleteRows > 0) {
                DeleteFile deletes = uploadDeletes(table, files.deletes, files.deleteRows);
                delta.addDeletes(deletes);
                bytes += deletes.fileSizeInBytes();
                written++;
            }
            if (files.dataRows > 0) {
                DataFile data = upload(table, files.data, files.dataRows);
                delta.addRows(data);
                bytes += data.fileSizeInBytes();
                written++;
            }
            // Another writer's commit since the read would make this one apply changes twice or out of order.
            delta.validateFromSnapshot(read.snapshotId())
                    .conflictDetectionFilter(Expressions.alwaysTrue())
                    .validateNoConflictingDataFiles()
                    .validateNoConflictingDeleteFiles();
            update = delta;
        }
        update.set(SEQUENCE, Long.toString(files.sequence));
        update.set(GENERATION, Long.toString(files.generation));
        update.set(COVERS_UNTIL, readAt.toString());
        update.commit();
        Snapshot committed = table.currentSnapshot();
        lastCommitDuration = Duration.ofNanos(System.nanoTime() - started);
        commitListener.accept(lastCommitDuration);
        snapshotId = committed == null ? null : committed.snapshotId();
        coversUntil = readAt;
        lastCommitAt = Instant.now();
        commits++;
        filesWritten += written;
        bytesWritten += bytes;
        LOG.info(
                "published {} to Iceberg table {}: snapshot {}, {} rows, {} deletes, {} bytes, in {} ms",
                files.whole ? "the whole replica" : "the changes",
                settings.table(),
                snapshotId,
                files.dataRows,
                files.deleteRows,
                bytes,
                lastCommitDuration.toMillis());
    }

    private DataFile upload(Table table, Path local, long rows) {
        String location =
                table.locationProvider().newDataLocation(local.getFileName().toString());
        long size = put(local, location);
        return DataFiles.builder(table.spec())
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(size)
                .withRecordCount(rows)
                .build();
    }

    private DeleteFile uploadDeletes(Table table, Path local, long rows) {
        String location =
                table.locationProvider().newDataLocation(local.getFileName().toString());
        long size = put(local, location);
        return FileMetadata.deleteFileBuilder(table.spec())
                .ofEqualityDeletes(table.schema().findField("_id").fieldId())
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(size)
                .withRecordCount(rows)
                .build();
    }

    private long put(Path local, String location) {
        try (InputStream in = Files.newInputStream(local);
                OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
            in.transferTo(out);
            return Files.size(local);
        } catch (IOException e) {
            throw new PublishException("WarehouseWriteFailed", "cannot write " + location + ": " + e.getMessage());
        }
    }

    /** The table, made (with its namespace) when the catalog has none. */
    private Table table() {
        if (catalog == null) {
            io = Catalogs.warehouseIo(s3);
            catalog = Catalogs.open(settings, io, environment);
        }
        if (!catalog.tableExists(identifier)) {
            if (catalog instanceof SupportsNamespaces namespaces
                    && !namespaces.namespaceExists(identifier.namespace())) {
                try {
                    namespaces.createNamespace(identifier.namespace());
                } catch (AlreadyExistsException raced) {
                    // Another collection made it meanwhile.
                }
            }
            Schema schema = new Schema(
                    Types.NestedField.optional(1, "_id", Types.StringType.get()),
                    Types.NestedField.optional(2, "_event_time", Types.TimestampType.withZone()));
            try {
                catalog.buildTable(identifier, schema)
                        .withProperty(TableProperties.FORMAT_VERSION, "2")
                        .withProperty(TableProperties.PARQUET_COMPRESSION, "zstd")
                        .withProperty("dynamosync.collection", collection)
                        .withProperties(TableUpkeep.TABLE_PROPERTIES)
                        .create();
                LOG.info("created Iceberg table {}", settings.table());
            } catch (AlreadyExistsException raced) {
                // Made meanwhile: load it.
            }
        }
        Table table = catalog.loadTable(identifier);
        TableUpkeep.ensureProperties(table);
        return table;
    }

    private static Long summaryLong(Snapshot snapshot, String key) {
        String value = snapshot.summary().get(key);
        return value == null ? null : Long.parseLong(value);
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** What the status shows of publishing. */
    public WorkerStatus.Publish status() {
        return new WorkerStatus.Publish(
                settings.table(),
                snapshotId,
                coversUntil,
                lastCommitAt,
                commits,
                filesWritten,
                bytesWritten,
                rewrites,
                snapshotsExpired,
                error);
    }

    /** Tells {@code listener} how long each commit took (files uploaded and the catalog swapped), for the metrics. */
    public void onCommit(Consumer<Duration> listener) {
        this.commitListener = listener;
    }

    /** Snapshots committed since the worker started. */
    public long commits() {
        return commits;
    }

    /** Data and delete files written since the worker started. */
    public long filesWritten() {
        return filesWritten;
    }

    /** Commits that rewrote the whole table from the replica to fold its deletes in, since the worker started. */
    public long rewrites() {
        return rewrites;
    }

    /** Snapshots expired since the worker started. */
    public long snapshotsExpired() {
        return snapshotsExpired;
    }

    /** Bytes of those files. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** How long the newest commit took; null before the first. */
    public Duration lastCommitDuration() {
        return lastCommitDuration;
    }

    /** Time since the newest snapshot's coverage ends: how far the table is behind the replica. */
    public Duration lag() {
        Instant covers = coversUntil;
        return covers == null ? null : Duration.between(covers, Instant.now());
    }

    private void closeCatalog() {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the catalog: {}", e.getMessage());
            }
        }
        catalog = null;
        io = null;
    }

    /** Stops publishing; a commit in flight either lands whole or not at all. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeCatalog();
    }
}
