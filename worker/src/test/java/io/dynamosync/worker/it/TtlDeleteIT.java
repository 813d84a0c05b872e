package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.load.TableInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Items deleted by DynamoDB's time to live (REMOVE records AWS signs as the DynamoDB service,
 * which the kit marks since DynamoDB Local never makes them) leave the collection by default, and
 * stay in it with {@code ignoreTtlDeletes}, while deletes by anyone else still remove theirs.
 */
@ExtendWith(LocalAwsExtension.class)
class TtlDeleteIT {

    private static final int ITEMS = 50;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static Map<String, AttributeValue> key(int i) {
        Map<String, AttributeValue> item = SampleItems.item(i);
        return Map.of("customer", item.get("customer"), "order", item.get("order"));
    }

    private static Map<String, Object> settings(LocalAws aws, String table, Path data, boolean ignoreTtlDeletes) {
        Map<String, Object> settings =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        settings.put("ignoreTtlDeletes", ignoreTtlDeletes);
        return settings;
    }

    @Test
    void aTtlDeleteRemovesTheDocumentByDefault(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        ItemId itemId = TableInfo.describe(aws.dynamoDb(), table).itemId();

        WorkerStatus status;
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings(aws, table, data, false))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            aws.ttlDeletes().markKey(table, key(7));
            aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key(7)));
            status = StreamSyncIT.settle(running, aws, table);
        }

        assertThat(StreamRecords.all(aws.dynamoDb(), aws.streams(), table))
                .filteredOn(r -> r.eventNameAsString().equals("REMOVE"))
                .singleElement()
                .satisfies(r -> assertThat(
                                r.userIdentity().type() + " " + r.userIdentity().principalId())
                        .as("the delete reads as time to live's")
                        .isEqualTo("Service dynamodb.amazonaws.com"));
        assertThat(status.rebootstraps()).isEmpty();
        Map<String, Map<String, Object>> stored = StoreContents.store(data.resolve("store.duckdb"), "orders");
        assertThat(stored).hasSize(ITEMS - 1).doesNotContainKey(itemId.of(key(7)));
        StreamSyncIT.assertStoreEqualsTable(aws, table, data);
    }

    @Test
    void withIgnoreTtlDeletesATtlDeletedItemStaysWhileAnOrdinaryDeleteStillRemovesItsItem(
            LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        ItemId itemId = TableInfo.describe(aws.dynamoDb(), table).itemId();
        Map<String, Map<String, Object>> before = StoreContents.table(aws.dynamoDb(), table, itemId);

        WorkerStatus status;
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings(aws, table, data, true))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            // The stream holds item 7's REMOVE before item 8's, so the next one relayed is 7's.
            aws.ttlDeletes().markNext(table, 1);
            aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key(7)));
            aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key(8)));
            status = StreamSyncIT.settle(running, aws, table);
        }

        assertThat(StreamRecords.all(aws.dynamoDb(), aws.streams(), table))
                .filteredOn(r -> r.eventNameAsString().equals("REMOVE"))
                .extracting(r ->
                        r.userIdentity() == null ? "ordinary" : r.userIdentity().type())
                .as("item 7's delete reads as time to live's, item 8's as anyone's")
                .containsExactly("Service", "ordinary");
        assertThat(status.stream().recordsApplied())
                .as("both deletes were read")
                .isEqualTo(StreamRecords.count(aws.dynamoDb(), aws.streams(), table));
        Map<String, Map<String, Object>> expected = new HashMap<>(StoreContents.table(aws.dynamoDb(), table, itemId));
        assertThat(expected).doesNotContainKeys(itemId.of(key(7)), itemId.of(key(8)));
        expected.put(itemId.of(key(7)), before.get(itemId.of(key(7))));
        StoreContents.assertSame(StoreContents.store(data.resolve("store.duckdb"), "orders"), expected);
    }

    @Test
    void aTtlDeleteJournaledDuringTheLoadIsStillIgnoredWhenTheJournalIsReplayed(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);
        ItemId itemId = TableInfo.describe(aws.dynamoDb(), table).itemId();
        Map<String, Object> settings = new LinkedHashMap<>(
                WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan", "readCapacityUnits", 5)));
        settings.put("ignoreTtlDeletes", true);
        Map<String, AttributeValue> renewed = new HashMap<>(SampleItems.item(7));
        renewed.put("status", AttributeValue.fromS("renewed"));

        WorkerStatus status;
        Map<String, Map<String, Object>> beforeExpiry;
        Instant expired;
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            running.await(
                    s -> "Scanning".equals(s.phase())
                            && s.load() != null
                            && s.load().itemsLoaded() > 0,
                    Duration.ofSeconds(30));
            // Whether or not the scan has passed item 7, the journal holds its change and then its expiry.
            aws.dynamoDb().putItem(b -> b.tableName(table).item(renewed));
            beforeExpiry = StoreContents.table(aws.dynamoDb(), table, itemId);
            aws.ttlDeletes().markKey(table, key(7));
            aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key(7)));
            expired = Instant.now();
            status = StreamSyncIT.settle(running, aws, table);
        }

        assertThat(status.load().completedAt())
                .as("the change and the expiry came during the load, so were journaled")
                .isAfter(expired);
        Map<String, Map<String, Object>> expected = new HashMap<>(StoreContents.table(aws.dynamoDb(), table, itemId));
        expected.put(itemId.of(key(7)), beforeExpiry.get(itemId.of(key(7))));
        assertThat(expected.get(itemId.of(key(7)))).containsEntry("status", "renewed");
        StoreContents.assertSame(StoreContents.store(data.resolve("store.duckdb"), "orders"), expected);
    }
}
