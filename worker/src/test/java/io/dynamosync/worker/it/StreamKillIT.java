package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.load.TableInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with SIGKILL five times while it streams, and started again each time, resumes
 * each time from its checkpoints (it reads no item again, keeps the load it made, records no
 * re-bootstrap) and ends with the store equal to the table, every stream record applied exactly once.
 */
@ExtendWith(LocalAwsExtension.class)
class StreamKillIT {

    private static JsonNode await(WorkerProcess worker, Predicate<JsonNode> condition, Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .failFast(worker::requireAlive)
                .until(worker::status, s -> s != null && condition.test(s));
    }

    private static boolean streaming(JsonNode status) {
        return "Streaming".equals(status.path("phase").asText());
    }

    /**
     * A restart that resumed: it read no item (a reload would read the whole table again), its
     * load is the first run's (a reload starts a load of its own), and the store, which keeps
     * every re-bootstrap, records none.
     */
    private static void assertResumedWithoutReloading(JsonNode status, String loadStartedAt, String run) {
        assertThat(status.path("load").path("complete").asBoolean())
                .as(run + ": load complete")
                .isTrue();
        assertThat(status.path("load").path("itemsRead").asLong(0))
                .as(run + ": items read by this run")
                .isZero();
        assertThat(status.path("load").path("startedAt").asText())
                .as(run + ": the load's start")
                .isEqualTo(loadStartedAt);
        assertThat(status.path("rebootstraps").isArray())
                .as(run + ": re-bootstraps are reported")
                .isTrue();
        assertThat(status.path("rebootstraps")).as(run + ": re-bootstraps").isEmpty();
    }

    @Test
    void fiveKillsDuringStreamingLoseNothingAndApplyNothingTwice(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 500);
        Map<String, Object> settings =
                WorkerSettingsFor.settings(aws, table, data.resolve("store"), Map.of("method", "Scan"));

        WorkerProcess worker = WorkerProcess.start(settings, data, "run-0");
        JsonNode loaded =
                await(worker, StreamKillIT::streaming, Duration.ofSeconds(60)).path("load");
        assertThat(loaded.path("itemsRead").asLong())
                .as("items the first run read")
                .isEqualTo(500);
        String loadStartedAt = loaded.path("startedAt").asText();
        assertThat(loadStartedAt).isNotEmpty();
        try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, 600, 40)) {
            for (int kill = 1; kill <= 5; kill++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(500, 2500));
                worker.kill();
                worker = WorkerProcess.start(settings, data, "run-" + kill);
                JsonNode resumed = await(worker, StreamKillIT::streaming, Duration.ofSeconds(60));
                assertResumedWithoutReloading(resumed, loadStartedAt, "run " + kill);
            }
        }
        long records = StreamRecords.count(aws.dynamoDb(), aws.streams(), table);
        JsonNode status = await(
                worker,
                s -> s.path("stream").path("synced").asBoolean()
                        && s.path("stream").path("recordsApplied").asLong() >= records,
                Duration.ofSeconds(60));
        worker.close();

        assertThat(status.path("stream").path("recordsApplied").asLong())
                .as("stream records applied, counted in the same transactions as the changes")
                .isEqualTo(records);
        assertResumedWithoutReloading(status, loadStartedAt, "the last run, at the end");
        var info = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store/store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, info.itemId()));
    }
}
