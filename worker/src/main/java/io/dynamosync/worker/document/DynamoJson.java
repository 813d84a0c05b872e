package io.dynamosync.worker.document;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads DynamoDB JSON, the marshalled form of export data files
 * ({@code {"Id":{"N":"103"},"Authors":{"SS":["A","B"]}}}), into the SDK's item model, so items
 * from an export take the same path into the store as items from a scan or a stream.
 */
public final class DynamoJson {

    private DynamoJson() {}

    /** Reads one item: an object of attribute name to typed value. */
    public static Map<String, AttributeValue> item(JsonNode item) {
        if (item == null || !item.isObject()) {
            throw new IllegalArgumentException("a DynamoDB JSON item is an object, not " + item);
        }
        // One reader of DynamoDB JSON: the tree is read through the same streaming code as export lines.
        try (JsonParser parser = item.traverse()) {
            parser.nextToken();
            return item(parser);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read a DynamoDB JSON item: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a line of an export data file ({@code {"Item": {...}}}) from a parser over it, without building a tree
     * first: the export's many items are read the cheap way.
     */
    public static Map<String, AttributeValue> exportLine(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("a line of an export data file is an object holding \"Item\"");
        }
        Map<String, AttributeValue> item = null;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            parser.nextToken();
            if (name.equals("Item")) {
                item = item(parser);
            } else {
                parser.skipChildren();
            }
        }
        if (item == null) {
            throw new IllegalArgumentException("a line of an export data file is an object holding \"Item\"");
        }
        return item;
    }

    /** Reads one item from a parser at its opening brace; leaves the parser at the closing one. */
    public static Map<String, AttributeValue> item(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("a DynamoDB JSON item is an object, not " + parser.currentToken());
        }
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            parser.nextToken();
            values.put(name, value(parser));
        }
        return values;
    }

    /** Reads one typed value from a parser at its opening brace; leaves the parser at the closing one. */
    public static AttributeValue value(JsonParser parser) throws IOException {
        String type = parser.currentToken() == JsonToken.START_OBJECT ? parser.nextFieldName() : null;
        if (type == null) {
            throw new IllegalArgumentException("a DynamoDB JSON value is an object with one type key");
        }
        JsonToken token = parser.nextToken();
        AttributeValue value = switch (type) {
            case "S" -> AttributeValue.fromS(scalar(parser, token));
            case "N" -> AttributeValue.fromN(scalar(parser, token));
            case "B" ->
                AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(scalar(parser, token))));
            case "BOOL" ->
                AttributeValue.fromBool(token == JsonToken.VALUE_TRUE
                        || token == JsonToken.VALUE_STRING && Boolean.parseBoolean(parser.getText()));
            case "NULL" -> AttributeValue.fromNul(true);
            case "M" -> AttributeValue.fromM(item(parser));
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                for (JsonToken next = array(parser, token); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    list.add(value(parser));
                }
                yield AttributeValue.fromL(list);
            }
            case "SS" -> AttributeValue.fromSs(texts(parser, token));
            case "NS" -> AttributeValue.fromNs(texts(parser, token));
            case "BS" -> {
                List<SdkBytes> list = new ArrayList<>();
                for (String text : texts(parser, token)) {
                    list.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(text)));
                }
                yield AttributeValue.fromBs(list);
            }
            default -> throw new IllegalArgumentException("unknown DynamoDB type '" + type + "'");
        };
        if (parser.nextToken() != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("a DynamoDB JSON value is an object with one type key");
        }
        return value;
    }

    private static String scalar(JsonParser parser, JsonToken token) throws IOException {
        if (token == null || !token.isScalarValue()) {
            throw new IllegalArgumentException("a DynamoDB JSON value of this type is a string, not " + token);
        }
        return parser.getText();
    }

    private static JsonToken array(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("a DynamoDB JSON list or set is an array, not " + token);
        }
        return parser.nextToken();
    }

    private static List<String> texts(JsonParser parser, JsonToken token) throws IOException {
        List<String> list = new ArrayList<>();
        for (JsonToken next = array(parser, token); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
            list.add(scalar(parser, next));
        }
        return list;
    }

    /** Writes an item (or a key, such as a scan's LastEvaluatedKey) as DynamoDB JSON. */
    public static ObjectNode write(Map<String, AttributeValue> item) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        item.forEach((name, value) -> node.set(name, write(value)));
        return node;
    }

    private static ObjectNode write(AttributeValue value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case M -> node.set("M", write(value.m()));
            case L -> {
                ArrayNode list = node.putArray("L");
                value.l().forEach(v -> list.add(write(v)));
            }
            case SS -> {
                ArrayNode set = node.putArray("SS");
                value.ss().forEach(set::add);
            }
            case NS -> {
                ArrayNode set = node.putArray("NS");
                value.ns().forEach(set::add);
            }
            case BS -> {
                ArrayNode set = node.putArray("BS");
                value.bs().forEach(b -> set.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            default -> throw new IllegalArgumentException("unsupported DynamoDB type " + value.type());
        }
        return node;
    }
}
