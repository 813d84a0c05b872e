package io.dynamosync.front.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.front.api.ApiError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One query as DuckDB's own parser reads it ({@code json_serialize_sql}, which parses without running, and
 * serializes SELECT statements only): the tables it reads, the names its column references use, whether it selects
 * {@code *}, and its parameters. The front reads no SQL itself beyond {@link ParameterText}.
 *
 * @param sql the text as the user sent it
 * @param duckDbSql the same text with {@code :name} parameters as {@code $name}, every position kept
 * @param tables the tables read, CTE names left out, in the order of the text
 * @param names every part of every column reference, lower case
 * @param selectsStar whether a {@code *} appears (then every column of a table may be needed)
 * @param parameters the parameter names, each with its index in the prepared statement
 * @param tree the statement as {@code json_serialize_sql} gives it
 */
public record ParsedStatement(
        String sql,
        String duckDbSql,
        List<TableReference> tables,
        Set<String> names,
        boolean selectsStar,
        Map<String, Integer> parameters,
        JsonNode tree) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses {@code sql} with the connection's DuckDB; throws {@link ApiError} for what is not one read-only query. */
    public static ParsedStatement parse(Connection duckdb, String sql) {
        if (sql == null || sql.isBlank()) {
            throw ApiError.invalidInput("the request needs sql.query, e.g. {\"sql\": {\"query\": \"SELECT 1\"}}");
        }
        String text = ParameterText.asDuckDb(sql);
        JsonNode serialized = serialize(duckdb, text);
        if (serialized.path("error").asBoolean()) {
            if (serialized.path("error_type").asText().equals("parser")) {
                int at = Math.max(
                        0, characterIndex(text, serialized.path("position").asLong(0)));
                int[] lineColumn = lineAndColumn(sql, at);
                throw ApiError.queryError(
                        serialized.path("error_message").asText("syntax error"), lineColumn[0], lineColumn[1]);
            }
            throw ApiError.queryError(
                    "queries only read: a query is a single SELECT (or WITH, VALUES, FROM, DESCRIBE, SHOW, "
                            + "SUMMARIZE) statement",
                    null,
                    null);
        }
        JsonNode statements = serialized.path("statements");
        if (statements.size() != 1) {
            throw ApiError.queryError(
                    statements.isEmpty()
                            ? "the query is empty"
                            : "a query is one statement; this one has " + statements.size(),
                    null,
                    null);
        }
        JsonNode statement = statements.get(0);
        Set<String> ctes = new LinkedHashSet<>();
        List<TableReference> tables = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        boolean[] star = {false};
        walk(statement, text, ctes, tables, names, star);
        List<TableReference> collections = tables.stream()
                .filter(t -> !(t.bare() && ctes.contains(t.table().toLowerCase(Locale.ROOT))))
                .toList();
        Map<String, Integer> parameters = new LinkedHashMap<>();
        for (JsonNode p : statement.path("named_param_map")) {
            parameters.put(p.path("key").asText(), p.path("value").asInt());
        }
        return new ParsedStatement(sql, text, collections, names, star[0], parameters, statement);
    }

    private static void walk(
            JsonNode node,
            String text,
            Set<String> ctes,
            List<TableReference> tables,
            Set<String> names,
            boolean[] star) {
        if (node.isObject()) {
            String type = node.path("type").asText();
            if ("BASE_TABLE".equals(type) && node.hasNonNull("table_name")) {
                tables.add(new TableReference(
                        node.path("schema_name").asText(""),
                        node.get("table_name").asText(),
                        node.path("alias").asText(""),
                        characterIndex(text, node.path("query_location").asLong(0))));
            } else if ("COLUMN_REF".equals(type)) {
                node.path("column_names").forEach(n -> names.add(n.asText().toLowerCase(Locale.ROOT)));
            } else if ("STAR".equals(type)) {
                star[0] = true;
            }
            JsonNode cteMap = node.path("cte_map").path("map");
            cteMap.forEach(entry -> ctes.add(entry.path("key").asText().toLowerCase(Locale.ROOT)));
        }
        node.forEach(child -> walk(child, text, ctes, tables, names, star));
    }

    private static JsonNode serialize(Connection duckdb, String sql) {
        // json_serialize_sql takes a constant only, so the text goes in as a literal; it is parsed, never run.
        try (Statement statement = duckdb.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT CAST(json_serialize_sql('" + sql.replace("'", "''") + "') AS VARCHAR)")) {
            rs.next();
            return JSON.readTree(rs.getString(1));
        } catch (SQLException | IOException e) {
            throw new ApiError(500, ApiError.INTERNAL, "DuckDB could not parse the query: " + e.getMessage());
        }
    }

    /** DuckDB's positions count UTF-8 bytes; Java's strings count UTF-16 characters. */
    static int characterIndex(String text, long byteOffset) {
        if (byteOffset < 0 || byteOffset > Integer.MAX_VALUE) {
            return -1; // DuckDB gave no position
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            if (bytes >= byteOffset) {
                return i;
            }
            int cp = text.codePointAt(i);
            bytes += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (Character.isSupplementaryCodePoint(cp)) {
                i++;
            }
        }
        return text.length();
    }

    /** The 1-based line and column of a character index. */
    static int[] lineAndColumn(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
