package io.dynamosync.worker.it;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Counts a table's stream records independently of the worker, to check none was applied twice. */
public final class StreamRecords {

    private StreamRecords() {
    }

    /** Every record in every shard of the table's current stream. */
    public static long count(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table) {
        String arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        long count = 0;
        for (Shard shard : streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            // A page may be empty in the middle of a shard; three in a row mean its end for now.
            for (int empty = 0; iterator != null && empty < 3; ) {
                String current = iterator;
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
                count += page.records().size();
                empty = page.records().isEmpty() ? empty + 1 : 0;
                iterator = page.nextShardIterator();
            }
        }
        return count;
    }
}
