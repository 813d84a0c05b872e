package io.dynamosync.testkit.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One AWS JSON 1.0 call as the front server sees it: the operation from {@code X-Amz-Target},
 * the parsed body, and the table it is about (so faults and counts can be kept per table).
 */
public record AwsCall(String service, String operation, JsonNode body, String table) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Table name inside a table, stream or export ARN, or inside a shard iterator that embeds one. */
    private static final Pattern TABLE_IN_ARN = Pattern.compile(":table/([a-zA-Z0-9_.-]{3,255})");

    /** Parses a call; a missing target or a body that is not JSON gives a call with what could be read. */
    public static AwsCall parse(String target, byte[] body) {
        String service = "";
        String operation = "";
        if (target != null) {
            int dot = target.indexOf('.');
            service = dot < 0 ? target : target.substring(0, dot);
            operation = dot < 0 ? "" : target.substring(dot + 1);
        }
        JsonNode json;
        try {
            json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        return new AwsCall(service, operation, json, tableOf(json));
    }

    static String tableOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode name = body.get("TableName");
        if (name != null && name.isTextual()) {
            String text = name.asText();
            Matcher arn = TABLE_IN_ARN.matcher(text);
            return arn.find() ? arn.group(1) : text;
        }
        for (String field : new String[] {"TableArn", "StreamArn", "ShardIterator", "ExportArn", "ResourceArn"}) {
            JsonNode value = body.get(field);
            if (value != null && value.isTextual()) {
                Matcher arn = TABLE_IN_ARN.matcher(value.asText());
                if (arn.find()) {
                    return arn.group(1);
                }
            }
        }
        JsonNode requestItems = body.get("RequestItems");
        if (requestItems != null && requestItems.isObject()) {
            Iterator<String> names = requestItems.fieldNames();
            return names.hasNext() ? names.next() : null;
        }
        return null;
    }
}
