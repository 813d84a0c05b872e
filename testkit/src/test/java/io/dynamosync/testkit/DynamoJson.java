package io.dynamosync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads DynamoDB JSON (as in export files) into the SDK's model, to compare with a Scan. */
final class DynamoJson {

    private DynamoJson() {}

    static Map<String, AttributeValue> item(JsonNode item) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        item.fields().forEachRemaining(e -> values.put(e.getKey(), value(e.getValue())));
        return values;
    }

    static AttributeValue value(JsonNode node) {
        String type = node.fieldNames().next();
        JsonNode v = node.get(type);
        return switch (type) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" ->
                AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(v.asBoolean());
            case "M" -> AttributeValue.fromM(item(v));
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                v.forEach(e -> list.add(value(e)));
                yield AttributeValue.fromL(list);
            }
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "BS" -> {
                List<SdkBytes> list = new ArrayList<>();
                v.forEach(
                        e -> list.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(e.asText()))));
                yield AttributeValue.fromBs(list);
            }
            default -> throw new IllegalArgumentException("unknown DynamoDB type " + type);
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(e -> list.add(e.asText()));
        return list;
    }
}
