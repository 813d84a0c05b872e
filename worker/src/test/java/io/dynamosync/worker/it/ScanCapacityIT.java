package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.load.InitialLoad;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan stays under its read capacity cap over every 5-second window, measured from the
 * ConsumedCapacity DynamoDB reports, also while a fifth of its calls are throttled. What was
 * consumed is counted by the kit's front, which relays every Scan answer, not by the worker, so
 * a worker that under-counts what it consumes cannot hide going over its cap.
 */
@ExtendWith(LocalAwsExtension.class)
class ScanCapacityIT {

    private static final int ITEMS = 1500;
    /** The table's provisioned read capacity; the collection takes 10% of it. */
    private static final long PROVISIONED = 200;

    private static final double CAP = PROVISIONED * 0.10;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static LoadProgress scan(LocalAws aws, String table, Path data) throws Exception {
        Settings settings = InitialLoadIT.settings(WorkerSettingsFor.settings(
                aws, table, data, Map.of("method", "Scan", "readCapacityPercent", 10, "scanSegments", 4)));
        LoadProgress progress = new LoadProgress();
        try (AwsClients clients = new AwsClients(settings);
                Store store = Store.open(data, "orders", Transformation.IDENTITY)) {
            new InitialLoad(settings, clients.dynamoDb(), clients.s3(), store, progress)
                    .run(TableInfo.describe(clients.dynamoDb(), table));
        }
        return progress;
    }

    /** Checks the rate the kit saw, and that the worker's own count (which its status shows) agrees with it. */
    private static void assertUnderCapEveryFiveSeconds(
            LocalAws aws, String table, LoadProgress progress, double leastShareUsed) {
        Map<Long, Double> bySecond = aws.faults().consumedCapacityBySecond("Scan", table);
        double total = aws.faults().consumedCapacity("Scan", table);
        assertThat(total)
                .as("RCU the Scan answers reported, counted by the kit")
                .isPositive();
        long first = bySecond.keySet().stream().min(Long::compare).orElseThrow();
        long last = bySecond.keySet().stream().max(Long::compare).orElseThrow();
        List<String> over = new ArrayList<>();
        for (long start = first; start + 4 <= last; start++) {
            double window = 0;
            for (long s = start; s < start + 5; s++) {
                window += bySecond.getOrDefault(s, 0.0);
            }
            if (window > CAP * 5) {
                over.add("window from " + start + " consumed " + window);
            }
        }
        assertThat(last - first)
                .as("the scan ran long enough to measure windows")
                .isGreaterThanOrEqualTo(6);
        assertThat(over).as("5-second windows over " + CAP * 5 + " RCU").isEmpty();
        // After the rate: an under-counting worker fails on the rate where it could run over the cap, here otherwise.
        assertThat(progress.consumedReadCapacity()).as("RCU the worker counted").isCloseTo(total, within(0.001));
        double average = total / (last - first + 1);
        // A limiter that merely crawled would pass the cap test too; it must use some of what it has.
        assertThat(average).as("average RCU per second").isGreaterThan(CAP * leastShareUsed);
    }

    @Test
    void scanStaysUnderItsCapOverEveryFiveSecondWindow(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), PROVISIONED, ITEMS);

        LoadProgress progress = scan(aws, table, data);

        assertThat(progress.itemsLoaded()).isEqualTo(ITEMS);
        assertThat(progress.snapshot().readCapacityLimit()).isEqualTo(CAP);
        assertUnderCapEveryFiveSeconds(aws, table, progress, 0.2);
    }

    @Test
    void scanStaysUnderItsCapWhileAFifthOfCallsAreThrottled(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), PROVISIONED, ITEMS);
        FaultRule throttle = aws.faults()
                .on("Scan")
                .forTable(table)
                .error(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED)
                .atRate(0.2);

        LoadProgress progress = scan(aws, table, data);

        assertThat(progress.itemsLoaded()).isEqualTo(ITEMS);
        assertThat(throttle.hits()).as("throttled calls").isPositive();
        assertThat(aws.faults().calls("Scan", table))
                .as("calls the proxy saw, retries included")
                .isGreaterThan(throttle.hits());
        // Throttled calls back off as the SDK's retry strategy says, so no floor on the rate here.
        assertUnderCapEveryFiveSeconds(aws, table, progress, 0);
        var info = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, info.itemId()));
    }
}
