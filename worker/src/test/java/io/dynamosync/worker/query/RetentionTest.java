package io.dynamosync.worker.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Retention;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.StoreSpace;
import io.dynamosync.worker.store.Transformation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * With a retention, documents older than it by their {@code _event_time} are gone from query answers as soon as they
 * are past it, whichever way the query names the collection, and from the store soon after, which shrinks.
 */
class RetentionTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path directory;

    private static Map<String, AttributeValue> item(int i, String created) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", AttributeValue.fromN(Integer.toString(i)));
        item.put("note", AttributeValue.fromS("n".repeat(300)));
        if (created != null) {
            item.put("created", AttributeValue.fromS(created));
        }
        return item;
    }

    /** A load of {@code old} documents two hours old and {@code fresh} of now, committed as complete. */
    private static Batch load(int old, int fresh, Instant now) {
        Batch batch = new Batch();
        for (int i = 0; i < old + fresh; i++) {
            batch.upsert("d" + i, item(i, null), i < old ? now.minus(Duration.ofHours(2)) : now, "id=" + i);
        }
        return batch.checkpoint(
                Store.LOAD_CHECKPOINT, JsonNodeFactory.instance.objectNode().put("complete", true));
    }

    /** About a hundred characters compression cannot shrink, so the documents' own bytes dominate the store. */
    private static String incompressible(int i) {
        StringBuilder text = new StringBuilder();
        for (int part = 0; part < 3; part++) {
            text.append(UUID.nameUUIDFromBytes((i + "/" + part).getBytes(StandardCharsets.UTF_8)));
        }
        return text.toString();
    }

    private static QueryRunner runner(Store store) {
        return new QueryRunner(
                store, Duration.ofSeconds(10), 10_000, QueryAdmission.forProcessors(2), (outcome, elapsed) -> {});
    }

    private static long count(QueryRunner runner, String sql) {
        List<ObjectNode> rows = runner.run(new QueryRequest(new QueryRequest.Sql(sql, List.of(), null)), "q")
                .results();
        return rows.get(0).get("n").asLong();
    }

    /** Bytes of the store file in use (the file less its free blocks), once the writer has checkpointed at rest. */
    private static long usedBytes(Store store) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> store.space().walBytes() == 0);
        StoreSpace space = store.space();
        return space.fileBytes() - space.freeBytes();
    }

    @Test
    void settingARetentionHidesOlderDocumentsAtOnceAndTheStoreShrinksSoonAfter() {
        // More than two of DuckDB's row groups (122,880 rows each) expire: the space a checkpoint frees is whole
        // groups.
        int old = 250_000;
        int fresh = 10_000;
        Instant now = Instant.now();
        long before;
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY)) {
            for (int first = 0; first < old + fresh; first += 50_000) {
                Batch batch = new Batch();
                for (int i = first; i < Math.min(first + 50_000, old + fresh); i++) {
                    batch.upsert(
                            "d" + i,
                            Map.of(
                                    "id",
                                    AttributeValue.fromN(Integer.toString(i)),
                                    "note",
                                    AttributeValue.fromS(incompressible(i))),
                            i < old ? now.minus(Duration.ofHours(2)) : now,
                            "id=" + i);
                }
                if (first + 50_000 >= old + fresh) {
                    batch.checkpoint(
                            Store.LOAD_CHECKPOINT,
                            JsonNodeFactory.instance.objectNode().put("complete", true));
                }
                store.commit(batch);
            }
            before = usedBytes(store);
            assertThat(store.documents()).isEqualTo(old + fresh);
        }

        // The collection is given a retention of one hour: the worker restarts with it.
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY, new Retention("1h", HOUR));
                QueryRunner runner = runner(store)) {
            assertThat(count(runner, "SELECT count(*) AS n FROM orders")).isEqualTo(fresh);
            assertThat(count(runner, "SELECT count(*) AS n FROM main.orders WHERE note IS NOT NULL"))
                    .isEqualTo(fresh);
            assertThat(count(runner, "SELECT count(*) AS n FROM orders o JOIN orders p USING (_id)"))
                    .isEqualTo(fresh);

            // The writer deletes them a bounded batch at a time, between commits and while idle.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> store.documents() == fresh);
            assertThat(store.expired()).isEqualTo(old);
            long after = usedBytes(store);
            assertThat(after)
                    .as("bytes of the store in use, of %d before", before)
                    .isLessThan(before / 2);
            assertThat(store.oldestEventTime()).isAfterOrEqualTo(now.truncatedTo(ChronoUnit.MICROS));
            System.out.printf(
                    "retention: %d of %d documents expired; store in use %d -> %d bytes%n",
                    old, old + fresh, before, after);
        }
    }

    @Test
    void aDocumentLeavesAnswersTheMomentItIsPastTheRetentionWithNoCommitNeeded() {
        Instant now = Instant.now();
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY, new Retention("1h", HOUR));
                QueryRunner runner = runner(store)) {
            Batch batch = load(0, 10, now);
            // Past the retention two seconds from now.
            batch.upsert("soon", item(99, null), now.minus(HOUR).plusSeconds(2), "id=99");
            store.commit(batch);
            assertThat(count(runner, "SELECT count(*) AS n FROM orders")).isEqualTo(11);

            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> count(runner, "SELECT count(*) AS n FROM orders") == 10);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.documents() == 10);
            assertThat(store.expired()).isEqualTo(1);
        }
    }

    @Test
    void anEventTimeTheTransformationMapsDecidesWhatExpiresAndADocumentWithoutOneIsKept() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Transformation transformation = Transformation.of(
                "SELECT * REPLACE (CAST(created AS TIMESTAMP WITH TIME ZONE) AS _event_time) FROM _input");
        try (Store store = Store.open(directory, "orders", transformation, new Retention("1h", HOUR));
                QueryRunner runner = runner(store)) {
            Batch batch = new Batch();
            // Every record is new to the stream; the documents' own creation times say how old they are.
            batch.upsert("old", item(1, now.minus(Duration.ofDays(3)).toString()), now, "id=1");
            batch.upsert("recent", item(2, now.minus(Duration.ofMinutes(5)).toString()), now, "id=2");
            batch.upsert("undated", item(3, null), now, "id=3");
            batch.checkpoint(
                    Store.LOAD_CHECKPOINT, JsonNodeFactory.instance.objectNode().put("complete", true));
            store.commit(batch);

            assertThat(runner.run(
                                    new QueryRequest(new QueryRequest.Sql(
                                            "SELECT _id FROM orders ORDER BY _id", List.of(), null)),
                                    "q")
                            .results())
                    .extracting(r -> r.get("_id").asText())
                    .containsExactly("recent", "undated");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.documents() == 2);
            assertThat(store.oldestEventTime()).isEqualTo(now.minus(Duration.ofMinutes(5)));
        }
    }

    @Test
    void answersBehindTheRetentionStillShowEveryDigitAndNoCompanionColumn() {
        Instant now = Instant.now();
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY, new Retention("1h", HOUR));
                QueryRunner runner = runner(store)) {
            Batch batch = new Batch();
            // The two amounts share no DECIMAL: the column is a DOUBLE with its exact text beside it.
            batch.upsert(
                    "a", Map.of("amount", AttributeValue.fromN("12345678901234567890.123456789012345678")), now, "a");
            batch.upsert("b", Map.of("amount", AttributeValue.fromN("1E-130")), now, "b");
            batch.upsert("old", Map.of("amount", AttributeValue.fromN("1")), now.minus(Duration.ofHours(2)), "old");
            batch.checkpoint(
                    Store.LOAD_CHECKPOINT, JsonNodeFactory.instance.objectNode().put("complete", true));
            store.commit(batch);

            QueryResponse answer = runner.run(
                    new QueryRequest(new QueryRequest.Sql("SELECT * FROM orders ORDER BY _id", List.of(), null)), "q");

            assertThat(answer.columnFields())
                    .extracting(QueryResponse.ColumnField::name)
                    .containsExactly("_id", "_event_time", "amount");
            assertThat(answer.results())
                    .extracting(r -> r.get("amount").decimalValue().toPlainString())
                    .containsExactly(
                            "12345678901234567890.123456789012345678", new BigDecimal("1E-130").toPlainString());
        }
    }

    @Test
    void aDocumentLeavingByTheRetentionIsLoggedAsAChangeForThePublisher() throws Exception {
        Instant now = Instant.now();
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY, new Retention("1h", HOUR))) {
            store.changes().keep();
            store.commit(load(0, 3, now));
            Batch soon = new Batch();
            soon.upsert("soon", item(99, null), now.minus(HOUR).plusSeconds(1), "id=99");
            store.commit(soon);
            long logged = changesOf(store, "soon");
            assertThat(logged).as("its upsert").isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.expired() == 1);
            assertThat(changesOf(store, "soon"))
                    .as("its upsert, then its deletion by the retention")
                    .isEqualTo(logged + 1);
        }
    }

    /** How many entries of the change log name {@code id}. */
    private static long changesOf(Store store, String id) throws java.sql.SQLException {
        try (java.sql.Connection c = store.newConnection();
                java.sql.PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM " + io.dynamosync.worker.store.ChangeFeed.TABLE + " WHERE _id = ?")) {
            s.setString(1, id);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
