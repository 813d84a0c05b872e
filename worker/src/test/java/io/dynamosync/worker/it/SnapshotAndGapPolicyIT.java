package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two modes a collection may ask for beyond following its stream: a snapshot (load once, no stream, which a
 * table without a stream allows) and a stream gap that stops following ({@code onGap: Fail}) rather than loading
 * the table again, keeping the replica as it was.
 */
@ExtendWith(LocalAwsExtension.class)
class SnapshotAndGapPolicyIT {

    private static final int ITEMS = 200;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    @Test
    void aSnapshotOfATableWithoutAStreamIsLoadedOnceAndKept(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null, false);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        Map<String, Object> settings =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        settings.put("stream", Map.of("follow", false));

        WorkerStatus loaded;
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            loaded = running.await(s -> Worker.LOADED.equals(s.phase()), Duration.ofSeconds(60));
            assertThat(running.worker().ready()).as("ready to answer queries").isTrue();
        }
        assertThat(loaded.error()).isNull();
        assertThat(loaded.stream()).as("no stream is read").isNull();
        assertThat(loaded.store().documents()).isEqualTo(ITEMS);
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);

        // Later changes are not applied, and a restart does not read the table again.
        SampleItems.fill(aws.dynamoDb(), table, ITEMS, ITEMS + 20);
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            WorkerStatus again = running.await(s -> Worker.LOADED.equals(s.phase()), Duration.ofSeconds(60));
            assertThat(again.store().documents()).isEqualTo(ITEMS);
            assertThat(again.load().itemsRead())
                    .as("items read from the table by the restarted worker")
                    .isZero();
        }
    }

    @Test
    void aGapWithTheFailPolicyStopsFollowingAndKeepsTheReplica(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        Map<String, Object> settings =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        // A retention of 3.6 seconds, so that a short absence outlives it.
        settings.put("stream", Map.of("retentionHours", 0.001, "onGap", "Fail"));
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
        }
        SampleItems.fill(aws.dynamoDb(), table, ITEMS, ITEMS + 30);
        Thread.sleep(4000);

        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            WorkerStatus stopped = running.await(s -> s.error() != null, Duration.ofSeconds(60));
            assertThat(stopped.phase()).isEqualTo("Error");
            assertThat(stopped.error().reason()).isEqualTo(Worker.STREAM_GAP);
            assertThat(stopped.error().message())
                    .startsWith("CheckpointOlderThanRetention")
                    .contains("onStreamGap to Reload");
            assertThat(stopped.rebootstraps()).as("nothing loaded again").isEmpty();
            assertThat(running.worker().ready())
                    .as("the replica still answers queries")
                    .isTrue();
            // It stays stopped: no reload starts behind the status's back.
            Thread.sleep(3000);
            WorkerStatus later = running.worker().status();
            assertThat(later.error().reason()).isEqualTo(Worker.STREAM_GAP);
            assertThat(later.rebootstraps()).isEmpty();
            assertThat(later.store().documents()).as("the replica as it was").isEqualTo(ITEMS);
        }

        // Reload, the default, fills the gap by loading again.
        settings.put("stream", Map.of("retentionHours", 0.001));
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            WorkerStatus reloaded = running.await(
                    s -> StreamSyncIT.synced(s) && s.store().documents() == ITEMS + 30, Duration.ofSeconds(60));
            assertThat(reloaded.rebootstraps())
                    .singleElement()
                    .satisfies(r -> assertThat(r.reason()).startsWith("CheckpointOlderThanRetention"));
        }
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);
    }
}
