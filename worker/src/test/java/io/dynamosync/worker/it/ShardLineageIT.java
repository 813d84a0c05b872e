package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.stream.ShardedStreams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard lineages, which DynamoDB Local never makes, served by the test kit: a parent is applied
 * before its children whatever order DescribeStream lists them in, and a shard whose parent is
 * no longer listed is read as a root.
 */
@ExtendWith(LocalAwsExtension.class)
class ShardLineageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static ObjectNode key(String customer) {
        ObjectNode key = JSON.createObjectNode();
        key.putObject("customer").put("S", customer);
        key.putObject("order").put("N", "1");
        return key;
    }

    private static ObjectNode image(String customer, String version) {
        ObjectNode image = key(customer);
        image.putObject("version").put("S", version);
        return image;
    }

    @Test
    void parentsAreAppliedBeforeChildrenAndOrphansAreRoots(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        String streamArn =
                aws.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        // Listed children first, one shard a page, so discovery must page and wait for the parent.
        ShardedStreams.EmulatedStream stream = aws.shardedStreams().emulate(streamArn, 1);
        ShardedStreams.EmulatedShard left = stream.shard("shardId-child-left", "shardId-parent");
        ShardedStreams.EmulatedShard right = stream.shard("shardId-child-right", "shardId-parent");
        ShardedStreams.EmulatedShard parent = stream.shard("shardId-parent", null);
        ShardedStreams.EmulatedShard orphan = stream.shard("shardId-orphan", "shardId-trimmed-long-ago");
        parent.record("INSERT", key("k1"), image("k1", "from parent"))
                .record("INSERT", key("k2"), image("k2", "from parent"))
                .close();
        left.record("MODIFY", key("k1"), image("k1", "from child"));
        right.record("REMOVE", key("k2"), null).close();
        orphan.record("INSERT", key("k3"), image("k3", "from orphan"));

        WorkerStatus status;
        try (StreamSyncIT.Running running =
                StreamSyncIT.Running.start(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            status = running.await(
                    s -> StreamSyncIT.synced(s) && s.stream().recordsApplied() == 5, Duration.ofSeconds(60));
        } finally {
            aws.shardedStreams().forget(streamArn);
        }

        assertThat(status.stream().shardsClosed()).isEqualTo(2);
        Map<String, Map<String, Object>> stored = StoreContents.store(data.resolve("store.duckdb"), "orders");
        assertThat(stored).containsOnlyKeys("k1|1", "k3|1");
        assertThat(stored.get("k1|1")).containsEntry("version", "from child");
        assertThat(stored.get("k3|1")).containsEntry("version", "from orphan");
    }
}
