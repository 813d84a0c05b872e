package io.dynamosync.front.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.front.plan.QueryPlan;
import io.dynamosync.front.plan.WorkerSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One collection's rows as pulled from its worker (the query API's JSON answer: rows and each column's DuckDB type),
 * loaded into the front's DuckDB as table {@code "workspace"."collection"}, and as {@code main."collection"} too
 * when the statement names it bare, so that the user's statement runs there as written.
 *
 * @param target the collection
 * @param columns the columns pulled, with their DuckDB types
 * @param rows the rows, as the worker answered them (a JSON array of objects)
 * @param bytes how many bytes of JSON the worker sent
 * @param syncedAsOf when the worker's data was synced to, read before the pull
 */
record Pulled(QueryPlan.Target target, List<Column> columns, JsonNode rows, long bytes, Optional<Instant> syncedAsOf) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** A pulled column: its name and DuckDB type. */
    record Column(String name, String type) {}

    /** Creates the collection's table and fills it from the pulled rows, with DuckDB's own JSON reading. */
    void load(Connection connection) throws SQLException {
        String schema = WorkerSql.quoted(target.workspace());
        String table = schema + "." + WorkerSql.quoted(target.collection());
        List<String> definitions = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Column column : columns) {
            String name = WorkerSql.quoted(column.name());
            definitions.add(name + " " + column.type());
            values.add(value(column) + " AS " + name);
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("CREATE TABLE " + table + " (" + String.join(", ", definitions) + ")");
        }
        if (!rows.isEmpty()) {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO " + table + " SELECT " + String.join(", ", values)
                            + " FROM (SELECT unnest(from_json(CAST(? AS JSON), '[\"json\"]')) AS j)")) {
                insert.setString(1, serialized());
                insert.execute();
            }
        }
        if (target.references().stream().anyMatch(r -> r.bare())) {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE VIEW main." + WorkerSql.quoted(target.collection()) + " AS SELECT * FROM " + table);
            }
        }
    }

    private String serialized() {
        try {
            return JSON.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SQL reading one column's value out of a row object {@code j}, as its DuckDB type. */
    private static String value(Column column) {
        String key = "'" + column.name().replace("'", "''") + "'";
        String type = column.type().toUpperCase(Locale.ROOT);
        if (type.equals("JSON")) {
            return "j->" + key;
        }
        if (type.endsWith("]") || type.startsWith("STRUCT") || type.startsWith("MAP") || type.startsWith("UNION")) {
            return "CAST(j->" + key + " AS " + column.type() + ")";
        }
        // The text of a JSON number keeps every digit, so the cast is exact where the type holds it.
        return "CAST(j->>" + key + " AS " + column.type() + ")";
    }
}
