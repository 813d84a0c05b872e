package io.dynamosync.worker.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one batch's documents inside the writer's transaction: stages them as {@code _input},
 * runs the ingest transformation over it, widens the collection table where the result needs,
 * and replaces the batch's documents whole (deleted documents go).
 */
final class Ingest {

    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final DuckDBConnection connection;
    private final String collection;
    /** The table written to, quoted: the collection's, or the generation being built beside it. */
    private String table;
    /**
     * Whether that table is keyed: each {@code _id} once, and a change replaces the document with its {@code _id}. A
     * generation being loaded is not: the load's items are appended, without looking for earlier versions, until
     * the table is keyed ({@link #keyIfLoading()}). The writer keeps the key itself; DuckDB holds no index on it,
     * since a table with an index never has its deleted rows vacuumed (see {@link Store}).
     */
    private boolean keyed = true;

    private final Transformation transformation;
    private final Catalog catalog;
    private final Staging staging;

    Ingest(DuckDBConnection connection, String collection, Transformation transformation, Catalog catalog) {
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.transformation = transformation;
        this.catalog = catalog;
        this.staging = new Staging(connection, catalog);
    }

    /** Writes go to table {@code name} from now on; {@code keyed} says whether it has its key. */
    void target(String name, boolean keyed) {
        this.table = SqlNames.quote(name);
        this.keyed = keyed;
    }

    boolean keyed() {
        return keyed;
    }

    /**
     * Keys the table, unless it is: drops the copies of documents that a load read twice (a page or a file read again
     * after a crash cut it short; the last copy written stays). It commits on its own (the caller is in autocommit)
     * and changes no document, so a crash after it only means looking for copies again.
     */
    void keyIfLoading() throws SQLException {
        if (keyed) {
            return;
        }
        long started = System.nanoTime();
        long copies;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) - count(DISTINCT _id) FROM " + table)) {
            rs.next();
            copies = rs.getLong(1);
        }
        if (copies > 0) {
            execute("DELETE FROM " + table + " WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER "
                    + "(PARTITION BY _id ORDER BY rowid DESC) AS copy FROM " + table + ") WHERE copy > 1)");
        }
        keyed = true;
        LOG.info(
                "collection {}: keyed its table by _id ({} copies read twice dropped) in {} ms",
                collection,
                copies,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Writes the batch's documents; items that cannot be stored are handed to {@code refuse}
     * (the change, the reason) and skipped.
     *
     * @return the number of documents written (upserted or deleted)
     */
    int write(Batch batch, BiConsumer<Batch.Change, String> refuse) throws SQLException {
        List<Batch.Change> upserts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean keepsItemIds = transformation.mentions(Store.ITEM_ID_COLUMN);
        for (Batch.Change change : batch.changes()) {
            if (!change.isDelete() && change.item().containsKey("_id") && !keepsItemIds) {
                refuse.accept(
                        change,
                        "the item has its own _id attribute, which would clash with the _id made from the "
                                + "table's keys; use _item_id in the ingest transformation to keep it (e.g. SELECT *, "
                                + "_item_id AS legacyId FROM _input), or rename the attribute in DynamoDB");
                continue;
            }
            ids.add(change.id());
            if (!change.isDelete()) {
                upserts.add(change);
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        String output = null;
        if (!upserts.isEmpty()) {
            output = transformed(upserts);
            // Columns change before any row does: DuckDB's key index wrongly sees rows
            // deleted earlier in a transaction as present again once the table is altered.
            evolveTable(output);
        }
        if (keyed) {
            staging.stageIds(ids);
            execute("DELETE FROM " + table + " WHERE _id IN (SELECT _id FROM _changed)");
        } else if (batch.needsKey()) {
            throw new IllegalStateException("a change that replaces documents reached a table not yet keyed");
        }
        if (output != null) {
            insert(output);
        }
        return ids.size();
    }

    /**
     * Whether the item's own {@code _id} attribute keeps it out of the store: it would clash with the {@code _id}
     * made from the keys, unless the transformation keeps it as {@code _item_id}.
     */
    boolean refuses(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        return item.containsKey("_id") && !transformation.mentions(Store.ITEM_ID_COLUMN);
    }

    /**
     * Stages the upserts as {@code _input} (the catalog learning their attributes) and runs the transformation over
     * them; returns the relation holding the documents as the collection would store them.
     */
    String transformed(List<Batch.Change> upserts) throws SQLException {
        catalog.learn(() -> upserts.stream().map(Batch.Change::item).iterator());
        staging.stage(upserts);
        return transform();
    }

    /** Stages {@code ids} as {@code _changed}. */
    void stageIds(List<String> ids) throws SQLException {
        staging.stageIds(ids);
    }

    /** The table written to, quoted. */
    String table() {
        return table;
    }

    /** Runs the transformation over {@code _input}; returns the relation holding its result. */
    private String transform() throws SQLException {
        if (transformation.isIdentity()) {
            return "_input";
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE _output AS " + transformation.sql());
        } catch (SQLException e) {
            throw new TransformationException("the ingest transformation failed: " + e.getMessage(), e);
        }
        Map<String, String> outputColumns = describe("_output");
        if (!outputColumns.containsKey("_id")) {
            throw new TransformationException(
                    "the ingest transformation must return the _id column (e.g. SELECT *, ... FROM _input); "
                            + "it returned " + outputColumns.keySet());
        }
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT (SELECT count(*) FROM _output WHERE _id IS NULL OR _id NOT IN (SELECT _id FROM _input)), "
                                + "(SELECT min(_id) FROM (SELECT _id FROM _output GROUP BY _id HAVING count(*) > 1))")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                throw new TransformationException(
                        "the ingest transformation must keep _id as it comes in _input, since _id "
                                + "is how updates and deletes find a document; copy it to another column to change it");
            }
            if (rs.getString(2) != null) {
                throw new TransformationException(
                        "the ingest transformation returned more than one row for _id '" + rs.getString(2) + "'");
            }
        }
        return "_output";
    }

    /**
     * Adds the output's new columns to the collection table and widens those whose type changed.
     * A number column that becomes {@code DOUBLE} first gets its exact companion filled from its
     * exact values, so the widening loses no digit.
     */
    private void evolveTable(String output) throws SQLException {
        Map<String, String> described = describe(output);
        for (Map.Entry<String, String> column : described.entrySet()) {
            String name = column.getKey();
            if (name.equals("_id") || name.equals("_event_time") || catalog.tableColumn(name) != null) {
                continue;
            }
            execute("ALTER TABLE " + table + " ADD COLUMN " + SqlNames.quote(name) + " " + column.getValue());
            catalog.tableColumn(name, column.getValue());
            fillExactCompanion(name);
        }
        for (Map.Entry<String, String> column : described.entrySet()) {
            String name = column.getKey();
            String type = column.getValue();
            if (name.equals("_id") || name.equals("_event_time")) {
                continue;
            }
            Catalog.TableColumn existing = catalog.tableColumn(name);
            if (existing.type().equalsIgnoreCase(type) || count(output, name) == 0) {
                continue;
            }
            String wider;
            if (count(table, existing.name()) == 0) {
                wider = type;
            } else {
                int digits = ColumnTypes.needsDigits(existing.type(), type)
                        ? Math.max(
                                integerDigits(table, existing.name(), existing.type()),
                                integerDigits(output, name, type))
                        : 0;
                wider = ColumnTypes.widen(existing.type(), type, digits);
            }
            if (!wider.equalsIgnoreCase(existing.type())) {
                String quoted = SqlNames.quote(existing.name());
                LOG.info("column {} of {} widens from {} to {}", existing.name(), collection, existing.type(), wider);
                Catalog.TableColumn companion = catalog.tableColumn(existing.name() + NumberShape.EXACT_SUFFIX);
                boolean fromCompanion = companion != null
                        && !described.containsKey(companion.name())
                        && ColumnTypes.isFloating(existing.type())
                        && wider.equalsIgnoreCase("JSON");
                // A DOUBLE becoming JSON takes its exact digits from its companion, which then goes: JSON keeps every
                // digit. Only where the companion still holds this row's value: a transformation may have changed the
                // number and passed the companion through.
                String converted = ColumnTypes.convert(quoted, existing.type(), wider);
                String companionName = SqlNames.quote(companion == null ? "" : companion.name());
                String using = fromCompanion
                        ? "CASE WHEN TRY_CAST(" + companionName + " AS "
                                + (ColumnTypes.isList(companion.type()) ? "DOUBLE[]" : "DOUBLE") + ") = " + quoted
                                + " THEN "
                                + ColumnTypes.exactJson(companionName, companion.type()) + " ELSE " + converted + " END"
                        : converted;
                execute("ALTER TABLE " + table + " ALTER COLUMN " + quoted + " TYPE " + wider + " USING " + using);
                catalog.tableColumn(existing.name(), wider);
                if (fromCompanion) {
                    execute("ALTER TABLE " + table + " DROP COLUMN " + SqlNames.quote(companion.name()));
                    catalog.dropTableColumn(companion.name());
                }
            }
        }
    }

    /** A new {@code x__exact} column takes the exact text of the values {@code x} already holds. */
    private void fillExactCompanion(String name) throws SQLException {
        if (!name.toLowerCase(Locale.ROOT).endsWith(NumberShape.EXACT_SUFFIX)) {
            return;
        }
        Catalog.TableColumn base =
                catalog.tableColumn(name.substring(0, name.length() - NumberShape.EXACT_SUFFIX.length()));
        if (base == null || !ColumnTypes.isExactNumber(ColumnTypes.element(base.type()))) {
            return;
        }
        String source = SqlNames.quote(base.name());
        String text = ColumnTypes.isList(base.type())
                ? "list_transform(" + source + ", x -> " + ColumnTypes.exactText("x") + ")"
                : ColumnTypes.exactText(source);
        // Through ALTER, not UPDATE: DuckDB refuses to commit an UPDATE followed by an ALTER of the same table.
        String type = ColumnTypes.isList(base.type()) ? "VARCHAR[]" : "VARCHAR";
        execute("ALTER TABLE " + table + " ALTER COLUMN " + SqlNames.quote(name) + " TYPE " + type + " USING " + text);
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
                Catalog.TableColumn target = catalog.tableColumn(name);
                targets.add(SqlNames.quote(target.name()));
                values.add(ColumnTypes.convert(source, column.getValue(), target.type()));
            }
        }
        if (!outputColumns.containsKey("_event_time")) {
            targets.add("_event_time");
            values.add("(SELECT i._event_time FROM _input i WHERE i._id = o._id)");
        }
        execute("INSERT INTO " + table + " (" + String.join(", ", targets) + ") SELECT " + String.join(", ", values)
                + " FROM " + output + " o");
    }

    Map<String, String> describe(String relation) throws SQLException {
        Map<String, String> described = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE " + relation)) {
            while (rs.next()) {
                described.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return described;
    }

    private long count(String relation, String column) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(" + SqlNames.quote(column) + ") FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private int integerDigits(String relation, String column, String type) throws SQLException {
        String quoted = SqlNames.quote(column);
        String value = ColumnTypes.isList(type) ? "unnest(" + quoted + ")" : quoted;
        String sql = "SELECT coalesce(max(length(CAST(CAST(abs(v) AS HUGEINT) AS VARCHAR))), 0) FROM (SELECT " + value
                + " AS v FROM " + relation + ")";
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
