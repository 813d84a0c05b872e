package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.stream.ShardedStreams;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.document.DynamoJson;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A worker restarted after a gap in the stream it cannot fill (its shard trimmed, or its
 * checkpoint older than the stream keeps records) loads the collection again, says why in
 * {@code /status}, answers queries from what it held meanwhile, and ends equal to the table.
 */
@ExtendWith(LocalAwsExtension.class)
class StreamGapReloadIT {

    private static final int ITEMS = 300;
    /** A slow scan, so the reload lasts a few seconds while queries run. */
    private static final Map<String, Object> SLOW_SCAN = Map.of("method", "Scan", "readCapacityUnits", 20);

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    /** A worker and its HTTP server over the same store, queried from the moment the store opens. */
    private record Served(StreamSyncIT.Running running, WorkerServer server, QueriesMeanwhile queries)
            implements AutoCloseable {
        static Served start(Map<String, Object> raw) {
            Settings settings = InitialLoadIT.settings(raw);
            AwsClients clients = new AwsClients(settings);
            Worker worker = new Worker(settings, clients).open();
            WorkerServer server = new WorkerServer(worker, 0, ApiKey.of(null));
            QueriesMeanwhile queries = QueriesMeanwhile.start(server.port());
            worker.start();
            return new Served(new StreamSyncIT.Running(worker, clients), server, queries);
        }

        @Override
        public void close() throws InterruptedException {
            queries.close();
            server.close();
            running.close();
        }
    }

    private static JsonNode keyOf(int i) {
        Map<String, AttributeValue> item = SampleItems.item(i);
        return DynamoJson.write(Map.of("customer", item.get("customer"), "order", item.get("order")));
    }

    /** Puts item {@code i} in the table and records its insert in {@code shard}, as the stream would. */
    private static void insert(LocalAws aws, String table, ShardedStreams.EmulatedShard shard, int i) {
        aws.dynamoDb().putItem(b -> b.tableName(table).item(SampleItems.item(i)));
        shard.record("INSERT", keyOf(i), DynamoJson.write(SampleItems.item(i)));
    }

    @Test
    void aShardTrimmedWhileTheWorkerWasAwayIsFilledByAReloadServedThroughout(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        String streamArn =
                aws.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        Map<String, Object> settings = WorkerSettingsFor.settings(aws, table, data, SLOW_SCAN);
        ShardedStreams.EmulatedStream stream = aws.shardedStreams().emulate(streamArn, 100);
        try {
            ShardedStreams.EmulatedShard first = stream.shard("shardId-first", null);
            insert(aws, table, first, ITEMS);
            try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
                running.await(s -> StreamSyncIT.synced(s) && s.stream().recordsApplied() == 1, Duration.ofSeconds(60));
            }
            // While the worker is away, the shard it was reading gets one more change and ends; its
            // child takes over; then the first shard is trimmed with its last change unread.
            insert(aws, table, first, ITEMS + 1);
            first.close();
            ShardedStreams.EmulatedShard child = stream.shard("shardId-child", "shardId-first");
            insert(aws, table, child, ITEMS + 2);
            stream.trim("shardId-first");

            WorkerStatus status;
            try (Served served = Served.start(settings)) {
                status = served.running()
                        .await(
                                s -> !s.rebootstraps().isEmpty()
                                        && StreamSyncIT.synced(s)
                                        && s.store().documents() == ITEMS + 3,
                                Duration.ofSeconds(60));
                served.queries().close();
                assertThat(served.queries().failures())
                        .as("queries that failed")
                        .isEmpty();
                assertThat(served.queries().answered()).isPositive();
                assertThat(served.queries().fewest())
                        .as("the fewest documents a query saw")
                        .isGreaterThanOrEqualTo(ITEMS + 1);
            }

            assertThat(status.rebootstraps())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(r.reason()).startsWith("ShardTrimmed").contains("shardId-first"));
            assertThat(status.error()).isNull();
        } finally {
            aws.shardedStreams().forget(streamArn);
        }
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void aCheckpointOlderThanTheStreamRetentionIsReloadedServedThroughout(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        Map<String, Object> settings = new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, SLOW_SCAN));
        // A retention of 3.6 seconds, so that a short absence outlives it.
        settings.put("stream", Map.of("retentionHours", 0.001));
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
        }
        SampleItems.fill(aws.dynamoDb(), table, ITEMS, ITEMS + 50);
        Thread.sleep(4000);

        WorkerStatus status;
        try (Served served = Served.start(settings)) {
            served.running().await(s -> !s.rebootstraps().isEmpty(), Duration.ofSeconds(30));
            long answeredAtReload = served.queries().answered();
            status = served.running()
                    .await(s -> StreamSyncIT.synced(s) && s.store().documents() == ITEMS + 50, Duration.ofSeconds(60));
            served.queries().close();
            assertThat(served.queries().answered())
                    .as("queries answered during the reload")
                    .isGreaterThan(answeredAtReload);
            assertThat(served.queries().failures()).as("queries that failed").isEmpty();
            assertThat(served.queries().fewest())
                    .as("the fewest documents a query saw")
                    .isGreaterThanOrEqualTo(ITEMS);
        }

        assertThat(status.rebootstraps())
                .singleElement()
                .satisfies(r -> assertThat(r.reason())
                        .startsWith("CheckpointOlderThanRetention")
                        .contains("0.001 hours"));
        assertThat(status.load().itemsLoaded())
                .as("the whole table loaded again")
                .isEqualTo(ITEMS + 50);
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void aWorkerIdleLongerThanTheRetentionResumesAfterARestartWithoutLoadingAgain(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 100);
        Map<String, Object> settings =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        // A retention of 7.2 seconds: the worker below reads an idle stream for longer than that.
        settings.put("stream", Map.of("retentionHours", 0.002));
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            Thread.sleep(10_000);
        }
        SampleItems.fill(aws.dynamoDb(), table, 100, 120);

        WorkerStatus status;
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            status = running.await(s -> StreamSyncIT.synced(s) && s.store().documents() == 120, Duration.ofSeconds(60));
        }

        assertThat(status.rebootstraps())
                .as("nothing was missed, so nothing is loaded again")
                .isEmpty();
        assertThat(status.load().itemsRead())
                .as("items this run read from the table")
                .isZero();
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);
    }
}
