package io.dynamosync.front.pull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.front.api.ApiError;
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
 * One collection's rows in the front's DuckDB, as table {@code "workspace"."collection"} (and as
 * {@code main."collection"} too when the statement names it bare, so that the statement runs there as written),
 * filled page by page from its worker's query API answers (rows, and each column's DuckDB type): a page is loaded
 * as it arrives, so the front's heap holds one page at a time and the rows themselves live under DuckDB's memory
 * limit.
 */
final class Pulled {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** A pulled column: its name and DuckDB type. */
    record Column(String name, String type) {}

    private final QueryPlan.Target target;
    private final Optional<Instant> syncedAsOf;
    private List<Column> columns;
    private long rows;
    private long bytes;

    /** @param syncedAsOf when the worker's data was synced to, read before the first page */
    Pulled(QueryPlan.Target target, Optional<Instant> syncedAsOf) {
        this.target = target;
        this.syncedAsOf = syncedAsOf;
    }

    QueryPlan.Target target() {
        return target;
    }

    Optional<Instant> syncedAsOf() {
        return syncedAsOf;
    }

    /** How many rows were pulled. */
    long rows() {
        return rows;
    }

    /** How many bytes of JSON rows the worker sent. */
    long bytes() {
        return bytes;
    }

    /**
     * Loads one page of the worker's answer; the first creates the table from the page's column types. The caller
     * holds the connection for itself meanwhile.
     */
    void append(Connection connection, JsonNode answer) throws SQLException {
        String table = table();
        if (columns == null) {
            columns = new ArrayList<>();
            for (JsonNode field : answer.path("column_fields")) {
                columns.add(new Column(
                        field.path("name").asText(), field.path("type").asText()));
            }
            List<String> definitions = new ArrayList<>();
            for (Column column : columns) {
                definitions.add(WorkerSql.quoted(column.name()) + " " + column.type());
            }
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + WorkerSql.quoted(target.workspace()));
                s.execute("CREATE TABLE " + table + " (" + String.join(", ", definitions) + ")");
                if (target.references().stream().anyMatch(r -> r.bare())) {
                    s.execute(
                            "CREATE VIEW main." + WorkerSql.quoted(target.collection()) + " AS SELECT * FROM " + table);
                }
            }
        }
        JsonNode page = answer.path("results");
        if (page.isEmpty()) {
            return;
        }
        String text;
        try {
            text = JSON.writeValueAsString(page);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        bytes += text.length();
        rows += page.size();
        List<String> values = new ArrayList<>();
        for (Column column : columns) {
            values.add(value(column) + " AS " + WorkerSql.quoted(column.name()));
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " SELECT "
                + String.join(", ", values) + " FROM (SELECT unnest(from_json(CAST(? AS JSON), '[\"json\"]')) AS j)")) {
            insert.setString(1, text);
            insert.execute();
        } catch (SQLException e) {
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
                throw new ApiError(
                        400,
                        ApiError.RESOURCE_EXCEEDED,
                        "collection " + target.name() + "'s rows to pull do not fit in the memory the front gives one"
                                + " query; narrow the query with conditions on that collection alone");
            }
            throw e;
        }
    }

    private String table() {
        return WorkerSql.quoted(target.workspace()) + "." + WorkerSql.quoted(target.collection());
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
