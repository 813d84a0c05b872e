package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that fails while the table loads stops the load at once, with the reason in
 * {@code /status}, rather than once the load has spent its hours of read capacity.
 */
@ExtendWith(LocalAwsExtension.class)
class StreamFailureDuringLoadIT {

    /** At 2 RCU a second the load of these items takes minutes; the failure must be seen in seconds. */
    private static final int ITEMS = 2000;

    private static final Map<String, Object> SLOW_SCAN =
            Map.of("method", "Scan", "readCapacityUnits", 2, "scanSegments", 2);

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static boolean scanning(WorkerStatus s) {
        return "Scanning".equals(s.phase()) && s.load() != null && s.load().itemsLoaded() > 0;
    }

    @Test
    void trimmedRecordsDuringALoadStartTheLoadOverWithinSeconds(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);

        try (StreamSyncIT.Running running =
                StreamSyncIT.Running.start(WorkerSettingsFor.settings(aws, table, data, SLOW_SCAN))) {
            WorkerStatus before = running.await(StreamFailureDuringLoadIT::scanning, Duration.ofSeconds(60));
            Instant firstLoad = before.load().startedAt();
            Instant trimmed = Instant.now();
            aws.faults()
                    .on("GetRecords")
                    .forTable(table)
                    .error(AwsError.TRIMMED_DATA_ACCESS)
                    .times(1);

            WorkerStatus after = running.await(s -> !s.rebootstraps().isEmpty(), Duration.ofSeconds(20));

            assertThat(after.rebootstraps().get(0).reason()).startsWith("StreamTrimmed");
            assertThat(after.rebootstraps().get(0).at()).isAfter(trimmed);
            WorkerStatus again =
                    running.await(s -> scanning(s) && s.load().startedAt().isAfter(firstLoad), Duration.ofSeconds(30));
            assertThat(again.load().complete())
                    .as("the first load was stopped, not finished")
                    .isFalse();
            assertThat(again.load().itemsLoaded()).isLessThan(ITEMS);
        }
    }

    @Test
    void aStreamTurnedOffDuringALoadStopsTheLoadWithTheReasonInTheStatus(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);

        try (StreamSyncIT.Running running =
                StreamSyncIT.Running.start(WorkerSettingsFor.settings(aws, table, data, SLOW_SCAN))) {
            running.await(StreamFailureDuringLoadIT::scanning, Duration.ofSeconds(60));
            aws.dynamoDb().updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));

            WorkerStatus after = running.await(s -> s.error() != null, Duration.ofSeconds(30));

            assertThat(after.rebootstraps())
                    .singleElement()
                    .satisfies(r -> assertThat(r.reason()).startsWith("StreamDisabled"));
            assertThat(after.phase()).isEqualTo("Error");
            assertThat(after.error().reason()).isEqualTo("StreamDisabled");
            assertThat(after.error().message()).contains("update-table");
        }
    }
}
