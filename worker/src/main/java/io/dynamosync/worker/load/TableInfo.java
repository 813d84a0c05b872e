package io.dynamosync.worker.load;

import io.dynamosync.worker.document.ItemId;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What the worker needs to know of the table, from one DescribeTable: its key (for
 * {@code _id}), size and item count (estimates, refreshed by DynamoDB about every six hours),
 * billing mode and provisioned read capacity (for the scan's cap), and its stream.
 */
public record TableInfo(
        String name,
        String arn,
        ItemId itemId,
        long sizeBytes,
        long itemCount,
        boolean onDemand,
        long provisionedReadCapacity,
        String streamArn,
        String streamViewType) {

    /** Describes {@code table}; a missing table is a {@link LoadException}. */
    public static TableInfo describe(DynamoDbClient dynamoDb, String table) {
        TableDescription t;
        try {
            t = dynamoDb.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            throw new LoadException("TableNotFound", "DynamoDB table '" + table + "' does not exist in this region", e);
        }
        List<String> key = new ArrayList<>();
        for (KeyType type : List.of(KeyType.HASH, KeyType.RANGE)) {
            for (KeySchemaElement element : t.keySchema()) {
                if (element.keyType() == type) {
                    key.add(element.attributeName());
                }
            }
        }
        boolean onDemand =
                t.billingModeSummary() != null && t.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
        long rcu =
                t.provisionedThroughput() == null || t.provisionedThroughput().readCapacityUnits() == null
                        ? 0
                        : t.provisionedThroughput().readCapacityUnits();
        if (rcu == 0) {
            onDemand = true;
        }
        String viewType = t.streamSpecification() != null
                        && Boolean.TRUE.equals(t.streamSpecification().streamEnabled())
                ? t.streamSpecification().streamViewTypeAsString()
                : null;
        return new TableInfo(
                t.tableName(),
                t.tableArn(),
                new ItemId(key),
                t.tableSizeBytes() == null ? 0 : t.tableSizeBytes(),
                t.itemCount() == null ? 0 : t.itemCount(),
                onDemand,
                rcu,
                viewType == null ? null : t.latestStreamArn(),
                viewType);
    }
}
