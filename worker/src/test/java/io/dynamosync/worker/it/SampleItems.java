package io.dynamosync.worker.it;

import io.dynamosync.testkit.LocalAws;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Tables of generated items that use every DynamoDB type, for load and sync tests. */
public final class SampleItems {

    private SampleItems() {}

    /** Creates a table keyed by {@code customer} (S) and {@code order} (N), with a stream. */
    public static String createTable(DynamoDbClient dynamoDb, Long provisionedReadCapacity) {
        return createTable(dynamoDb, provisionedReadCapacity, true);
    }

    /**
     * Creates a table holding items {@code 0} to {@code items - 1}, written before its stream was
     * turned on: a table that existed before the collection, as most do. DynamoDB Local writes
     * many times slower to a table with a stream, and a worker would replay the fill's records.
     */
    public static String createFilledTable(DynamoDbClient dynamoDb, Long provisionedReadCapacity, int items)
            throws Exception {
        String name = createTable(dynamoDb, provisionedReadCapacity, false);
        fill(dynamoDb, name, 0, items);
        dynamoDb.updateTable(b -> b.tableName(name)
                .streamSpecification(StreamSpecification.builder()
                        .streamEnabled(true)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build()));
        return name;
    }

    static String createTable(DynamoDbClient dynamoDb, Long provisionedReadCapacity, boolean stream) {
        String name = LocalAws.uniqueName("orders");
        dynamoDb.createTable(b -> {
            b.tableName(name)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName("customer")
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName("order")
                                    .attributeType(ScalarAttributeType.N)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName("customer")
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName("order")
                                    .keyType(KeyType.RANGE)
                                    .build())
                    .streamSpecification(
                            stream
                                    ? StreamSpecification.builder()
                                            .streamEnabled(true)
                                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                                            .build()
                                    : null);
            if (provisionedReadCapacity == null) {
                b.billingMode(BillingMode.PAY_PER_REQUEST);
            } else {
                b.billingMode(BillingMode.PROVISIONED)
                        .provisionedThroughput(p ->
                                p.readCapacityUnits(provisionedReadCapacity).writeCapacityUnits(1000L));
            }
        });
        return name;
    }

    /** Item {@code i}: the same every time, with every attribute type, about 500 bytes. */
    public static Map<String, AttributeValue> item(int i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("customer", AttributeValue.fromS("cust-" + (i % 997) + (i % 13 == 0 ? "|ünï" : "")));
        item.put("order", AttributeValue.fromN(Integer.toString(i)));
        item.put(
                "status",
                AttributeValue.fromS(List.of("new", "paid", "shipped", "").get(i % 4)));
        item.put("Status", AttributeValue.fromS("upper-" + (i % 3)));
        item.put("amount", AttributeValue.fromN((i % 10_000) + "." + (i % 100)));
        item.put("quantity", AttributeValue.fromN(Integer.toString(i % 50)));
        if (i % 7 == 0) {
            item.put(
                    "big",
                    AttributeValue.fromN(
                            BigInteger.TEN.pow(37).add(BigInteger.valueOf(i)).toString()));
        }
        item.put("gift", AttributeValue.fromBool(i % 2 == 0));
        if (i % 5 == 0) {
            item.put("note", AttributeValue.fromNul(true));
        }
        item.put("payload", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {(byte) i, 0, (byte) (i >> 8), -1
        })));
        item.put("tags", AttributeValue.fromSs(List.of("t" + (i % 3), "t" + (3 + i % 4))));
        item.put("scores", AttributeValue.fromNs(List.of(Integer.toString(i % 9), "0.5")));
        item.put("blobs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1, (byte) i}))));
        item.put(
                "address",
                AttributeValue.fromM(Map.of(
                        "city", AttributeValue.fromS("City " + (i % 31)),
                        "zip", AttributeValue.fromN(Integer.toString(10_000 + i % 900)),
                        "geo",
                                AttributeValue.fromM(Map.of(
                                        "lat",
                                        AttributeValue.fromN("52.5" + i % 10),
                                        "lon",
                                        AttributeValue.fromN("-13.4"))))));
        item.put(
                "lines",
                AttributeValue.fromL(List.of(
                        AttributeValue.fromM(
                                Map.of("sku", AttributeValue.fromS("sku-" + i % 17), "qty", AttributeValue.fromN("1"))),
                        AttributeValue.fromL(List.of(AttributeValue.fromBool(true), AttributeValue.fromNul(true))))));
        item.put("select", AttributeValue.fromS("keyword " + i));
        item.put("with space.dot", AttributeValue.fromN(Integer.toString(-i)));
        return item;
    }

    /** Writes items {@code from} (inclusive) to {@code to} (exclusive), 25 a call, on four threads. */
    public static void fill(DynamoDbClient dynamoDb, String table, int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int start = from; start < to; start += 25) {
                int first = start;
                futures.add(pool.submit(() -> {
                    List<WriteRequest> writes = new ArrayList<>();
                    for (int i = first; i < Math.min(first + 25, to); i++) {
                        writes.add(WriteRequest.builder()
                                .putRequest(PutRequest.builder().item(item(i)).build())
                                .build());
                    }
                    Map<String, List<WriteRequest>> pending = Map.of(table, writes);
                    while (!pending.isEmpty()) {
                        Map<String, List<WriteRequest>> request = pending;
                        pending = dynamoDb.batchWriteItem(b -> b.requestItems(request))
                                .unprocessedItems();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
