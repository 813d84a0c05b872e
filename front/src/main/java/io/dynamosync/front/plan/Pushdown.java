package io.dynamosync.front.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a statement's {@code WHERE} that concern one collection alone, so that its worker filters before
 * anything is pulled. Read from DuckDB's syntax tree, and pushed only where that cannot change the answer: the
 * statement is one {@code SELECT} whose {@code FROM} joins collections with inner (or cross) joins only, so each
 * row a filter drops could never have reached the answer; a conjunct is pushed when every column it uses is
 * qualified with the alias (or name) of the one reference to that collection, and it holds no subquery, window or
 * lambda. A parameter it uses goes to the worker with it. The whole statement still runs in the front, filters included.
 */
public final class Pushdown {

    private static final Set<String> JOIN_KINDS = Set.of("REGULAR", "CROSS", "NATURAL");
    private static final Set<String> NOT_PUSHED = Set.of("SUBQUERY", "WINDOW", "LAMBDA", "STAR");

    private Pushdown() {}

    /**
     * For each collection that has any, the conjuncts to push, each with its columns unqualified, as syntax-tree
     * nodes; collections without any are absent.
     */
    public static Map<String, List<JsonNode>> filters(QueryPlan plan) {
        Map<String, List<JsonNode>> filters = new LinkedHashMap<>();
        JsonNode node = plan.statement().tree().path("node");
        if (!"SELECT_NODE".equals(node.path("type").asText())
                || node.path("where_clause").isNull()) {
            return filters;
        }
        List<JsonNode> leaves = new ArrayList<>();
        if (!innerJoinLeaves(node.path("from_table"), leaves)) {
            return filters;
        }
        // The qualifier each top-level table is known by, to the collection it is; a collection named twice (a
        // self-join) or a qualifier used twice gets nothing, as a filter could not say which it means.
        Map<String, String> byQualifier = new HashMap<>();
        Set<String> ambiguous = new java.util.HashSet<>();
        for (JsonNode leaf : leaves) {
            String qualifier = (leaf.path("alias").asText("").isEmpty()
                            ? leaf.path("table_name").asText()
                            : leaf.path("alias").asText())
                    .toLowerCase(Locale.ROOT);
            QueryPlan.Target target = targetAt(plan, leaf);
            if (target == null || target.references().size() != 1 || byQualifier.containsKey(qualifier)) {
                ambiguous.add(qualifier);
            } else {
                byQualifier.put(qualifier, target.name());
            }
        }
        ambiguous.forEach(byQualifier::remove);
        for (JsonNode conjunct : conjuncts(node.path("where_clause"))) {
            Set<String> used = new java.util.HashSet<>();
            if (pushable(conjunct, used)
                    && used.size() == 1
                    && byQualifier.containsKey(used.iterator().next())) {
                filters.computeIfAbsent(byQualifier.get(used.iterator().next()), n -> new ArrayList<>())
                        .add(unqualified(conjunct.deepCopy()));
            }
        }
        return filters;
    }

    /**
     * The worker's statement: {@code template} (a serialized {@code SELECT ... FROM ... WHERE ...}) with the
     * conjuncts added to its {@code WHERE}.
     */
    public static JsonNode withWhere(JsonNode template, List<JsonNode> conjuncts) {
        ObjectNode tree = (ObjectNode) template.deepCopy();
        ObjectNode select = (ObjectNode) tree.path("statements").get(0).path("node");
        List<JsonNode> all = new ArrayList<>();
        if (!select.path("where_clause").isNull()
                && !select.path("where_clause").isMissingNode()) {
            all.add(select.get("where_clause"));
        }
        all.addAll(conjuncts);
        if (all.size() == 1) {
            select.set("where_clause", all.get(0));
        } else {
            ObjectNode and = select.objectNode();
            and.put("class", "CONJUNCTION");
            and.put("type", "CONJUNCTION_AND");
            and.put("alias", "");
            // DuckDB's "no position": the largest unsigned 64-bit number.
            and.put("query_location", new java.math.BigInteger("18446744073709551615"));
            ArrayNode children = and.putArray("children");
            all.forEach(children::add);
            select.set("where_clause", and);
        }
        return tree;
    }

    private static boolean innerJoinLeaves(JsonNode from, List<JsonNode> leaves) {
        String type = from.path("type").asText();
        if (type.equals("BASE_TABLE")) {
            leaves.add(from);
            return true;
        }
        if (type.equals("JOIN")) {
            return "INNER".equals(from.path("join_type").asText())
                    && JOIN_KINDS.contains(from.path("ref_type").asText())
                    && innerJoinLeaves(from.path("left"), leaves)
                    && innerJoinLeaves(from.path("right"), leaves);
        }
        return false;
    }

    private static QueryPlan.Target targetAt(QueryPlan plan, JsonNode leaf) {
        String schema = leaf.path("schema_name").asText("");
        String table = leaf.path("table_name").asText();
        for (QueryPlan.Target target : plan.collections()) {
            for (TableReference reference : target.references()) {
                if (reference.workspace().equals(schema) && reference.table().equals(table)) {
                    return target;
                }
            }
        }
        return null; // a CTE's name
    }

    private static List<JsonNode> conjuncts(JsonNode where) {
        List<JsonNode> conjuncts = new ArrayList<>();
        if ("CONJUNCTION_AND".equals(where.path("type").asText())) {
            where.path("children").forEach(child -> conjuncts.addAll(conjuncts(child)));
        } else {
            conjuncts.add(where);
        }
        return conjuncts;
    }

    /** Whether a conjunct may be pushed; collects the qualifiers of the columns it uses. */
    private static boolean pushable(JsonNode node, Set<String> qualifiers) {
        if (node.isObject()) {
            if (NOT_PUSHED.contains(node.path("class").asText())) {
                return false;
            }
            if ("COLUMN_REF".equals(node.path("class").asText())) {
                JsonNode names = node.path("column_names");
                if (names.size() != 2) {
                    return false;
                }
                qualifiers.add(names.get(0).asText().toLowerCase(Locale.ROOT));
            }
        }
        for (JsonNode child : node) {
            if (!pushable(child, qualifiers)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode unqualified(JsonNode node) {
        if (node.isObject() && "COLUMN_REF".equals(node.path("class").asText())) {
            ArrayNode names = (ArrayNode) node.get("column_names");
            JsonNode column = names.get(1);
            names.removeAll();
            names.add(column);
        }
        node.forEach(Pushdown::unqualified);
        return node;
    }
}
