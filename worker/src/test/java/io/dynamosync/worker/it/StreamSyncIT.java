package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import io.dynamosync.testkit.stream.StreamTrimming;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.load.TableInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A worker, in process, follows its table's stream through a load, faults and stream changes. */
@ExtendWith(LocalAwsExtension.class)
class StreamSyncIT {

    private static final int ITEMS = 2000;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    /** A running worker and its clients, closed together. */
    record Running(Worker worker, AwsClients clients) implements AutoCloseable {
        static Running start(Map<String, Object> raw) {
            Settings settings = InitialLoadIT.settings(raw);
            AwsClients clients = new AwsClients(settings);
            Worker worker = new Worker(settings, clients).open();
            worker.start();
            return new Running(worker, clients);
        }

        WorkerStatus await(Predicate<WorkerStatus> condition, Duration timeout) {
            return Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(worker::status, condition);
        }

        @Override
        public void close() {
            worker.close();
            clients.close();
        }
    }

    static boolean synced(WorkerStatus status) {
        return status.stream() != null && status.stream().synced() && "Streaming".equals(status.phase());
    }

    /** The load is over and changes apply as they come; under steady writes the stream is rarely synced. */
    static boolean streaming(WorkerStatus status) {
        return status.stream() != null && status.stream().lagMillis() != null && "Streaming".equals(status.phase());
    }

    static void assertStoreEqualsTable(LocalAws aws, String table, Path data) throws Exception {
        var info = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, info.itemId()));
    }

    /** Waits until the worker has applied every record the stream holds, then stops it. */
    static WorkerStatus settle(Running running, LocalAws aws, String table) {
        long records = StreamRecords.count(aws.dynamoDb(), aws.streams(), table);
        WorkerStatus status =
                running.await(s -> synced(s) && s.stream().recordsApplied() >= records, Duration.ofSeconds(60));
        running.close();
        return status;
    }

    @Test
    void changesDuringAndAfterTheLoadEndWithTheStoreEqualToTheTable(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        Map<String, Object> settings = WorkerSettingsFor.settings(
                aws, table, data, Map.of("method", "Scan", "readCapacityUnits", 60, "scanSegments", 2));

        WorkerStatus status;
        try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, ITEMS + 200, 50);
                Running running = Running.start(settings)) {
            running.await(s -> "Scanning".equals(s.phase()), Duration.ofSeconds(30));
            running.await(s -> streaming(s) && workload.changes() > 100, Duration.ofSeconds(90));
            Thread.sleep(2000);
            workload.close();
            assertThat(workload.changes()).isGreaterThan(100);
            status = settle(running, aws, table);
        }

        assertThat(status.stream().recordsJournaled())
                .as("changes made during the load were journaled")
                .isPositive();
        assertThat(status.stream().recordsApplied())
                .isEqualTo(StreamRecords.count(aws.dynamoDb(), aws.streams(), table));
        assertThat(status.rebootstraps()).isEmpty();
        assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void aLoadLongerThanTheStreamRetentionLosesNothingThanksToTheJournal(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        // A fresh, empty stream: every record in it is a change made while the worker loads.
        aws.dynamoDb().updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
        aws.dynamoDb()
                .updateTable(b -> b.tableName(table)
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
        // Long enough for a reader polling five times a second on a busy machine; a worker that
        // read the stream only after its load would still find the load's changes trimmed.
        Duration retention = Duration.ofSeconds(5);
        Map<String, Object> settings = new LinkedHashMap<>(WorkerSettingsFor.settings(
                aws, table, data, Map.of("method", "Scan", "readCapacityUnits", 20, "scanSegments", 2)));
        settings.put("stream", Map.of("retentionHours", retention.toMillis() / 3_600_000.0));
        // Watched before the worker takes its first iterator, so the kit knows where each of its iterators stands.
        StreamTrimming.Trimmed trimmed = aws.streamTrimming().watch(table);
        // Every Scan page waits: the load lasts until records made during it have expired.
        FaultRule slowScan = aws.faults()
                .on("Scan")
                .forTable(table)
                .latency(Duration.ofSeconds(3))
                .always();

        WorkerStatus status;
        long trimmedDuringLoad;
        try (Running running = Running.start(settings)) {
            running.await(
                    s -> "Scanning".equals(s.phase())
                            && s.stream() != null
                            && s.stream().shardsOpen() > 0,
                    Duration.ofSeconds(30));
            trimmed.retention(retention);
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, ITEMS, 40)) {
                WorkerStatus trimming = running.await(s -> trimmed.trimmedRecords() >= 20, Duration.ofSeconds(30));
                assertThat(trimming.load().complete())
                        .as("the load still ran when changes made during it were trimmed")
                        .isFalse();
                trimmedDuringLoad = trimmed.trimmedRecords();
                slowScan.remove();
                running.await(StreamSyncIT::streaming, Duration.ofSeconds(90));
            }
            // Trimmed records are what the journal must have saved; DynamoDB Local still holds
            // them, so once trimming stops they can be counted against what the worker applied.
            aws.streamTrimming().forget(table);
            status = settle(running, aws, table);
        }

        assertThat(status.rebootstraps()).as("no re-load was needed").isEmpty();
        assertThat(status.stream().recordsJournaled())
                .as("records journaled during the load, the trimmed ones included")
                .isGreaterThanOrEqualTo(trimmedDuringLoad);
        assertThat(status.stream().recordsApplied())
                .as("every record the stream published, the trimmed ones included")
                .isEqualTo(StreamRecords.count(aws.dynamoDb(), aws.streams(), table));
        assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void expiredIteratorsAndThrottlingAreSurvivedWithoutApplyingAnythingTwice(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);
        FaultRule expired = aws.faults()
                .on("GetRecords")
                .forTable(table)
                .error(AwsError.EXPIRED_ITERATOR)
                .times(3);
        FaultRule throttled = aws.faults()
                .on("GetRecords")
                .forTable(table)
                .error(AwsError.LIMIT_EXCEEDED)
                .atRate(0.3);

        WorkerStatus status;
        try (Running running = Running.start(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, 300, 50)) {
                Thread.sleep(3000);
            }
            running.await(s -> expired.exhausted(), Duration.ofSeconds(30));
            throttled.remove();
            status = settle(running, aws, table);
        }

        assertThat(expired.hits()).isEqualTo(3);
        assertThat(throttled.hits()).isPositive();
        assertThat(status.stream().recordsApplied())
                .isEqualTo(StreamRecords.count(aws.dynamoDb(), aws.streams(), table));
        assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void trimmedRecordsTriggerAReloadWithTheReasonInTheStatus(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);

        WorkerStatus status;
        try (Running running = Running.start(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            aws.faults()
                    .on("GetRecords")
                    .forTable(table)
                    .error(AwsError.TRIMMED_DATA_ACCESS)
                    .times(1);
            SampleItems.fill(aws.dynamoDb(), table, 300, 400);
            status = running.await(s -> !s.rebootstraps().isEmpty() && synced(s), Duration.ofSeconds(60));
            assertThat(status.rebootstraps().get(0).reason()).startsWith("StreamTrimmed");
            status = settle(running, aws, table);
        }
        assertThat(status.store().documents()).isEqualTo(400);
        assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void aReplacedStreamTriggersAReload(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 200);

        try (Running running = Running.start(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            aws.dynamoDb().updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
            SampleItems.fill(aws.dynamoDb(), table, 200, 250);
            aws.dynamoDb()
                    .updateTable(b -> b.tableName(table)
                            .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
            SampleItems.fill(aws.dynamoDb(), table, 250, 300);
            WorkerStatus status = running.await(s -> !s.rebootstraps().isEmpty() && synced(s), Duration.ofSeconds(90));
            assertThat(status.rebootstraps().get(0).reason()).matches("Stream(Replaced|Disabled).*");
            settle(running, aws, table);
        }
        assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void aHigherLoadGenerationRebuildsTheStoreWithTheNewTransformation(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 100);
        Map<String, Object> first = WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan"));
        try (Running running = Running.start(first)) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
        }
        Map<String, Object> second = new LinkedHashMap<>(first);
        second.put("loadGeneration", 2);
        second.put("ingestTransformation", "SELECT _id, customer, upper(status) AS state FROM _input");

        WorkerStatus status;
        try (Running running = Running.start(second)) {
            status = running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
        }

        assertThat(status.rebootstraps())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("RebuildRequested"));
        assertThat(status.store().documents()).isEqualTo(100);
        Map<String, Map<String, Object>> stored = StoreContents.store(data.resolve("store.duckdb"), "orders");
        assertThat(stored.values()).allSatisfy(document -> assertThat(document).containsOnlyKeys("customer", "state"));
    }
}
