package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamosync.testkit.stream.StreamTrimming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The kit trims DynamoDB Local's streams as AWS trims records past their retention. */
@ExtendWith(LocalAwsExtension.class)
class StreamTrimmingIT {

    private static void put(LocalAws aws, String table, int i) {
        aws.dynamoDb()
                .putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "pk", AttributeValue.fromS("k"), "sk", AttributeValue.fromN(Integer.toString(i)))));
    }

    /** The range keys of the records an iterator reads, to the shard's current end. */
    private static List<Integer> read(DynamoDbStreamsClient streams, String iterator) {
        List<Integer> keys = new ArrayList<>();
        String next = iterator;
        // DynamoDB Local may answer an empty page before the records; three in a row mean the end.
        for (int empty = 0; next != null && empty < 3; ) {
            String current = next;
            GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
            page.records()
                    .forEach(r -> keys.add(
                            Integer.parseInt(r.dynamodb().keys().get("sk").n())));
            empty = page.records().isEmpty() ? empty + 1 : 0;
            next = page.nextShardIterator();
        }
        return keys;
    }

    @Test
    void trimmedRecordsAreGoneAsOnAws(LocalAws aws) throws Exception {
        String table = Tables.create(aws.dynamoDb(), true);
        DynamoDbStreamsClient streams =
                aws.newStreams(b -> b.overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())));
        String arn =
                aws.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        String shard = streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()
                .get(0)
                .shardId();
        for (int i = 1; i <= 3; i++) {
            put(aws, table, i);
        }
        List<String> sequences = new ArrayList<>();
        String all = streams.getShardIterator(
                        b -> b.streamArn(arn).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        for (int empty = 0; all != null && empty < 3 && sequences.size() < 3; ) {
            String current = all;
            GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
            page.records().forEach(r -> sequences.add(r.dynamodb().sequenceNumber()));
            empty = page.records().isEmpty() ? empty + 1 : 0;
            all = page.nextShardIterator();
        }
        assertThat(sequences).hasSize(3);

        StreamTrimming.Trimmed trimmed = aws.streamTrimming().watch(table);
        Thread.sleep(20);
        Instant cut = Instant.now();
        Thread.sleep(20);
        put(aws, table, 4);
        put(aws, table, 5);
        String beforeTrim = streams.getShardIterator(
                        b -> b.streamArn(arn).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        trimmed.trimBefore(cut);

        assertThat(trimmed.trimmedRecords())
                .as("records published before the cut")
                .isEqualTo(3);
        assertThat(read(
                        streams,
                        streams.getShardIterator(b -> b.streamArn(arn)
                                        .shardId(shard)
                                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                                .shardIterator()))
                .as("TRIM_HORIZON starts after the trimmed records")
                .containsExactly(4, 5);
        assertThat(read(
                        streams,
                        streams.getShardIterator(b -> b.streamArn(arn)
                                        .shardId(shard)
                                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                        .sequenceNumber(sequences.get(2)))
                                .shardIterator()))
                .containsExactly(4, 5);
        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(beforeTrim)))
                .as("an iterator taken before the trim, used after it")
                .isInstanceOf(TrimmedDataAccessException.class);
        assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .sequenceNumber(sequences.get(0))))
                .isInstanceOf(TrimmedDataAccessException.class);
        assertThatThrownBy(() -> streams.getShardIterator(b -> b.streamArn(arn)
                        .shardId(shard)
                        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(sequences.get(2))))
                .isInstanceOf(TrimmedDataAccessException.class);

        trimmed.retention(Duration.ofMillis(300));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(trimmed::trimmedRecords, n -> n == 5);
        assertThat(read(
                        streams,
                        streams.getShardIterator(b -> b.streamArn(arn)
                                        .shardId(shard)
                                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                                .shardIterator()))
                .as("records past the retention are trimmed as time goes by")
                .isEmpty();

        aws.streamTrimming().forget(table);
        assertThat(read(
                        streams,
                        streams.getShardIterator(b -> b.streamArn(arn)
                                        .shardId(shard)
                                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                                .shardIterator()))
                .as("a forgotten table's stream is whole again")
                .containsExactly(1, 2, 3, 4, 5);
    }
}
