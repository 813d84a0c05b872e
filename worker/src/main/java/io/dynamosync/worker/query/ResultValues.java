package io.dynamosync.worker.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import org.duckdb.DuckDBStruct;

/**
 * DuckDB values as JSON, so clients get types they can use: numbers as JSON numbers with every
 * digit (HUGEINT and DECIMAL too), JSON columns embedded as JSON, BLOBs in base64, lists and
 * arrays as arrays, structs and maps as objects, dates and times in ISO-8601 (with a zone only
 * when the value has one, written in UTC).
 */
final class ResultValues {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper EMBEDDED = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(NODES);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_LOCAL_TIME;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

    private ResultValues() {}

    /** Column {@code column} of the current row. */
    static JsonNode column(ResultSet rs, int column, String typeName) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return NODES.nullNode();
        }
        if (typeName.equals("JSON")) {
            return embedded(value.toString());
        }
        return of(value);
    }

    /**
     * A stored {@code DOUBLE} value (or list of them) shown with the exact digits its companion
     * holds, as a JSON number straight from the text (never through a double); null when the
     * digits are not this value's, so the caller shows the value itself. A double within a few
     * units in the last place of the digits is theirs: the store's own conversions may round twice.
     */
    static JsonNode exact(Object value, Object digits) throws SQLException {
        if (value == null) {
            // NULL is exact, whatever the digits beside it (a ROLLUP's total row has none of its own).
            return NODES.nullNode();
        }
        if (digits == null) {
            return null;
        }
        if (value instanceof Double d && digits instanceof String text) {
            BigDecimal exact;
            try {
                exact = new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
            double rounded = Double.parseDouble(text);
            return rounded == d || Math.abs(rounded - d) <= 4 * Math.ulp(d) ? NODES.numberNode(exact) : null;
        }
        if (value instanceof Array values && digits instanceof Array texts) {
            Object[] v = (Object[]) values.getArray();
            Object[] t = (Object[]) texts.getArray();
            if (v.length != t.length) {
                return null;
            }
            ArrayNode list = NODES.arrayNode();
            for (int i = 0; i < v.length; i++) {
                JsonNode element = exact(v[i], t[i]);
                if (element == null) {
                    return null;
                }
                list.add(element);
            }
            return list;
        }
        return null;
    }

    /** Any value the driver returns, nested ones included. */
    static JsonNode of(Object value) throws SQLException {
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
            // JSON has no NaN or infinity; the text keeps them readable instead of failing the query.
            return Double.isFinite(d)
                    ? (value instanceof Float f ? NODES.numberNode(f) : NODES.numberNode(d))
                    : NODES.textNode(value.toString());
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Timestamp t) {
            return NODES.textNode(DATE_TIME.format(t.toLocalDateTime()));
        }
        if (value instanceof LocalDateTime t) {
            return NODES.textNode(DATE_TIME.format(t));
        }
        if (value instanceof OffsetDateTime t) {
            return NODES.textNode(
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC)));
        }
        if (value instanceof LocalDate d) {
            return NODES.textNode(d.toString());
        }
        if (value instanceof LocalTime t) {
            return NODES.textNode(TIME.format(t));
        }
        if (value instanceof OffsetTime t) {
            return NODES.textNode(DateTimeFormatter.ISO_OFFSET_TIME.format(t));
        }
        if (value instanceof Blob blob) {
            return NODES.textNode(Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length())));
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof org.duckdb.JsonNode json) {
            return embedded(json.toString());
        }
        if (value instanceof Array array) {
            ArrayNode list = NODES.arrayNode();
            for (Object element : (Object[]) array.getArray()) {
                list.add(of(element));
            }
            return list;
        }
        if (value instanceof DuckDBStruct struct) {
            return object(struct.getMap());
        }
        if (value instanceof Map<?, ?> map) {
            return object(map);
        }
        return NODES.textNode(value.toString());
    }

    private static ObjectNode object(Map<?, ?> map) throws SQLException {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            object.set(String.valueOf(entry.getKey()), of(entry.getValue()));
        }
        return object;
    }

    private static JsonNode embedded(String json) {
        try {
            return EMBEDDED.readTree(json);
        } catch (JsonProcessingException e) {
            return NODES.textNode(json);
        }
    }
}
