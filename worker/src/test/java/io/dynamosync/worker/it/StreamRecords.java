package io.dynamosync.worker.it;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Reads a table's stream records independently of the worker, to check none was applied twice. */
public final class StreamRecords {

    private StreamRecords() {}

    /** Every record in every shard of the table's current stream. */
    public static long count(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table) {
        return all(dynamoDb, streams, table).size();
    }

    /** Every record in every shard of the table's current stream, shard by shard, in order. */
    public static List<Record> all(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table) {
        String arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        List<Record> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(arn))
                .streamDescription()
                .shards()) {
            String iterator = streams.getShardIterator(b ->
                            b.streamArn(arn).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            // A page may be empty in the middle of a shard; three in a row mean its end for now.
            for (int empty = 0; iterator != null && empty < 3; ) {
                String current = iterator;
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
                records.addAll(page.records());
                empty = page.records().isEmpty() ? empty + 1 : 0;
                iterator = page.nextShardIterator();
            }
        }
        return records;
    }
}
