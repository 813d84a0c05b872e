package io.dynamosync.worker.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The collection's store: a DuckDB file on the collection's volume holding one table, named
 * after the collection, with one row per document keyed by {@code _id}, and beside it the
 * checkpoints of everything that feeds it.
 *
 * <p>Each {@link Batch} commits in one transaction together with its checkpoints, so a crash at
 * any point replays nothing twice and loses nothing. Within it, the batch is staged as the
 * temporary table {@code _input} (one typed column per attribute), the ingest transformation
 * runs over it, and its result replaces the batch's documents whole; deleted documents go.
 *
 * <p>Columns appear as attributes do. DuckDB compares names without case, so each attribute
 * gets a column name of its own, recorded in {@code _columns}: its own name, unless another
 * attribute differing only in case came first, then its name with {@code _2}, {@code _3}...
 * appended. An attribute named {@code _id} is kept as {@code _item_id} (the table's keys make
 * {@code _id}), and only when the transformation uses that column; otherwise its item is
 * refused, by key. A column whose values change type widens (see {@link ColumnTypes}); no value
 * is lost.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where an item's own {@code _id} attribute is kept, if the transformation wants it. */
    public static final String ITEM_ID_COLUMN = "_item_id";
    private static final int REFUSED_KEPT = 20;

    private final Path file;
    private final Connection connection;
    private final String collection;
    private final String table;
    private final Transformation transformation;
    /** attribute name to column (name, staged type), in first-seen order. */
    private final Map<String, Column> columns = new LinkedHashMap<>();
    /** lower-case column name to (stored name, SQL type) of the collection table. */
    private final Map<String, TableColumn> tableColumns = new LinkedHashMap<>();
    private final Deque<WorkerStatus.RefusedItem> refused = new ArrayDeque<>();
    private volatile Consumer<Duration> commitListener = took -> { };

    private record Column(String name, StagedType type) {
    }

    private record TableColumn(String name, String type) {
    }

    private Store(Path file, Connection connection, String collection, Transformation transformation) {
        this.file = file;
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.transformation = transformation;
    }

    /** Opens (or creates) the store of {@code collection} in {@code directory}. */
    public static Store open(Path directory, String collection, Transformation transformation) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("store.duckdb");
            Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
            Store store = new Store(file, connection, collection, transformation);
            store.createTables();
            store.loadCatalog();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store directory " + directory, e);
        } catch (SQLException e) {
            throw new StoreException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void createTables() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (_id VARCHAR PRIMARY KEY, _event_time TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE IF NOT EXISTS _sync_state (name VARCHAR PRIMARY KEY, value JSON, updated_at TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE IF NOT EXISTS _journal (position BIGINT PRIMARY KEY, entry JSON NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS _columns (attribute VARCHAR PRIMARY KEY, column_name VARCHAR NOT NULL, "
                    + "staged_type JSON NOT NULL, position INTEGER NOT NULL)");
        }
    }

    /** Reads the column mapping and the table's columns; also after a rollback, to forget what it undid. */
    private void loadCatalog() throws SQLException {
        columns.clear();
        tableColumns.clear();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT attribute, column_name, staged_type FROM _columns ORDER BY position")) {
            while (rs.next()) {
                columns.put(rs.getString(1), new Column(rs.getString(2), readType(rs.getString(3))));
            }
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
                     + SqlNames.literal(collection) + " AND table_schema = 'main' ORDER BY ordinal_position")) {
            while (rs.next()) {
                tableColumns.put(rs.getString(1).toLowerCase(Locale.ROOT), new TableColumn(rs.getString(1), rs.getString(2)));
            }
        }
    }

    /** The collection's name, which is its table's name. */
    public String collection() {
        return collection;
    }

    /** A new connection to the same database, for readers; the caller closes it. */
    public Connection newConnection() {
        try {
            return ((DuckDBConnection) connection).duplicate();
        } catch (SQLException e) {
            throw new StoreException("cannot open a connection to the store: " + e.getMessage(), e);
        }
    }

    /** Tells {@code listener} how long each committed batch took, for the metrics. */
    public void onCommit(Consumer<Duration> listener) {
        this.commitListener = listener;
    }

    /**
     * Commits a batch: its documents and its checkpoints, all or nothing.
     *
     * @return the number of documents written (upserted or deleted), refused items excluded
     * @throws StoreException when the batch cannot be committed; nothing of it was written
     */
    public synchronized int commit(Batch batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<Batch.Change> upserts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean keepsItemIds = transformation.mentions(ITEM_ID_COLUMN);
        for (Batch.Change change : batch.changes()) {
            if (!change.isDelete() && change.item().containsKey("_id") && !keepsItemIds) {
                refuse(change.key(), "the item has its own _id attribute, which would clash with the _id made from the "
                        + "table's keys; use _item_id in the ingest transformation to keep it (e.g. SELECT *, "
                        + "_item_id AS legacyId FROM _input), or rename the attribute in DynamoDB");
                continue;
            }
            ids.add(change.id());
            if (!change.isDelete()) {
                upserts.add(change);
            }
        }
        long started = System.nanoTime();
        try {
            connection.setAutoCommit(false);
            String output = null;
            if (!upserts.isEmpty()) {
                stage(upserts);
                output = transform();
                // Columns change before any row does: DuckDB's key index wrongly sees rows
                // deleted earlier in a transaction as present again once the table is altered.
                evolveTable(output);
            }
            if (!ids.isEmpty()) {
                deleteDocuments(ids);
            }
            if (output != null) {
                insert(output);
            }
            writeJournal(batch);
            writeCheckpoints(batch.checkpoints());
            connection.commit();
            commitListener.accept(Duration.ofNanos(System.nanoTime() - started));
            return ids.size();
        } catch (SQLException | RuntimeException e) {
            rollback();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("the store could not commit a batch of " + batch.size() + " documents: " + e.getMessage(), e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.warn("could not restore autocommit: {}", e.getMessage());
            }
        }
    }

    private void rollback() {
        try {
            connection.rollback();
            loadCatalog();
        } catch (SQLException e) {
            LOG.error("rollback failed: {}", e.getMessage());
        }
    }

    private synchronized void refuse(String key, String reason) {
        LOG.warn("refused item {}: {}", key, reason);
        refused.addFirst(new WorkerStatus.RefusedItem(key, reason, Instant.now()));
        while (refused.size() > REFUSED_KEPT) {
            refused.removeLast();
        }
    }

    /** The latest items the store refused, newest first. */
    public synchronized List<WorkerStatus.RefusedItem> refusedItems() {
        return List.copyOf(refused);
    }

    private void deleteDocuments(List<String> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE _id IN (SELECT unnest(from_json(CAST(? AS JSON), '[\"VARCHAR\"]')))")) {
            delete.setString(1, JSON.writeValueAsString(ids));
            delete.execute();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the upserts into the temporary table {@code _input}, one typed column per known attribute. */
    private void stage(List<Batch.Change> upserts) throws SQLException {
        // First pass: the type of every attribute over this batch, joined with what came before.
        Map<String, StagedType> batchTypes = new LinkedHashMap<>();
        for (Batch.Change change : upserts) {
            for (Map.Entry<String, AttributeValue> attribute : change.item().entrySet()) {
                batchTypes.merge(attribute.getKey(), StagedType.of(attribute.getValue()), StagedType::join);
            }
        }
        for (Map.Entry<String, StagedType> entry : batchTypes.entrySet()) {
            Column known = columns.get(entry.getKey());
            if (known == null) {
                addColumn(entry.getKey(), entry.getValue());
            } else {
                StagedType joined = known.type().join(entry.getValue());
                if (!joined.equals(known.type())) {
                    columns.put(entry.getKey(), new Column(known.name(), joined));
                    saveColumn(entry.getKey());
                }
            }
        }
        // Second pass: one JSON object a document, each value written for its column's type.
        StringWriter rows = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(rows)) {
            out.writeStartArray();
            for (Batch.Change change : upserts) {
                out.writeStartObject();
                out.writeStringField("_id", change.id());
                out.writeStringField("_event_time", change.eventTime().toString());
                for (Map.Entry<String, AttributeValue> attribute : change.item().entrySet()) {
                    Column column = columns.get(attribute.getKey());
                    out.writeFieldName(column.name());
                    writeStaged(out, attribute.getValue(), column.type());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode structure = JSON.createObjectNode();
        structure.put("_id", "VARCHAR");
        structure.put("_event_time", "VARCHAR");
        StringBuilder select = new StringBuilder("SELECT CAST(struct_extract(r, '_id') AS VARCHAR) AS _id, "
                + "CAST(struct_extract(r, '_event_time') AS TIMESTAMP WITH TIME ZONE) AS _event_time");
        for (Column column : columns.values()) {
            structure.put(column.name(), column.type().jsonFieldType());
            String field = "struct_extract(r, " + SqlNames.literal(column.name()) + ")";
            select.append(", ").append(column.type().selectExpression(field)).append(" AS ").append(SqlNames.quote(column.name()));
        }
        String structureText;
        try {
            structureText = JSON.writeValueAsString(List.of(structure));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        select.append(" FROM (SELECT unnest(from_json(CAST(? AS JSON), ").append(SqlNames.literal(structureText)).append(")) AS r)");
        try (PreparedStatement staging = connection.prepareStatement("CREATE OR REPLACE TEMP TABLE _input AS " + select)) {
            staging.setString(1, rows.toString());
            staging.execute();
        }
    }

    private void addColumn(String attribute, StagedType type) throws SQLException {
        Set<String> taken = new java.util.HashSet<>();
        taken.add("_id");
        taken.add("_event_time");
        for (Column column : columns.values()) {
            taken.add(column.name().toLowerCase(Locale.ROOT));
        }
        String base = attribute.equals("_id") ? ITEM_ID_COLUMN : attribute;
        String name = base;
        for (int n = 2; taken.contains(name.toLowerCase(Locale.ROOT)); n++) {
            name = base + "_" + n;
        }
        columns.put(attribute, new Column(name, type));
        saveColumn(attribute);
    }

    private void saveColumn(String attribute) throws SQLException {
        Column column = columns.get(attribute);
        int position = new ArrayList<>(columns.keySet()).indexOf(attribute);
        try (PreparedStatement save = connection.prepareStatement("INSERT OR REPLACE INTO _columns VALUES (?, ?, ?, ?)")) {
            save.setString(1, attribute);
            save.setString(2, column.name());
            save.setString(3, writeType(column.type()));
            save.setInt(4, position);
            save.execute();
        }
    }

    private static String writeType(StagedType type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", type.kind().name());
        node.put("allLong", type.numbers().allLong());
        node.put("allInteger", type.numbers().allInteger());
        node.put("integerDigits", type.numbers().integerDigits());
        node.put("scale", type.numbers().scale());
        return node.toString();
    }

    private static StagedType readType(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return new StagedType(StagedType.Kind.valueOf(node.get("kind").asText()), new NumberShape(
                    node.get("allLong").asBoolean(), node.get("allInteger").asBoolean(),
                    node.get("integerDigits").asInt(), node.get("scale").asInt()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeStaged(JsonGenerator out, AttributeValue value, StagedType type) throws IOException {
        if (value.type() == AttributeValue.Type.NUL) {
            out.writeNull();
            return;
        }
        switch (type.kind()) {
            case VARCHAR -> out.writeString(value.s());
            case BOOLEAN -> out.writeBoolean(value.bool());
            case NUMBER -> out.writeString(type.numbers().text(value.n()));
            case BLOB -> out.writeString(base64(value.b()));
            case VARCHAR_LIST -> writeStrings(out, value.ss());
            case NUMBER_LIST -> {
                out.writeStartArray();
                for (String n : value.ns()) {
                    out.writeString(type.numbers().text(n));
                }
                out.writeEndArray();
            }
            case BLOB_LIST -> {
                out.writeStartArray();
                for (SdkBytes b : value.bs()) {
                    out.writeString(base64(b));
                }
                out.writeEndArray();
            }
            case JSON -> out.writeString(jsonText(value));
            case NULL -> out.writeNull();
        }
    }

    private static void writeStrings(JsonGenerator out, List<String> values) throws IOException {
        out.writeStartArray();
        for (String v : values) {
            out.writeString(v);
        }
        out.writeEndArray();
    }

    /**
     * A DynamoDB value as JSON text: maps and lists as objects and arrays, numbers with all
     * their digits, binaries in base64, sets as arrays.
     */
    static String jsonText(AttributeValue value) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            writeJson(out, value);
        }
        return text.toString();
    }

    private static void writeJson(JsonGenerator out, AttributeValue value) throws IOException {
        switch (value.type()) {
            case S -> out.writeString(value.s());
            case N -> out.writeNumber(value.n());
            case B -> out.writeString(base64(value.b()));
            case BOOL -> out.writeBoolean(value.bool());
            case NUL -> out.writeNull();
            case M -> {
                out.writeStartObject();
                for (Map.Entry<String, AttributeValue> e : new TreeMap<>(value.m()).entrySet()) {
                    out.writeFieldName(e.getKey());
                    writeJson(out, e.getValue());
                }
                out.writeEndObject();
            }
            case L -> {
                out.writeStartArray();
                for (AttributeValue v : value.l()) {
                    writeJson(out, v);
                }
                out.writeEndArray();
            }
            case SS -> writeStrings(out, value.ss());
            case NS -> {
                out.writeStartArray();
                for (String n : value.ns()) {
                    out.writeNumber(n);
                }
                out.writeEndArray();
            }
            case BS -> {
                out.writeStartArray();
                for (SdkBytes b : value.bs()) {
                    out.writeString(base64(b));
                }
                out.writeEndArray();
            }
            default -> throw new IllegalArgumentException("unsupported DynamoDB type " + value.type());
        }
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    /** Runs the transformation over {@code _input}; returns the relation holding its result. */
    private String transform() throws SQLException {
        if (transformation.isIdentity()) {
            return "_input";
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE _output AS " + transformation.sql());
        } catch (SQLException e) {
            throw new StoreException("the ingest transformation failed: " + e.getMessage(), e);
        }
        Map<String, String> outputColumns = describe("_output");
        if (!outputColumns.containsKey("_id")) {
            throw new StoreException("the ingest transformation must return the _id column (e.g. SELECT *, ... FROM _input); "
                    + "it returned " + outputColumns.keySet());
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM _output WHERE _id IS NULL OR _id NOT IN (SELECT _id FROM _input)), "
                     + "(SELECT min(_id) FROM (SELECT _id FROM _output GROUP BY _id HAVING count(*) > 1))")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                throw new StoreException("the ingest transformation must keep _id as it comes in _input, since _id "
                        + "is how updates and deletes find a document; copy it to another column to change it");
            }
            if (rs.getString(2) != null) {
                throw new StoreException("the ingest transformation returned more than one row for _id '" + rs.getString(2) + "'");
            }
        }
        return "_output";
    }

    /** Adds the output's new columns to the collection table and widens those whose type changed. */
    private void evolveTable(String output) throws SQLException {
        for (Map.Entry<String, String> column : describe(output).entrySet()) {
            String name = column.getKey();
            String type = column.getValue();
            if (name.equals("_id") || name.equals("_event_time")) {
                continue;
            }
            TableColumn existing = tableColumns.get(name.toLowerCase(Locale.ROOT));
            if (existing == null) {
                execute("ALTER TABLE " + table + " ADD COLUMN " + SqlNames.quote(name) + " " + type);
                tableColumns.put(name.toLowerCase(Locale.ROOT), new TableColumn(name, type));
                continue;
            }
            if (existing.type().equalsIgnoreCase(type) || count(output, name) == 0) {
                continue;
            }
            String wider;
            if (count(table, existing.name()) == 0) {
                wider = type;
            } else {
                int digits = ColumnTypes.needsDigits(existing.type(), type)
                        ? Math.max(integerDigits(table, existing.name(), existing.type()), integerDigits(output, name, type))
                        : 0;
                wider = ColumnTypes.widen(existing.type(), type, digits);
            }
            if (!wider.equalsIgnoreCase(existing.type())) {
                String quoted = SqlNames.quote(existing.name());
                LOG.info("column {} of {} widens from {} to {}", existing.name(), collection, existing.type(), wider);
                execute("ALTER TABLE " + table + " ALTER COLUMN " + quoted + " TYPE " + wider
                        + " USING " + ColumnTypes.convert(quoted, existing.type(), wider));
                tableColumns.put(name.toLowerCase(Locale.ROOT), new TableColumn(existing.name(), wider));
            }
        }
    }

    private void insert(String output) throws SQLException {
        Map<String, String> outputColumns = describe(output);
        List<String> targets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> column : outputColumns.entrySet()) {
            String name = column.getKey();
            String source = "o." + SqlNames.quote(name);
            if (name.equals("_id")) {
                targets.add("_id");
                values.add("CAST(" + source + " AS VARCHAR)");
            } else if (name.equals("_event_time")) {
                targets.add("_event_time");
                values.add("CAST(" + source + " AS TIMESTAMP WITH TIME ZONE)");
            } else {
                TableColumn target = tableColumns.get(name.toLowerCase(Locale.ROOT));
                targets.add(SqlNames.quote(target.name()));
                values.add(ColumnTypes.convert(source, column.getValue(), target.type()));
            }
        }
        if (!outputColumns.containsKey("_event_time")) {
            targets.add("_event_time");
            values.add("(SELECT i._event_time FROM _input i WHERE i._id = o._id)");
        }
        execute("INSERT INTO " + table + " (" + String.join(", ", targets) + ") SELECT "
                + String.join(", ", values) + " FROM " + output + " o");
    }

    private void writeJournal(Batch batch) throws SQLException {
        if (!batch.journalEntries().isEmpty()) {
            long next;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(position), 0) FROM _journal")) {
                rs.next();
                next = rs.getLong(1) + 1;
            }
            try (PreparedStatement append = connection.prepareStatement(
                    "INSERT INTO _journal SELECT ? + ordinality - 1, CAST(e AS JSON) FROM "
                            + "(SELECT unnest(from_json(CAST(? AS JSON), '[\"JSON\"]')) AS e, generate_subscripts(from_json(CAST(? AS JSON), '[\"JSON\"]'), 1) AS ordinality)")) {
                String entries = JSON.writeValueAsString(batch.journalEntries());
                append.setLong(1, next);
                append.setString(2, entries);
                append.setString(3, entries);
                append.execute();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (batch.forgetJournalUpTo() >= 0) {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM _journal WHERE position <= ?")) {
                forget.setLong(1, batch.forgetJournalUpTo());
                forget.execute();
            }
        }
    }

    /** A journal entry and its position, which orders entries as they were journaled. */
    public record JournalEntry(long position, JsonNode entry) {
    }

    /** The oldest {@code limit} journal entries, in journal order. */
    public synchronized List<JournalEntry> journal(int limit) {
        List<JournalEntry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position, CAST(entry AS VARCHAR) FROM _journal ORDER BY position LIMIT ?")) {
            query.setInt(1, limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    entries.add(new JournalEntry(rs.getLong(1), JSON.readTree(rs.getString(2))));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new StoreException("cannot read the journal: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many entries wait in the journal. */
    public synchronized long journalSize() {
        return count("_journal", null);
    }

    private void writeCheckpoints(Map<String, JsonNode> checkpoints) throws SQLException {
        for (Map.Entry<String, JsonNode> checkpoint : checkpoints.entrySet()) {
            if (checkpoint.getValue() == null) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM _sync_state WHERE name = ?")) {
                    delete.setString(1, checkpoint.getKey());
                    delete.execute();
                }
            } else {
                try (PreparedStatement save = connection.prepareStatement("INSERT OR REPLACE INTO _sync_state VALUES (?, ?, now())")) {
                    save.setString(1, checkpoint.getKey());
                    save.setString(2, checkpoint.getValue().toString());
                    save.execute();
                }
            }
        }
    }

    /** The checkpoint named {@code name}, if one was committed. */
    public synchronized Optional<JsonNode> checkpoint(String name) {
        return Optional.ofNullable(checkpoints(name).get(name));
    }

    /** Every checkpoint whose name starts with {@code prefix}. */
    public synchronized Map<String, JsonNode> checkpoints(String prefix) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT name, CAST(value AS VARCHAR) FROM _sync_state WHERE starts_with(name, ?) ORDER BY name")) {
            query.setString(1, prefix);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), JSON.readTree(rs.getString(2)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StoreException("cannot read checkpoints: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Empties the collection and forgets every checkpoint, in one transaction, so the next load
     * starts from nothing (a re-bootstrap). The attributes' column names are kept, so queries
     * written against them keep working once the documents are back.
     */
    public synchronized void clear() {
        try {
            connection.setAutoCommit(false);
            // Dropped, not emptied: a new transformation may want none of the old columns.
            execute("DROP TABLE " + table);
            execute("DELETE FROM _sync_state");
            execute("DELETE FROM _journal");
            createTables();
            connection.commit();
            loadCatalog();
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
    }

    /** How many documents the collection holds. */
    public synchronized long documents() {
        return count(table, null);
    }

    /** The store's size on disk, write-ahead log included. */
    public long bytes() {
        long size = 0;
        for (Path p : List.of(file, file.resolveSibling(file.getFileName() + ".wal"))) {
            try {
                size += Files.exists(p) ? Files.size(p) : 0;
            } catch (IOException e) {
                // A file that vanished between the check and the read counts as empty.
            }
        }
        return size;
    }

    /** The attribute-to-column mapping, for the status page and tests. */
    public synchronized Map<String, String> columnNames() {
        Map<String, String> names = new LinkedHashMap<>();
        columns.forEach((attribute, column) -> names.put(attribute, column.name()));
        return names;
    }

    private Map<String, String> describe(String relation) throws SQLException {
        Map<String, String> described = new LinkedHashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE " + relation)) {
            while (rs.next()) {
                described.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return described;
    }

    private long count(String relation, String column) {
        String what = column == null ? "*" : SqlNames.quote(column);
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(" + what + ") FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count " + relation + ": " + e.getMessage(), e);
        }
    }

    private int integerDigits(String relation, String column, String type) throws SQLException {
        String quoted = SqlNames.quote(column);
        String value = ColumnTypes.isList(type) ? "unnest(" + quoted + ")" : quoted;
        String sql = "SELECT coalesce(max(length(CAST(CAST(abs(v) AS HUGEINT) AS VARCHAR))), 0) FROM (SELECT " + value + " AS v FROM "
                + relation + ")";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing the store: {}", e.getMessage());
        }
    }
}
