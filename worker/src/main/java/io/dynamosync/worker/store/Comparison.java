package io.dynamosync.worker.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBConnection;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tells which documents differ from the items the table holds, by writing those items through the ingest path
 * ({@link Ingest#transformed}: staging, the transformation) in a transaction that is rolled back, and comparing the
 * result column by column with the stored documents. So a document is compared with what the store itself would
 * have made of the table's item, whatever the transformation and the column types: comparing DynamoDB JSON could
 * not see past a transformation, which the stored document went through and the item did not.
 *
 * <p>Runs on the writer thread, between transactions; {@code _event_time} is not compared (it is when the store
 * learnt of a change, not part of the item).
 */
final class Comparison {

    private final DuckDBConnection connection;
    private final Ingest ingest;
    private final Catalog catalog;

    Comparison(DuckDBConnection connection, Ingest ingest, Catalog catalog) {
        this.connection = connection;
        this.ingest = ingest;
        this.catalog = catalog;
    }

    /**
     * The ids, among {@code expected}'s, whose document differs from the item (null for an item the table does not
     * hold: then any document differs).
     */
    Set<String> differing(Map<String, Map<String, AttributeValue>> expected) throws SQLException {
        List<Batch.Change> upserts = new ArrayList<>();
        List<String> ids = new ArrayList<>(expected.keySet());
        Instant now = Instant.now();
        for (Map.Entry<String, Map<String, AttributeValue>> entry : expected.entrySet()) {
            Map<String, AttributeValue> item = entry.getValue();
            // An item the store refuses has no document, as if the table did not hold it.
            if (item != null && !ingest.refuses(item)) {
                upserts.add(new Batch.Change(entry.getKey(), item, now, null));
            }
        }
        if (ids.isEmpty()) {
            return Set.of();
        }
        connection.setAutoCommit(false);
        try {
            String output = upserts.isEmpty() ? null : ingest.transformed(upserts);
            ingest.stageIds(ids);
            return query(output);
        } finally {
            // Nothing of this is kept: not the staged tables, nor what the catalog learnt.
            connection.rollback();
            catalog.load();
            connection.setAutoCommit(true);
        }
    }

    private Set<String> query(String output) throws SQLException {
        String table = ingest.table();
        Map<String, String> tableColumns = ingest.describe(table);
        tableColumns.remove("_id");
        tableColumns.remove("_event_time");
        String sql;
        if (output == null) {
            sql = "SELECT c._id FROM _changed c JOIN " + table + " t ON t._id = c._id";
        } else {
            Map<String, String> outputColumns = ingest.describe(output);
            outputColumns.remove("_id");
            outputColumns.remove("_event_time");
            List<String> equal = new ArrayList<>();
            Set<String> matched = new LinkedHashSet<>();
            for (Map.Entry<String, String> column : outputColumns.entrySet()) {
                String name = column.getKey();
                String tableName = find(tableColumns, name);
                String source = "o." + SqlNames.quote(name);
                if (tableName == null) {
                    equal.add(source + " IS NULL");
                } else {
                    matched.add(tableName);
                    equal.add(same(
                            source, column.getValue(), "t." + SqlNames.quote(tableName), tableColumns.get(tableName)));
                }
            }
            for (String name : tableColumns.keySet()) {
                if (!matched.contains(name)) {
                    equal.add("t." + SqlNames.quote(name) + " IS NULL");
                }
            }
            String allEqual = equal.isEmpty() ? "true" : String.join(" AND ", equal);
            sql = "SELECT c._id FROM _changed c LEFT JOIN " + output + " o ON CAST(o._id AS VARCHAR) = c._id LEFT JOIN "
                    + table + " t ON t._id = c._id WHERE (o._id IS NULL) <> (t._id IS NULL) OR (o._id IS NOT NULL AND "
                    + "t._id IS NOT NULL AND NOT (" + allEqual + "))";
        }
        Set<String> differing = new LinkedHashSet<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                differing.add(rs.getString(1));
            }
        }
        return differing;
    }

    /** The table column named {@code name}, case aside, as DuckDB's names are. */
    private static String find(Map<String, String> columns, String name) {
        if (columns.containsKey(name)) {
            return name;
        }
        for (String column : columns.keySet()) {
            if (column.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return column;
            }
        }
        return null;
    }

    /** Equal values, nulls included; columns of different types compare as JSON, which every type converts to. */
    private static String same(String left, String leftType, String right, String rightType) {
        if (leftType.equalsIgnoreCase(rightType)) {
            return left + " IS NOT DISTINCT FROM " + right;
        }
        return "CAST(" + ColumnTypes.toJson(left, leftType) + " AS VARCHAR) IS NOT DISTINCT FROM CAST("
                + ColumnTypes.toJson(right, rightType) + " AS VARCHAR)";
    }
}
