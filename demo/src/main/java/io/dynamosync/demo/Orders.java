package io.dynamosync.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The demo's table of orders, keyed by {@code customerId} and {@code orderId}: customers,
 * statuses, amounts, a shipping address (a map), line items (a list of maps) and tags (a string
 * set), as a shop's orders table holds them.
 */
public final class Orders {

    /** How many customers place the orders. */
    static final int CUSTOMERS = 120;

    static final List<String> STATUSES = List.of("PENDING", "PAID", "SHIPPED", "DELIVERED");
    private static final String[] FIRST = {
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Linus"
    };
    private static final String[] LAST = {
        "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman"
    };
    private static final String[][] CITIES = {
        {"Berlin", "DE", "10115"},
        {"Lyon", "FR", "69001"},
        {"Porto", "PT", "4000-001"},
        {"Utrecht", "NL", "3511"},
        {"Austin", "US", "73301"},
        {"Osaka", "JP", "530-0001"},
        {"Leeds", "GB", "LS1"}
    };
    private static final String[][] PRODUCTS = {
        {"KB-101", "Mechanical keyboard", "89.90"},
        {"MS-220", "Wireless mouse", "24.50"},
        {"MN-270", "27\" monitor", "249.00"},
        {"HD-050", "USB-C hub", "39.99"},
        {"CB-003", "Braided cable", "9.95"},
        {"LP-014", "Laptop stand", "45.00"},
        {"HS-700", "Headset", "129.00"},
        {"WC-100", "Webcam", "59.90"}
    };
    private static final String[] TAGS = {"gift", "express", "first-order", "b2b", "fragile", "promo"};

    private Orders() {}

    /** Creates the table, on demand, with a stream carrying new and old images. */
    public static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(b -> b.tableName(table)
                .attributeDefinitions(
                        AttributeDefinition.builder()
                                .attributeName("customerId")
                                .attributeType(ScalarAttributeType.S)
                                .build(),
                        AttributeDefinition.builder()
                                .attributeName("orderId")
                                .attributeType(ScalarAttributeType.S)
                                .build())
                .keySchema(
                        KeySchemaElement.builder()
                                .attributeName("customerId")
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName("orderId")
                                .keyType(KeyType.RANGE)
                                .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    }

    /** Customer {@code number}'s id, as orders and the customers table hold it. */
    static String customerId(int number) {
        return String.format("C-%04d", number);
    }

    /** Customer {@code number}'s name, as its orders carry it. */
    static String customerName(int number) {
        return FIRST[number % FIRST.length] + " " + LAST[number % LAST.length];
    }

    /** The country customer {@code number}'s orders ship to. */
    static String customerCountry(int number) {
        return CITIES[number % CITIES.length][1];
    }

    /** A new order, number {@code number}, placed at {@code at}. */
    public static Map<String, AttributeValue> order(Random random, long number, Instant at) {
        int customer = random.nextInt(CUSTOMERS);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("customerId", s(customerId(customer)));
        item.put("orderId", s(String.format("O-%06d", number)));
        item.put("customerName", s(customerName(customer)));
        item.put("email", s(FIRST[customer % FIRST.length].toLowerCase() + "." + customer + "@example.com"));
        item.put("status", s(STATUSES.get(0)));
        item.put("createdAt", s(at.truncatedTo(ChronoUnit.MILLIS).toString()));
        item.put("updatedAt", s(at.truncatedTo(ChronoUnit.MILLIS).toString()));
        String[] city = CITIES[customer % CITIES.length];
        item.put(
                "shipping",
                AttributeValue.fromM(Map.of("city", s(city[0]), "country", s(city[1]), "postcode", s(city[2]))));
        List<AttributeValue> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String[] product = PRODUCTS[random.nextInt(PRODUCTS.length)];
            int quantity = 1 + random.nextInt(3);
            BigDecimal price = new BigDecimal(product[2]);
            total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
            lines.add(AttributeValue.fromM(Map.of(
                    "sku",
                    s(product[0]),
                    "name",
                    s(product[1]),
                    "quantity",
                    AttributeValue.fromN(Integer.toString(quantity)),
                    "unitPrice",
                    AttributeValue.fromN(product[2]))));
        }
        item.put("items", AttributeValue.fromL(lines));
        item.put(
                "total",
                AttributeValue.fromN(total.setScale(2, RoundingMode.HALF_UP).toPlainString()));
        item.put("currency", s("EUR"));
        item.put("express", AttributeValue.fromBool(random.nextInt(5) == 0));
        Set<String> tags = new LinkedHashSet<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            tags.add(TAGS[random.nextInt(TAGS.length)]);
        }
        if (!tags.isEmpty()) {
            // DynamoDB refuses empty sets, so an order without tags has no tags attribute.
            item.put("tags", AttributeValue.fromSs(new ArrayList<>(tags)));
        }
        return item;
    }

    /** The key of an order item. */
    public static Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        return Map.of("customerId", item.get("customerId"), "orderId", item.get("orderId"));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
