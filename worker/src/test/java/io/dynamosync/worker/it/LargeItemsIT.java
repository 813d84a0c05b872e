package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.load.TableInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * What waits to be written is bounded in bytes, not in items: a table of items near DynamoDB's 400 KB limit loads
 * under the same small heap as a table of 1 KB items, by scan (eight segments of 1 MB pages) and by export, and
 * the store holds every item whole. The worker runs in its own JVM and exits if its heap runs out.
 */
@ExtendWith(LocalAwsExtension.class)
class LargeItemsIT {

    /** The heap both tables load under: a fraction of the 512 MB the other tests give the worker. */
    private static final String HEAP = "-Xmx128m";
    /** Items of about 390 KB: some 78 MB of them, many times what may wait to be written (8 MB), and more than half the heap. */
    private static final int LARGE_ITEMS = 200;

    private static final int SMALL_ITEMS = 10_000;

    private static JsonNode awaitLoaded(WorkerProcess worker) {
        try {
            return Awaitility.await()
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the worker exited", () -> !worker.isAlive())
                    .until(
                            worker::status,
                            s -> s != null && s.path("load").path("complete").asBoolean());
        } catch (org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("the worker exited (out of heap?); its log:\n" + worker.log(), e);
        }
    }

    /** Fills a new table with items of about 390 KB each: the sample item and a long text attribute. */
    private static String largeItemsTable(LocalAws aws) {
        // Filled before its stream is on, as SampleItems.createFilledTable does.
        String table = SampleItems.createTable(aws.dynamoDb(), null, false);
        StringBuilder text = new StringBuilder(390_000);
        for (int i = 0; i < LARGE_ITEMS; i++) {
            text.setLength(0);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (text.length() < 390_000) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            Map<String, AttributeValue> item = new HashMap<>(SampleItems.item(i));
            item.put("body", AttributeValue.fromS(text.toString()));
            aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
        }
        aws.dynamoDb()
                .updateTable(b -> b.tableName(table)
                        .streamSpecification(StreamSpecification.builder()
                                .streamEnabled(true)
                                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                                .build()));
        return table;
    }

    private static void assertLoadsUnderTheSmallHeap(
            LocalAws aws, String table, Map<String, Object> load, Path data, String name) throws Exception {
        Map<String, Object> settings = WorkerSettingsFor.settings(aws, table, data.resolve(name), load);
        if ("Export".equals(load.get("method"))) {
            String bucket = LocalAws.uniqueName("exports").toLowerCase();
            aws.s3().createBucket(b -> b.bucket(bucket));
            settings = WorkerSettingsFor.withBucket(settings, bucket);
        }
        long items = aws.dynamoDb().scanPaginator(b -> b.tableName(table).select("COUNT")).stream()
                .mapToLong(page -> page.count())
                .sum();
        try (WorkerProcess worker = WorkerProcess.start(settings, data, name, HEAP)) {
            JsonNode done = awaitLoaded(worker);
            assertThat(done.path("store").path("documents").asLong()).isEqualTo(items);
        }
        var info = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve(name).resolve("store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, info.itemId()));
    }

    @Test
    void itemsOf400KbLoadByScanUnderTheHeapThat1KbItemsLoadUnder(LocalAws aws, @TempDir Path data) throws Exception {
        // A cap makes the worker ask for a few large items a page (DynamoDB Local reads as many rows as a page's
        // Limit, whatever 1 MB holds, and a scan of large items without a small Limit is slow here).
        Map<String, Object> scan = Map.of("method", "Scan", "scanSegments", 8, "readCapacityUnits", 2000);
        assertLoadsUnderTheSmallHeap(
                aws, SampleItems.createFilledTable(aws.dynamoDb(), null, SMALL_ITEMS), scan, data, "small");
        assertLoadsUnderTheSmallHeap(aws, largeItemsTable(aws), scan, data, "large");
    }

    @Test
    void itemsOf400KbLoadByExportUnderTheSameHeap(LocalAws aws, @TempDir Path data) throws Exception {
        aws.exports().dataFiles(4);
        try {
            assertLoadsUnderTheSmallHeap(
                    aws,
                    largeItemsTable(aws),
                    Map.of("method", "Export", "enablePointInTimeRecovery", true),
                    data,
                    "large-export");
        } finally {
            aws.exports().dataFiles(3);
        }
    }
}
