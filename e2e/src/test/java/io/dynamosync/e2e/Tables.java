package io.dynamosync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The DynamoDB side of the end-to-end tests: tables of customers keyed by {@code id}, and each table and its
 * replica read item by item into the same shape, so that "the store equals the table" is one comparison.
 */
final class Tables {

    private Tables() {}

    /** A new on-demand table with a stream carrying both images, keyed by the string {@code id}. */
    static String create(LocalAws aws, String prefix) {
        String table = LocalAws.uniqueName(prefix);
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        return table;
    }

    /** A new table holding {@code items} small customers. */
    static String withCustomers(LocalAws aws, int items) {
        String table = create(aws, "Customers");
        for (int i = 0; i < items; i++) {
            put(aws, table, String.format("item-%05d", i), i);
        }
        return table;
    }

    static void put(LocalAws aws, String table, String id, int n) {
        put(aws, table, id, n, null);
    }

    /** Writes one customer; {@code payload}, when given, makes the item as large as it is. */
    static void put(LocalAws aws, String table, String id, int n, String payload) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                "id",
                AttributeValue.fromS(id),
                "n",
                AttributeValue.fromN(Integer.toString(n)),
                "name",
                AttributeValue.fromS("customer " + n)));
        if (payload != null) {
            item.put("payload", AttributeValue.fromS(payload));
        }
        aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
    }

    /** The table, item by item: id to "n|name|md5 of payload" (empty without one). */
    static Map<String, String> items(LocalAws aws, String table) {
        Map<String, String> items = new TreeMap<>();
        aws.dynamoDb()
                .scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> items.put(
                        item.get("id").s(),
                        item.get("n").n() + "|" + item.get("name").s() + "|"
                                + (item.containsKey("payload")
                                        ? md5(item.get("payload").s())
                                        : "")));
        return items;
    }

    /** The replica, row by row, read through the worker's Service, in the shape of {@link #items}. */
    static Map<String, String> rows(LocalCluster cluster, String namespace, String collection, boolean payloads) {
        Map<String, String> rows = new TreeMap<>();
        String hash = payloads ? "coalesce(md5(payload), '')" : "''";
        for (JsonNode row :
                cluster.query(namespace, collection, "SELECT id, n, name, " + hash + " AS h FROM " + collection)) {
            rows.put(
                    row.path("id").asText(),
                    row.path("n").asText() + "|" + row.path("name").asText() + "|"
                            + row.path("h").asText());
        }
        return rows;
    }

    static String md5(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
