package io.dynamosync.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The demo's table of customers, keyed by {@code id}: the customers who place the orders, each with a name, a
 * country, a loyalty tier and the year they joined. A second table, so that the query front has something to JOIN.
 */
public final class Customers {

    static final List<String> TIERS = List.of("gold", "silver", "bronze");

    private Customers() {}

    /** Creates the table, on demand, with a stream, and writes every customer the orders name. */
    public static void create(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(b -> b.tableName(table)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        List<WriteRequest> batch = new ArrayList<>();
        for (int n = 0; n < Orders.CUSTOMERS; n++) {
            batch.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(customer(n)).build())
                    .build());
            if (batch.size() == 25 || n == Orders.CUSTOMERS - 1) {
                Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = pending;
                    pending = dynamoDb.batchWriteItem(r -> r.requestItems(request))
                            .unprocessedItems();
                }
                batch.clear();
            }
        }
    }

    /** Customer {@code n}: a few loyal gold customers, more silver ones, most bronze. */
    static Map<String, AttributeValue> customer(int n) {
        String tier = n % 7 == 0 ? TIERS.get(0) : n % 3 == 0 ? TIERS.get(1) : TIERS.get(2);
        return Map.of(
                "id", AttributeValue.fromS(Orders.customerId(n)),
                "name", AttributeValue.fromS(Orders.customerName(n)),
                "country", AttributeValue.fromS(Orders.customerCountry(n)),
                "tier", AttributeValue.fromS(tier),
                "since", AttributeValue.fromN(Integer.toString(2015 + n % 11)));
    }
}
