package io.dynamosync.front.pull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.util.Map;

/**
 * A row of the front's DuckDB as a JSON object, as the workers answer rows: numbers with every digit DuckDB holds,
 * JSON columns as JSON, lists as arrays, structs and maps as objects, times as ISO text.
 */
final class ResultRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ResultRows() {}

    static ObjectNode row(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        ObjectNode row = NODES.objectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rs.getObject(i);
            if (value != null && "JSON".equalsIgnoreCase(meta.getColumnTypeName(i))) {
                row.set(meta.getColumnLabel(i), parse(value.toString()));
            } else {
                row.set(meta.getColumnLabel(i), node(value));
            }
        }
        return row;
    }

    static JsonNode node(Object value) throws SQLException {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return NODES.numberNode(big);
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.numberNode(decimal);
        }
        if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
        }
        if (value instanceof Array array) {
            ArrayNode items = NODES.arrayNode();
            for (Object item : (Object[]) array.getArray()) {
                items.add(node(item));
            }
            return items;
        }
        if (value instanceof Struct struct) {
            // DuckDB's driver gives a struct's values in field order; their names come with its map form.
            ObjectNode object = NODES.objectNode();
            Object[] attributes = struct.getAttributes();
            for (int i = 0; i < attributes.length; i++) {
                object.set("f" + (i + 1), node(attributes[i]));
            }
            return object;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                object.set(String.valueOf(entry.getKey()), node(entry.getValue()));
            }
            return object;
        }
        return NODES.textNode(value.toString());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return NODES.textNode(json);
        }
    }
}
