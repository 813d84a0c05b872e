package io.dynamosync.bench;

import io.dynamosync.testkit.LocalAws;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The benchmark's tables: items of about 1 KB keyed by {@code id}, and a shop's orders. */
public final class Tables {

    static final String[] STATUSES = {"PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
    static final String[] CITIES = {
        "Berlin", "Lyon", "Porto", "Utrecht", "Austin", "Osaka", "Leeds", "Turin", "Ghent", "Bergen"
    };
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";

    private Tables() {}

    /** Creates an on-demand table keyed by {@code key} (S), and optionally {@code sortKey} (S), with or without a stream. */
    public static String create(DynamoDbClient dynamoDb, String prefix, String key, String sortKey, boolean stream) {
        String name = LocalAws.uniqueName(prefix);
        dynamoDb.createTable(b -> {
            List<AttributeDefinition> attributes = new ArrayList<>(List.of(AttributeDefinition.builder()
                    .attributeName(key)
                    .attributeType(ScalarAttributeType.S)
                    .build()));
            List<KeySchemaElement> schema = new ArrayList<>(List.of(KeySchemaElement.builder()
                    .attributeName(key)
                    .keyType(KeyType.HASH)
                    .build()));
            if (sortKey != null) {
                attributes.add(AttributeDefinition.builder()
                        .attributeName(sortKey)
                        .attributeType(ScalarAttributeType.S)
                        .build());
                schema.add(KeySchemaElement.builder()
                        .attributeName(sortKey)
                        .keyType(KeyType.RANGE)
                        .build());
            }
            b.tableName(name)
                    .attributeDefinitions(attributes)
                    .keySchema(schema)
                    .billingMode(BillingMode.PAY_PER_REQUEST);
            if (stream) {
                b.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
            }
        });
        return name;
    }

    /**
     * Turns the stream on after a fill, as on a table with a long history: the worker then follows a stream
     * that holds none of the fill's writes, so a load is measured alone.
     */
    public static void enableStream(DynamoDbClient dynamoDb, String table) {
        dynamoDb.updateTable(b -> b.tableName(table)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    }

    /** Writes items {@code 0..count-1} made by {@code item}, in batches of 25 from four threads. */
    public static void fill(
            DynamoDbClient dynamoDb, String table, int count, IntFunction<Map<String, AttributeValue>> item)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            int chunk = 25 * 40;
            for (int from = 0; from < count; from += chunk) {
                int start = from;
                int end = Math.min(count, from + chunk);
                futures.add(pool.submit(() -> {
                    for (int i = start; i < end; i += 25) {
                        List<WriteRequest> batch = new ArrayList<>();
                        for (int j = i; j < Math.min(end, i + 25); j++) {
                            batch.add(WriteRequest.builder()
                                    .putRequest(PutRequest.builder()
                                            .item(item.apply(j))
                                            .build())
                                    .build());
                        }
                        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
                        while (!pending.isEmpty()) {
                            Map<String, List<WriteRequest>> request = pending;
                            pending = dynamoDb.batchWriteItem(b -> b.requestItems(request))
                                    .unprocessedItems();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Item {@code i} of about 1 KB: the same every time, with text that does not compress to nothing. */
    public static Map<String, AttributeValue> kilobyteItem(int i) {
        Random random = new Random(i);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(String.format("item-%09d", i)));
        item.put("seq", AttributeValue.fromN(Integer.toString(i)));
        item.put("status", AttributeValue.fromS(STATUSES[i % STATUSES.length]));
        item.put(
                "amount",
                AttributeValue.fromN(
                        BigDecimal.valueOf(random.nextInt(1_000_000), 2).toPlainString()));
        item.put(
                "createdAt",
                AttributeValue.fromS(
                        Instant.ofEpochSecond(1_700_000_000L + i * 37L).toString()));
        item.put(
                "address",
                AttributeValue.fromM(Map.of(
                        "city", AttributeValue.fromS(CITIES[random.nextInt(CITIES.length)]),
                        "zip", AttributeValue.fromS(Integer.toString(10_000 + random.nextInt(90_000))))));
        item.put(
                "tags",
                AttributeValue.fromL(List.of(
                        AttributeValue.fromS("t" + random.nextInt(20)),
                        AttributeValue.fromS("t" + random.nextInt(20)))));
        item.put("note", AttributeValue.fromS(text(random, 820)));
        return item;
    }

    /**
     * Order {@code i} of {@code count}: one of 500 customers, a status, a total, a shipping map, line items,
     * and an {@code updatedAt} spread over the two days before {@code now}.
     */
    public static Map<String, AttributeValue> order(int i, Instant now) {
        Random random = new Random(31L * i + 7);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("customerId", AttributeValue.fromS(customer(random.nextInt(500))));
        item.put("orderId", AttributeValue.fromS(orderId(i)));
        item.put("status", AttributeValue.fromS(STATUSES[random.nextInt(STATUSES.length)]));
        BigDecimal total = BigDecimal.ZERO;
        List<AttributeValue> lines = new ArrayList<>();
        for (int l = 1 + random.nextInt(3); l > 0; l--) {
            BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(20_000), 2);
            int quantity = 1 + random.nextInt(3);
            total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
            lines.add(AttributeValue.fromM(Map.of(
                    "sku",
                    AttributeValue.fromS("SKU-" + random.nextInt(200)),
                    "quantity",
                    AttributeValue.fromN(Integer.toString(quantity)),
                    "unitPrice",
                    AttributeValue.fromN(price.toPlainString()))));
        }
        item.put("items", AttributeValue.fromL(lines));
        item.put(
                "total",
                AttributeValue.fromN(total.setScale(2, RoundingMode.HALF_UP).toPlainString()));
        item.put(
                "shipping",
                AttributeValue.fromM(Map.of(
                        "city", AttributeValue.fromS(CITIES[random.nextInt(CITIES.length)]),
                        "postcode", AttributeValue.fromS(Integer.toString(10_000 + random.nextInt(90_000))))));
        item.put(
                "updatedAt",
                AttributeValue.fromS(now.minusSeconds(random.nextInt(48 * 3600)).toString()));
        return item;
    }

    static String customer(int n) {
        return String.format("C-%05d", n);
    }

    static String orderId(int i) {
        return String.format("O-%08d", i);
    }

    private static String text(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        return out.toString();
    }

    /**
     * An item's size as DynamoDB counts it: names and values in bytes, numbers at about one byte per two
     * digits plus one, three bytes per map or list and one per element.
     */
    public static long size(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
        }
        return size;
    }

    private static long size(AttributeValue value) {
        return switch (value.type()) {
            case S -> value.s().getBytes(StandardCharsets.UTF_8).length;
            case N -> (value.n().chars().filter(Character::isDigit).count() + 1) / 2 + 1;
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case M -> 3 + size(value.m()) + value.m().size();
            case L -> 3 + value.l().stream().mapToLong(v -> size(v) + 1).sum();
            case SS ->
                value.ss().stream()
                        .mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length)
                        .sum();
            default -> 0;
        };
    }

    /** A copy of {@code item} as a mutable map, for adding attributes. */
    static Map<String, AttributeValue> copy(Map<String, AttributeValue> item) {
        return new HashMap<>(item);
    }
}
