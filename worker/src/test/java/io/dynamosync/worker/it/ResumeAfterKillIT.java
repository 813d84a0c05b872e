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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with SIGKILL in the middle of a load, then started again, ends with exactly
 * the table's items, and the second run does not read again what the first committed: scan
 * pages, and export data files (the kill lands between files).
 */
@ExtendWith(LocalAwsExtension.class)
class ResumeAfterKillIT {

    private static final int ITEMS = 4000;
    /** Data files of an export: 40 items each, as the kit spreads items over them in turn. */
    private static final int EXPORT_FILES = 100;

    private static JsonNode awaitStatus(
            WorkerProcess worker, java.util.function.Predicate<JsonNode> condition, Duration timeout) {
        return awaitStatus(worker, condition, timeout, Duration.ofMillis(50));
    }

    private static JsonNode awaitStatus(
            WorkerProcess worker, java.util.function.Predicate<JsonNode> condition, Duration timeout, Duration poll) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(poll)
                .pollDelay(Duration.ZERO)
                .failFast(worker::requireAlive)
                .until(worker::status, s -> s != null && condition.test(s));
    }

    private static boolean loadComplete(JsonNode status) {
        return status.path("load").path("complete").asBoolean();
    }

    @Test
    void scanResumesFromItsCheckpointsAfterKill9(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        // Slow enough to be killed mid-way: about 40 RCU/s over some 500 RCU of items.
        Map<String, Object> settings = WorkerSettingsFor.settings(
                aws,
                table,
                data.resolve("store"),
                Map.of("method", "Scan", "readCapacityUnits", 40, "scanSegments", 4));
        long killAt = ThreadLocalRandom.current().nextLong(ITEMS * 3 / 10, ITEMS * 7 / 10);

        WorkerProcess first = WorkerProcess.start(settings, data, "first");
        JsonNode beforeKill =
                awaitStatus(first, s -> s.path("load").path("itemsLoaded").asLong() >= killAt, Duration.ofSeconds(90));
        first.kill();
        assertThat(loadComplete(beforeKill)).isFalse();

        try (WorkerProcess second = WorkerProcess.start(settings, data, "second")) {
            JsonNode done = awaitStatus(second, ResumeAfterKillIT::loadComplete, Duration.ofSeconds(120));
            assertThat(done.path("load").path("itemsLoaded").asLong()).isEqualTo(ITEMS);
            assertThat(done.path("load").path("itemsRead").asLong())
                    .as("items the resumed run read")
                    .isLessThan(ITEMS * 8 / 10);
            assertThat(done.path("store").path("documents").asLong()).isEqualTo(ITEMS);
        }
        var info = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store/store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, info.itemId()));
    }

    @Test
    void exportResumesTheSameExportAfterKill9WithoutReadingCommittedFilesAgain(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        String bucket = LocalAws.uniqueName("exports").toLowerCase();
        aws.s3().createBucket(b -> b.bucket(bucket));
        // Many small files, each committed on its own: ingesting them all takes far longer than
        // a status poll and a kill, so the kill lands after some file is committed and before the last.
        aws.exports().dataFiles(EXPORT_FILES);
        try {
            Map<String, Object> settings = WorkerSettingsFor.withBucket(
                    WorkerSettingsFor.settings(
                            aws,
                            table,
                            data.resolve("store"),
                            Map.of("method", "Export", "enablePointInTimeRecovery", true)),
                    bucket);
            WorkerProcess first = WorkerProcess.start(settings, data, "first");
            JsonNode beforeKill = awaitStatus(
                    first,
                    s -> s.path("load").path("filesDone").asInt() >= 1,
                    Duration.ofSeconds(120),
                    Duration.ofMillis(5));
            first.kill();
            int filesDone = beforeKill.path("load").path("filesDone").asInt();
            assertThat(beforeKill.path("load").path("filesTotal").asInt()).isEqualTo(EXPORT_FILES);
            assertThat(filesDone)
                    .as("files committed when the worker was killed")
                    .isLessThan(EXPORT_FILES);

            try (WorkerProcess second = WorkerProcess.start(settings, data, "second")) {
                JsonNode done = awaitStatus(second, ResumeAfterKillIT::loadComplete, Duration.ofSeconds(120));
                assertThat(done.path("load").path("itemsLoaded").asLong()).isEqualTo(ITEMS);
                assertThat(done.path("store").path("documents").asLong()).isEqualTo(ITEMS);
                long itemsRead = done.path("load").path("itemsRead").asLong();
                assertThat(itemsRead)
                        .as("items the resumed run read: the files not committed before the kill")
                        .isPositive()
                        .isLessThanOrEqualTo(ITEMS - (long) filesDone * (ITEMS / EXPORT_FILES));
            }
            String tableArn = aws.dynamoDb()
                    .describeTable(b -> b.tableName(table))
                    .table()
                    .tableArn();
            assertThat(aws.dynamoDb().listExports(b -> b.tableArn(tableArn)).exportSummaries())
                    .as("the restarted worker followed the export the first one started")
                    .hasSize(1);
            var info = TableInfo.describe(aws.dynamoDb(), table);
            StoreContents.assertSame(
                    StoreContents.store(data.resolve("store/store.duckdb"), "orders"),
                    StoreContents.table(aws.dynamoDb(), table, info.itemId()));
        } finally {
            aws.exports().dataFiles(3);
        }
    }
}
