package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

@ExtendWith(LocalAwsExtension.class)
class StreamsIT {

    @Test
    void streamDeliversInsertModifyRemoveWithBothImages(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = Tables.create(dynamoDb, true);
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"));

        dynamoDb.putItem(b -> b.tableName(table).item(with(key, "status", "new")));
        dynamoDb.putItem(b -> b.tableName(table).item(with(key, "status", "paid")));
        dynamoDb.deleteItem(b -> b.tableName(table).key(key));

        String streamArn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        DynamoDbStreamsClient streams = aws.streams();
        var description = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription();
        assertThat(description.streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        List<Record> records = new ArrayList<>();
        for (Shard shard : description.shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            for (int page = 0; page < 5 && iterator != null && records.size() < 3; page++) {
                String current = iterator;
                var answer = streams.getRecords(b -> b.shardIterator(current));
                records.addAll(answer.records());
                iterator = answer.nextShardIterator();
            }
        }

        assertThat(records).extracting(r -> r.eventNameAsString()).containsExactly("INSERT", "MODIFY", "REMOVE");
        assertThat(records.get(0).dynamodb().newImage().get("status").s()).isEqualTo("new");
        assertThat(records.get(0).dynamodb().oldImage()).isEmpty();
        assertThat(records.get(1).dynamodb().oldImage().get("status").s()).isEqualTo("new");
        assertThat(records.get(1).dynamodb().newImage().get("status").s()).isEqualTo("paid");
        assertThat(records.get(2).dynamodb().oldImage().get("status").s()).isEqualTo("paid");
        assertThat(records.get(2).dynamodb().newImage()).isEmpty();
        assertThat(records).allSatisfy(r -> {
            assertThat(r.dynamodb().keys()).isEqualTo(key);
            assertThat(r.dynamodb().sequenceNumber()).isNotBlank();
            assertThat(r.dynamodb().approximateCreationDateTime()).isNotNull();
        });
        assertThat(aws.faults().calls("GetRecords", table)).isPositive();
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> key, String name, String value) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key);
        item.put(name, AttributeValue.fromS(value));
        return item;
    }
}
