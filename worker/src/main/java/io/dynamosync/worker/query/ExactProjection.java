package io.dynamosync.worker.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.sql.SqlText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rewrites a query over a collection with {@link ExactColumns} so that its answer can show each
 * stored number with every digit while the query itself still computes, filters and sorts with
 * the {@code DOUBLE} column. The query's outermost select list keeps its columns as they are and
 * gets one hidden column more for each that passes a stored {@code DOUBLE} column through (a bare
 * column reference, or a star's expansion): the companion's exact text, which the answer shows
 * in its place (see {@link ResultValues#exact}). Stars anywhere in that select list, or in the
 * branches of a set operation, exclude the companions, so they never show. Everything else (the
 * WHERE, ORDER BY and GROUP BY clauses, expressions) is left as the user wrote it, so it binds as
 * before. The statement is read and written back by DuckDB's own parser
 * ({@code json_serialize_sql}, {@code json_deserialize_sql}); a query that needs no change runs
 * as it was sent.
 */
final class ExactProjection {

    /** The alias of the hidden columns, numbered from 1; the answer drops them by position. */
    static final String HIDDEN_PREFIX = "__dynamosync_exact_";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A hidden column: the exact digits of the output column labelled {@code target}, the next one so labelled. */
    record Hidden(String target, ExactColumns.Pair pair) {}

    /**
     * What to run: the SQL, the hidden columns at the end of its select list (in order), and the
     * stored {@code DOUBLE} columns the query computes with (compares, sorts, groups, aggregates),
     * whose results are approximate.
     */
    record Plan(String sql, List<Hidden> hidden, Set<String> computedWith) {
        static Plan unchanged(String sql) {
            return new Plan(sql, List.of(), Set.of());
        }
    }

    /** A stored pair as a relation in FROM exposes it, under the name that qualifies its columns ("" for none). */
    private record Exposed(String qualifier, ExactColumns.Pair pair) {}

    private final ExactColumns exact;
    private final String collection;
    private final List<String> fragments = new ArrayList<>();
    private final List<Hidden> hidden = new ArrayList<>();
    /** The outermost select list's bare references that the answer shows exactly: not computed with. */
    private final Set<JsonNode> passedThrough = Collections.newSetFromMap(new IdentityHashMap<>());

    private boolean changed;
    /** Whether the query describes the collection (DESCRIBE, SUMMARIZE), whose answer then lists no companion. */
    private boolean describedCompanions;

    private ExactProjection(ExactColumns exact, String collection) {
        this.exact = exact;
        this.collection = collection;
    }

    /**
     * Plans {@code sql}, whose parsed form ({@code json_serialize_sql}'s first statement) is
     * {@code statement} (null when it was not parsed, e.g. an EXPLAIN).
     */
    static Plan plan(Connection connection, String sql, JsonNode statement, ExactColumns exact, String collection)
            throws SQLException {
        if (exact.isEmpty() || statement == null || !statement.path("node").isObject()) {
            return Plan.unchanged(sql);
        }
        ObjectNode copy = statement.deepCopy();
        ExactProjection projection = new ExactProjection(exact, collection);
        ObjectNode node = (ObjectNode) copy.get("node");
        Map<String, JsonNode> ctes = ctes(node, Map.of());
        switch (node.path("type").asText()) {
            case "SELECT_NODE" -> projection.outermost(node, ctes);
            case "SET_OPERATION_NODE" -> projection.excludeInBranches(node, ctes);
            default -> {
                // Nothing else returns rows of the collection.
            }
        }
        Set<String> computedWith = new LinkedHashSet<>();
        walk(copy, n -> {
            if ("COLUMN_REF".equals(n.path("class").asText())) {
                refuseCompanion(sql, n, exact);
            }
            if ("COLUMN_REF".equals(n.path("class").asText()) && !projection.passedThrough.contains(n)) {
                JsonNode names = n.path("column_names");
                ExactColumns.Pair pair = names.size() == 0
                        ? null
                        : exact.ofBase(names.get(names.size() - 1).asText());
                if (pair != null) {
                    computedWith.add(pair.base());
                }
            }
        });
        if (!projection.changed) {
            return new Plan(sql, List.of(), computedWith);
        }
        if (projection.describedCompanions) {
            // DuckDB writes a described query back without its WHERE clause, so the description is filtered from
            // outside.
            List<String> names = new ArrayList<>();
            exact.pairs().forEach(p -> names.add(literal(p.companion())));
            return new Plan(
                    "SELECT * FROM (" + deserialize(connection, copy) + ") WHERE column_name NOT IN ("
                            + String.join(", ", names) + ")",
                    List.of(),
                    computedWith);
        }
        if (!projection.fragments.isEmpty()) {
            ArrayNode list = (ArrayNode) node.get("select_list");
            StringBuilder select = new StringBuilder("SELECT ");
            for (int i = 0; i < projection.fragments.size(); i++) {
                select.append(i == 0 ? "" : ", ")
                        .append(projection.fragments.get(i))
                        .append(" AS ")
                        .append(quote(HIDDEN_PREFIX + (i + 1)));
            }
            parse(connection, select.toString())
                    .path("node")
                    .path("select_list")
                    .forEach(list::add);
        }
        return new Plan(deserialize(connection, copy), List.copyOf(projection.hidden), computedWith);
    }

    /** The outermost SELECT: stars exclude the companions, and every stored DOUBLE it passes through gets its hidden column. */
    private void outermost(ObjectNode node, Map<String, JsonNode> ctes) {
        JsonNode from = node.path("from_table");
        if ("SHOW_REF".equals(from.path("type").asText())) {
            hideFromDescription(from, ctes);
            return;
        }
        List<Exposed> exposures = exposed(from, ctes);
        if (exposures.isEmpty()) {
            return;
        }
        // Under GROUP BY a bare column is a group key: one value for the group, whose digits any_value gives.
        boolean grouped = node.path("group_expressions").size() > 0
                || "FORCE_AGGREGATES".equals(node.path("aggregate_handling").asText());
        for (JsonNode entry : node.path("select_list")) {
            if (isStar(entry)) {
                for (Exposed e : covered(entry, exposures)) {
                    String label = exclude((ObjectNode) entry, e);
                    changed = true;
                    if (label != null) {
                        addHidden(e.qualifier(), e.pair(), label, grouped);
                    }
                }
            } else if ("COLUMN_REF".equals(entry.path("class").asText())) {
                JsonNode names = entry.path("column_names");
                Exposed e = resolve(names, exposures);
                if (e != null) {
                    String alias = entry.path("alias").asText("");
                    addHidden(
                            names.size() == 2 ? names.get(0).asText() : "",
                            e.pair(),
                            alias.isEmpty() ? names.get(names.size() - 1).asText() : alias,
                            grouped);
                    passedThrough.add(entry);
                }
            }
        }
    }

    /** A query names no companion: it is how the store keeps digits, not a column of the collection. */
    private static void refuseCompanion(String sql, JsonNode ref, ExactColumns exact) {
        JsonNode names = ref.path("column_names");
        String name = names.size() == 0 ? "" : names.get(names.size() - 1).asText();
        for (ExactColumns.Pair pair : exact.pairs()) {
            if (pair.companion().equalsIgnoreCase(name)) {
                long location = ref.path("query_location").asLong(-1);
                int[] at = location >= 0 && location < sql.length() ? SqlText.lineAndColumn(sql, (int) location) : null;
                throw new QueryFailure(
                        400,
                        QueryFailure.QUERY_ERROR,
                        "the collection has no column " + name + ": " + pair.base()
                                + " itself comes back with every digit (" + name + " is the store's own copy of them)",
                        at == null ? null : at[0],
                        at == null ? null : at[1]);
            }
        }
    }

    private void addHidden(String qualifier, ExactColumns.Pair pair, String label, boolean grouped) {
        String column = (qualifier.isEmpty() ? "" : quote(qualifier) + ".") + quote(pair.companion());
        fragments.add(grouped ? "any_value(" + column + ")" : column);
        hidden.add(new Hidden(label, pair));
        changed = true;
    }

    /** Each branch of a UNION, INTERSECT or EXCEPT excludes the companions from its stars; its numbers stay DOUBLE. */
    private void excludeInBranches(JsonNode node, Map<String, JsonNode> ctes) {
        Map<String, JsonNode> scope = ctes(node, ctes);
        if ("SET_OPERATION_NODE".equals(node.path("type").asText())) {
            excludeInBranches(node.path("left"), scope);
            excludeInBranches(node.path("right"), scope);
        } else if ("SELECT_NODE".equals(node.path("type").asText())) {
            List<Exposed> exposures = exposed(node.path("from_table"), scope);
            for (JsonNode entry : node.path("select_list")) {
                if (isStar(entry)) {
                    for (Exposed e : covered(entry, exposures)) {
                        exclude((ObjectNode) entry, e);
                        changed = true;
                    }
                }
            }
        }
    }

    /** {@code DESCRIBE} or {@code SUMMARIZE} of the collection (or of a query over it) lists no companion. */
    private void hideFromDescription(JsonNode show, Map<String, JsonNode> ctes) {
        if (show.path("table_name").asText("").equalsIgnoreCase(collection)
                || (show.path("query").isObject()
                        && !outputPairs(show.path("query"), ctes).isEmpty())) {
            describedCompanions = true;
            changed = true;
        }
    }

    /**
     * Adds the pair's companion to the star's exclusions (unless there already); returns the label
     * its DOUBLE column gets in the star's output, or null when the star drops or replaces it.
     */
    private static String exclude(ObjectNode star, Exposed e) {
        ExactColumns.Pair pair = e.pair();
        if (!excludes(star, e.qualifier(), pair.companion())) {
            if (e.qualifier().isEmpty()) {
                ((ArrayNode) star.withArray("exclude_list")).add(pair.companion());
            } else {
                ObjectNode qualified = ((ArrayNode) star.withArray("qualified_exclude_list")).addObject();
                qualified
                        .put("catalog", "")
                        .put("schema", "")
                        .put("table", e.qualifier())
                        .put("column", pair.companion());
            }
        }
        if (excludes(star, e.qualifier(), pair.base())) {
            return null;
        }
        for (JsonNode replaced : star.path("replace_list")) {
            if (replaced.path("key").asText().equalsIgnoreCase(pair.base())) {
                return null;
            }
        }
        for (JsonNode renamed : star.path("rename_list")) {
            JsonNode key = renamed.path("key");
            if (key.path("column").asText().equalsIgnoreCase(pair.base())
                    && qualifies(key.path("table").asText(""), e.qualifier())) {
                return renamed.path("value").asText();
            }
        }
        return pair.base();
    }

    private static boolean excludes(JsonNode star, String qualifier, String column) {
        for (JsonNode name : star.path("exclude_list")) {
            if (name.asText().equalsIgnoreCase(column)) {
                return true;
            }
        }
        for (JsonNode name : star.path("qualified_exclude_list")) {
            if (name.path("column").asText().equalsIgnoreCase(column)
                    && qualifies(name.path("table").asText(""), qualifier)) {
                return true;
            }
        }
        return false;
    }

    private static boolean qualifies(String table, String qualifier) {
        return table.isEmpty() || table.equalsIgnoreCase(qualifier);
    }

    private static boolean isStar(JsonNode entry) {
        return "STAR".equals(entry.path("class").asText())
                && !entry.path("columns").asBoolean()
                && entry.path("expr").isNull();
    }

    /** The exposures a star takes: all, or those of the relation it names ({@code t.*}). */
    private static List<Exposed> covered(JsonNode star, List<Exposed> exposures) {
        String relation = star.path("relation_name").asText("");
        return relation.isEmpty()
                ? exposures
                : exposures.stream()
                        .filter(e -> e.qualifier().equalsIgnoreCase(relation))
                        .toList();
    }

    /** The exposure a column reference ({@code amount}, {@code t.amount}) names, or null when none or not one. */
    private static Exposed resolve(JsonNode names, List<Exposed> exposures) {
        List<Exposed> found = new ArrayList<>();
        for (Exposed e : exposures) {
            if (names.size() == 1
                            && names.get(0).asText().equalsIgnoreCase(e.pair().base())
                    || names.size() == 2
                            && names.get(0).asText().equalsIgnoreCase(e.qualifier())
                            && names.get(1).asText().equalsIgnoreCase(e.pair().base())) {
                found.add(e);
            }
        }
        return found.size() == 1 ? found.get(0) : null;
    }

    /** The pairs a FROM clause's relation gives both columns of: the collection itself, or a query over it that passes them through. */
    private List<Exposed> exposed(JsonNode ref, Map<String, JsonNode> ctes) {
        List<Exposed> exposures = new ArrayList<>();
        String alias = ref.path("alias").asText("");
        if (ref.path("column_name_alias").size() > 0) {
            return exposures;
        }
        switch (ref.path("type").asText()) {
            case "BASE_TABLE" -> {
                String name = ref.path("table_name").asText("");
                String qualifier = alias.isEmpty() ? name : alias;
                String schema = ref.path("schema_name").asText("");
                JsonNode cte = ctes.get(name.toLowerCase(Locale.ROOT));
                if (cte != null
                        && schema.isEmpty()
                        && ref.path("catalog_name").asText("").isEmpty()) {
                    outputPairs(cte, ctes).forEach(p -> exposures.add(new Exposed(qualifier, p)));
                } else if (name.equalsIgnoreCase(collection) && (schema.isEmpty() || schema.equalsIgnoreCase("main"))) {
                    exact.pairs().forEach(p -> exposures.add(new Exposed(qualifier, p)));
                }
            }
            case "JOIN" -> {
                exposures.addAll(exposed(ref.path("left"), ctes));
                exposures.addAll(exposed(ref.path("right"), ctes));
            }
            case "SUBQUERY" ->
                outputPairs(ref.path("subquery").path("node"), ctes).forEach(p -> exposures.add(new Exposed(alias, p)));
            default -> {
                // Table functions, VALUES and the like hold no stored column.
            }
        }
        return exposures;
    }

    /** The pairs a query's output passes through whole: those its stars expand without excluding, replacing or renaming either column. */
    private List<ExactColumns.Pair> outputPairs(JsonNode node, Map<String, JsonNode> ctes) {
        List<ExactColumns.Pair> pairs = new ArrayList<>();
        if (!"SELECT_NODE".equals(node.path("type").asText())) {
            return pairs;
        }
        Map<String, JsonNode> scope = ctes(node, ctes);
        List<Exposed> exposures = exposed(node.path("from_table"), scope);
        for (JsonNode entry : node.path("select_list")) {
            if (!isStar(entry)) {
                continue;
            }
            for (Exposed e : covered(entry, exposures)) {
                ExactColumns.Pair pair = e.pair();
                boolean whole = !excludes(entry, e.qualifier(), pair.base())
                        && !excludes(entry, e.qualifier(), pair.companion())
                        && entry.path("replace_list").size() == 0
                        && entry.path("rename_list").size() == 0;
                if (whole && pairs.stream().noneMatch(p -> p.base().equalsIgnoreCase(pair.base()))) {
                    pairs.add(pair);
                }
            }
        }
        return pairs;
    }

    /** The CTEs in scope at {@code node}: those around it and its own, by lower-case name. */
    private static Map<String, JsonNode> ctes(JsonNode node, Map<String, JsonNode> outer) {
        JsonNode map = node.path("cte_map").path("map");
        if (map.size() == 0) {
            return outer;
        }
        Map<String, JsonNode> scope = new HashMap<>(outer);
        for (JsonNode cte : map) {
            scope.put(
                    cte.path("key").asText().toLowerCase(Locale.ROOT),
                    cte.path("value").path("query").path("node"));
        }
        return scope;
    }

    private static void walk(JsonNode node, Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
        }
        if (node.isContainerNode()) {
            node.forEach(child -> walk(child, visit));
        }
    }

    /** The first statement of {@code sql} as {@code json_serialize_sql} gives it. */
    private static JsonNode parse(Connection connection, String sql) throws SQLException {
        JsonNode serialized = query(connection, "SELECT CAST(json_serialize_sql(" + literal(sql) + ") AS VARCHAR)");
        if (serialized.path("error").asBoolean()) {
            throw new IllegalStateException("DuckDB could not parse SQL made by the worker (" + sql + "): "
                    + serialized.path("error_message").asText());
        }
        return serialized.path("statements").path(0);
    }

    private static String deserialize(Connection connection, ObjectNode statement) throws SQLException {
        ObjectNode document = JSON.createObjectNode();
        document.put("error", false);
        document.putArray("statements").add(statement);
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT json_deserialize_sql(json(" + literal(document.toString()) + "))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static JsonNode query(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return JSON.readTree(rs.getString(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
