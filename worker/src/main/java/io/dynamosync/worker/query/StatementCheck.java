package io.dynamosync.worker.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.worker.sql.SqlText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lets through exactly one read-only statement. DuckDB's own parser decides, through
 * {@code json_serialize_sql}, which serializes SELECT statements only (SELECT, WITH, VALUES,
 * FROM-first, DESCRIBE, SHOW and SUMMARIZE are all SELECTs to it) and fails on anything else;
 * {@code EXPLAIN} is let through when what it explains passes. This is the first of three locks:
 * queries also run in a read-only transaction, on a database without file or network access.
 */
final class StatementCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOWED = "SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN";
    /** Table functions that change the database's files though they read nothing. */
    private static final Set<String> SIDE_EFFECTS = Set.of("checkpoint", "force_checkpoint");

    /**
     * What a query that passed reads: the tables it names, and the statement as DuckDB parsed it
     * ({@code json_serialize_sql}'s first statement; null for an EXPLAIN, whose answer is a plan).
     */
    record Checked(List<String> tables, JsonNode statement) {}

    private StatementCheck() {}

    static Checked check(Connection connection, String sql) throws SQLException {
        SqlText text = new SqlText(sql);
        String keyword = text.firstKeyword();
        if (keyword.isEmpty()) {
            throw QueryFailure.badRequest(QueryFailure.INVALID_INPUT, "the query is empty");
        }
        int second = text.secondStatement();
        if (second >= 0) {
            int[] at = SqlText.lineAndColumn(sql, second);
            throw new QueryFailure(
                    400,
                    QueryFailure.NOT_ALLOWED,
                    "a query is one statement; another one follows the ';' at line " + at[0] + ", column " + at[1],
                    at[0],
                    at[1]);
        }
        int offset = 0;
        String body = sql;
        while (keyword.equals("EXPLAIN") || (offset > 0 && keyword.equals("ANALYZE"))) {
            offset += text.afterFirstKeyword();
            body = sql.substring(offset);
            text = new SqlText(body);
            keyword = text.firstKeyword();
        }
        JsonNode serialized = serialize(connection, body);
        if (serialized.path("error").asBoolean()) {
            if (serialized.path("error_type").asText().equals("parser")) {
                int position = offset + serialized.path("position").asInt(0);
                int[] at = SqlText.lineAndColumn(sql, position);
                throw new QueryFailure(
                        400,
                        QueryFailure.PARSE_ERROR,
                        serialized.path("error_message").asText("syntax error"),
                        at[0],
                        at[1]);
            }
            throw notReadOnly(keyword);
        }
        JsonNode statements = serialized.path("statements");
        if (statements.size() == 0) {
            throw QueryFailure.badRequest(QueryFailure.INVALID_INPUT, "the query is empty");
        }
        if (statements.size() > 1) {
            throw QueryFailure.badRequest(
                    QueryFailure.NOT_ALLOWED, "a query is one statement; this one has " + statements.size());
        }
        Set<String> tables = new LinkedHashSet<>();
        walk(statements.get(0), tables);
        return new Checked(new ArrayList<>(tables), offset == 0 ? statements.get(0) : null);
    }

    private static QueryFailure notReadOnly(String keyword) {
        return QueryFailure.badRequest(
                QueryFailure.NOT_ALLOWED,
                "queries only read: a query is a single " + ALLOWED + " statement"
                        + (keyword.isEmpty() ? "" : ", and this one is " + keyword));
    }

    private static JsonNode serialize(Connection connection, String sql) throws SQLException {
        // json_serialize_sql takes a constant only, so the text goes in as a literal; it is
        // parsed there, never run.
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT CAST(json_serialize_sql('" + sql.replace("'", "''") + "') AS VARCHAR)")) {
            rs.next();
            return JSON.readTree(rs.getString(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, Set<String> tables) {
        if (node.isObject()) {
            if ("BASE_TABLE".equals(node.path("type").asText()) && node.hasNonNull("table_name")) {
                tables.add(node.get("table_name").asText());
            }
            String function = node.path("function_name").asText("").toLowerCase(Locale.ROOT);
            if (SIDE_EFFECTS.contains(function)) {
                throw QueryFailure.badRequest(
                        QueryFailure.NOT_ALLOWED, "queries only read; " + function + "() writes to the store");
            }
        }
        node.forEach(child -> walk(child, tables));
    }
}
