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

        String streamArn =
                dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        DynamoDbStreamsClient streams = aws.streams();
        var description = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription();
        assertThat(description.streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        List<Record> records = new ArrayList<>();
        for (Shard shard : description.shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
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

    @Test
    void removesMarkedAsTimeToLiveDeletesCarryAwsServiceIdentityOnEveryRead(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = Tables.create(dynamoDb, true);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Map<String, AttributeValue> key =
                    Map.of("pk", AttributeValue.fromS("k" + i), "sk", AttributeValue.fromN(Integer.toString(i)));
            keys.add(key);
            dynamoDb.putItem(b -> b.tableName(table).item(with(key, "status", "new")));
        }
        // Marked by key (written as 2.0, stored as 2) and by count: the first REMOVE relayed after the mark.
        aws.ttlDeletes().markKey(table, Map.of("pk", AttributeValue.fromS("k2"), "sk", AttributeValue.fromN("2.0")));
        aws.ttlDeletes().markNext(table, 1);
        for (Map<String, AttributeValue> key : keys) {
            dynamoDb.deleteItem(b -> b.tableName(table).key(key));
        }

        List<Record> first = read(aws, table);
        List<Record> again = read(aws, table);

        for (List<Record> records : List.of(first, again)) {
            List<Record> removes = records.stream()
                    .filter(r -> r.eventNameAsString().equals("REMOVE"))
                    .toList();
            assertThat(removes)
                    .extracting(r -> r.dynamodb().keys().get("pk").s())
                    .containsExactly("k1", "k2", "k3", "k4");
            assertThat(removes)
                    .extracting(r -> r.userIdentity() == null
                            ? null
                            : r.userIdentity().type() + " " + r.userIdentity().principalId())
                    .as("the first REMOVE (counted) and k2's (by key) are TTL deletes, on every read")
                    .containsExactly("Service dynamodb.amazonaws.com", "Service dynamodb.amazonaws.com", null, null);
            assertThat(records.stream().filter(r -> !r.eventNameAsString().equals("REMOVE")))
                    .allSatisfy(r -> assertThat(r.userIdentity()).isNull());
        }
    }

    private static List<Record> read(LocalAws aws, String table) {
        String streamArn =
                aws.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        DynamoDbStreamsClient streams = aws.streams();
        List<Record> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            for (int page = 0; page < 5 && iterator != null && records.size() < 8; page++) {
                String current = iterator;
                var answer = streams.getRecords(b -> b.shardIterator(current));
                records.addAll(answer.records());
                iterator = answer.nextShardIterator();
            }
        }
        return records;
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> key, String name, String value) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key);
        item.put(name, AttributeValue.fromS(value));
        return item;
    }
}
