package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.worker.document.ItemId;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Compares a collection's store with its table, document by document and attribute by
 * attribute, through a canonical form written here independently of the store's own code:
 * numbers by value, binaries in base64, maps sorted, top-level sets as sorted lists.
 */
public final class StoreContents {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private StoreContents() {}

    /** Every item of the table, canonical, by {@code _id}. */
    public static Map<String, Map<String, Object>> table(DynamoDbClient dynamoDb, String table, ItemId itemId) {
        Map<String, Map<String, Object>> items = new HashMap<>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> {
                    Map<String, Object> canonical = new TreeMap<>();
                    item.forEach((name, value) -> {
                        if (value.type() != AttributeValue.Type.NUL) {
                            canonical.put(name, canonical(value, true));
                        }
                    });
                    items.put(itemId.of(item), canonical);
                });
        return items;
    }

    /** Every document of a store file, canonical, by {@code _id}, under its attribute names. */
    public static Map<String, Map<String, Object>> store(java.nio.file.Path storeFile, String collection)
            throws Exception {
        Map<String, Map<String, Object>> documents = new HashMap<>();
        java.util.Properties readOnly = new java.util.Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + storeFile.toAbsolutePath(), readOnly)) {
            Map<String, String> attributeOf = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT attribute, column_name FROM _columns")) {
                while (rs.next()) {
                    attributeOf.put(rs.getString(2), rs.getString(1));
                }
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM \"" + collection + "\"")) {
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, Integer> positions = new HashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    positions.put(meta.getColumnName(i), i);
                }
                while (rs.next()) {
                    Map<String, Object> document = new TreeMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        String column = meta.getColumnName(i);
                        if (column.equals("_id")
                                || column.equals("_event_time")
                                || column.endsWith("__exact") && !attributeOf.containsKey(column)) {
                            continue;
                        }
                        // A number column that cannot hold every digit has them in its exact companion.
                        Integer exact =
                                attributeOf.containsKey(column + "__exact") ? null : positions.get(column + "__exact");
                        Object value = exact != null
                                ? stored(rs, exact, meta.getColumnTypeName(exact))
                                : stored(rs, i, meta.getColumnTypeName(i));
                        if (value != null) {
                            document.put(attributeOf.getOrDefault(column, column), value);
                        }
                    }
                    documents.put(rs.getString("_id"), document);
                }
            }
        }
        return documents;
    }

    /** Asserts the store holds exactly the table's items, comparing every attribute. */
    public static void assertSame(Map<String, Map<String, Object>> store, Map<String, Map<String, Object>> table) {
        assertThat(store.keySet()).as("documents in the store").containsExactlyInAnyOrderElementsOf(table.keySet());
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> item : table.entrySet()) {
            Map<String, Object> document = store.get(item.getKey());
            if (!document.equals(item.getValue())) {
                differences.add(item.getKey() + ": table " + item.getValue() + " but store " + document);
            }
        }
        assertThat(differences).as("documents that differ from their item").isEmpty();
    }

    static Object canonical(AttributeValue value, boolean topLevel) {
        return switch (value.type()) {
            case S -> value.s();
            case N -> number(new BigDecimal(value.n()));
            case B -> Base64.getEncoder().encodeToString(value.b().asByteArray());
            case BOOL -> value.bool();
            case NUL -> null;
            case M -> {
                Map<String, Object> map = new TreeMap<>();
                value.m().forEach((k, v) -> map.put(k, canonical(v, false)));
                yield map;
            }
            case L -> value.l().stream().map(v -> canonical(v, false)).toList();
            case SS -> sortedIf(topLevel, new ArrayList<Object>(value.ss()));
            case NS ->
                sortedIf(
                        topLevel,
                        new ArrayList<Object>(value.ns().stream()
                                .map(n -> number(new BigDecimal(n)))
                                .toList()));
            case BS ->
                sortedIf(
                        topLevel,
                        new ArrayList<Object>(value.bs().stream()
                                .map(b -> Base64.getEncoder().encodeToString(b.asByteArray()))
                                .toList()));
            default -> throw new IllegalArgumentException(value.toString());
        };
    }

    private static List<Object> sortedIf(boolean sort, List<Object> list) {
        if (sort) {
            list.sort(Comparator.comparing(Object::toString));
        }
        return list;
    }

    private static String number(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static Object stored(ResultSet rs, int column, String type) throws Exception {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        if (type.equals("JSON")) {
            return json(JSON.readTree(rs.getString(column)));
        }
        if (type.equals("BLOB")) {
            return Base64.getEncoder().encodeToString(rs.getBytes(column));
        }
        if (type.endsWith("[]")) {
            Object[] elements = (Object[]) ((Array) value).getArray();
            List<Object> list = new ArrayList<>();
            for (Object element : elements) {
                list.add(
                        type.equals("VARCHAR[]")
                                        && column > 0
                                        && rs.getMetaData()
                                                .getColumnName(column)
                                                .endsWith("__exact")
                                ? number(new BigDecimal((String) element))
                                : scalar(element));
            }
            list.sort(Comparator.comparing(Object::toString));
            return list;
        }
        if (rs.getMetaData().getColumnName(column).endsWith("__exact") && value instanceof String text) {
            return number(new BigDecimal(text));
        }
        return scalar(value);
    }

    private static Object scalar(Object value) throws Exception {
        if (value instanceof Number n) {
            return number(new BigDecimal(n.toString()));
        }
        if (value instanceof java.sql.Blob blob) {
            return Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length()));
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        return value;
    }

    private static Object json(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                map.put(field.getKey(), json(field.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(e -> list.add(json(e)));
            return list;
        }
        if (node.isNumber()) {
            return number(node.decimalValue());
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    /** A map keyed by {@code _id}, for messages. */
    public static <V> Map<String, V> first(Map<String, V> map, int n) {
        Map<String, V> first = new LinkedHashMap<>();
        map.entrySet().stream().limit(n).forEach(e -> first.put(e.getKey(), e.getValue()));
        return first;
    }
}
