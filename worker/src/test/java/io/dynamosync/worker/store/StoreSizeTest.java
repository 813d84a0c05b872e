package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The store stays its size under steady updates and deletes: freed space is reused, the log is checkpointed. */
class StoreSizeTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final int DOCUMENTS = 1500;

    @TempDir
    Path directory;

    private static Map<String, AttributeValue> item(int i, int version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", AttributeValue.fromN(Integer.toString(i)));
        item.put(
                "status", AttributeValue.fromS(List.of("new", "paid", "shipped").get(version % 3)));
        item.put("amount", AttributeValue.fromN((i % 1000) + "." + (version % 100)));
        item.put("version", AttributeValue.fromN(Integer.toString(version)));
        item.put("note", AttributeValue.fromS("n".repeat(200 + version % 50)));
        item.put("tags", AttributeValue.fromSs(List.of("t" + version % 7, "u" + i % 5)));
        item.put(
                "address",
                AttributeValue.fromM(Map.of(
                        "city",
                        AttributeValue.fromS("City " + i % 31),
                        "zip",
                        AttributeValue.fromN(Integer.toString(10_000 + version)))));
        return item;
    }

    private static double bytesPerDocument(Store store) {
        return (double) store.bytes() / store.documents();
    }

    @Test
    void bytesPerDocumentStayNearAFreshStoresUnderChurn() {
        double fresh;
        try (Store store = Store.open(directory.resolve("fresh"), "orders", Transformation.IDENTITY)) {
            Batch load = new Batch();
            for (int i = 0; i < DOCUMENTS; i++) {
                load.upsert("d" + i, item(i, 0), NOW, "id=" + i);
            }
            store.commit(load);
            // At rest, the writer checkpoints on its own.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> store.space().walBytes() == 0);
            fresh = bytesPerDocument(store);
        }

        try (Store store = Store.open(directory.resolve("churned"), "orders", Transformation.IDENTITY)) {
            Batch load = new Batch();
            for (int i = 0; i < DOCUMENTS; i++) {
                load.upsert("d" + i, item(i, 0), NOW, "id=" + i);
            }
            store.commit(load);
            // Two minutes of 300 puts, updates and deletes a second, in the stream's commits of about 60.
            Random random = new Random(7);
            double largest = 0;
            for (int commit = 0; commit < 600; commit++) {
                Batch batch = new Batch();
                for (int change = 0; change < 60; change++) {
                    int i = random.nextInt(DOCUMENTS);
                    if (random.nextInt(10) == 0) {
                        batch.delete("d" + i, NOW, "id=" + i);
                    } else {
                        batch.upsert("d" + i, item(i, commit * 60 + change), NOW, "id=" + i);
                    }
                }
                store.commit(batch);
                largest = Math.max(largest, bytesPerDocument(store));
            }
            // At rest, the writer checkpoints on its own.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> store.space().walBytes() == 0);
            StoreSpace space = store.space();
            double churned = bytesPerDocument(store);
            System.out.printf(
                    "fresh %.0f B/doc; churned %.0f B/doc at rest, %.0f at most; file %d, free %d (%.0f%%)%n",
                    fresh, churned, largest, space.fileBytes(), space.freeBytes(), space.reclaimableShare() * 100);
            assertThat(churned)
                    .as("bytes a document at rest after churn, against %.0f fresh", fresh)
                    .isLessThan(4 * fresh);
            assertThat(largest)
                    .as("bytes a document during churn, against %.0f fresh", fresh)
                    .isLessThan(8 * fresh);
        }
    }
}
