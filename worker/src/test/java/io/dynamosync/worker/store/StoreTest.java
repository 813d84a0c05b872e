package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dynamosync.api.worker.WorkerStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StoreTest {

    @TempDir
    Path directory;

    private final List<Store> opened = new ArrayList<>();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @AfterEach
    void close() {
        opened.forEach(Store::close);
    }

    private Store open(String transformation) {
        Store store = Store.open(directory, "orders", Transformation.of(transformation));
        opened.add(store);
        return store;
    }

    private static Map<String, AttributeValue> item(Object... pairs) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            item.put(
                    (String) pairs[i],
                    v instanceof AttributeValue a
                            ? a
                            : v instanceof String s
                                    ? AttributeValue.fromS(s)
                                    : v instanceof Boolean b
                                            ? AttributeValue.fromBool(b)
                                            : AttributeValue.fromN(v.toString()));
        }
        return item;
    }

    private static Batch upsert(String id, Map<String, AttributeValue> item) {
        return new Batch().upsert(id, item, NOW, "pk=" + id);
    }

    private static List<Map<String, Object>> rows(Store store, String sql) {
        try (Connection c = store.newConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The attribute-to-column mapping the store keeps in its {@code _columns} table. */
    private static Map<String, String> columnNames(Store store) {
        Map<String, String> names = new LinkedHashMap<>();
        rows(store, "SELECT attribute, column_name FROM _columns ORDER BY position")
                .forEach(r -> names.put((String) r.get("attribute"), (String) r.get("column_name")));
        return names;
    }

    private static Map<String, String> types(Store store) {
        Map<String, String> types = new HashMap<>();
        rows(store, "DESCRIBE orders")
                .forEach(r -> types.put((String) r.get("column_name"), (String) r.get("column_type")));
        return types;
    }

    @Test
    void everyDynamoDbTypeGetsAColumnTypeThatKeepsItsValue() {
        Store store = open(null);
        store.commit(upsert(
                "a",
                item(
                        "s", "text",
                        "small", 42,
                        "big", AttributeValue.fromN("12345678901234567890123456789012345678"),
                        "price", AttributeValue.fromN("19.99"),
                        "tiny", AttributeValue.fromN("1E-130"),
                        "bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, (byte) 0xff})),
                        "flag", true,
                        "nothing", AttributeValue.fromNul(true),
                        "map",
                                AttributeValue.fromM(Map.of(
                                        "n",
                                        AttributeValue.fromN("9.9999999999999999999999999999999999999E+125"),
                                        "l",
                                        AttributeValue.fromL(List.of(AttributeValue.fromS("x"))))),
                        "list",
                                AttributeValue.fromL(
                                        List.of(AttributeValue.fromN("1"), AttributeValue.fromBool(false))),
                        "ss", AttributeValue.fromSs(List.of("red", "blue")),
                        "ns", AttributeValue.fromNs(List.of("1", "2.5")),
                        "bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}))))));

        assertThat(types(store))
                .containsEntry("s", "VARCHAR")
                .containsEntry("small", "BIGINT")
                .containsEntry("big", "HUGEINT")
                .containsEntry("price", "DECIMAL(38,2)")
                .containsEntry("tiny", "DOUBLE")
                .containsEntry("bin", "BLOB")
                .containsEntry("flag", "BOOLEAN")
                .containsEntry("map", "JSON")
                .containsEntry("list", "JSON")
                .containsEntry("ss", "VARCHAR[]")
                .containsEntry("ns", "DECIMAL(38,1)[]")
                .containsEntry("bs", "BLOB[]")
                .containsEntry("_event_time", "TIMESTAMP WITH TIME ZONE");
        Map<String, Object> row = rows(
                        store,
                        "SELECT s, small, big, price, base64(bin) AS bin, flag, nothing, map, list, ss, ns, "
                                + "list_transform(bs, x -> base64(x)) AS bs, _event_time FROM orders")
                .get(0);
        assertThat(row)
                .containsEntry("s", "text")
                .containsEntry("small", "42")
                .containsEntry("big", "12345678901234567890123456789012345678")
                .containsEntry("price", "19.99")
                .containsEntry("bin", "AP8=")
                .containsEntry("flag", "true")
                .containsEntry("nothing", null)
                .containsEntry("map", "{\"l\":[\"x\"],\"n\":9.9999999999999999999999999999999999999E+125}")
                .containsEntry("list", "[1,false]")
                .containsEntry("ss", "[red, blue]")
                .containsEntry("ns", "[1.0, 2.5]")
                .containsEntry("bs", "['AQ==']");
        assertThat(rows(store, "SELECT tiny = 1E-130 AS same, tiny__exact FROM orders")
                        .get(0))
                .containsEntry("same", "true")
                .containsEntry("tiny__exact", "1E-130");
    }

    @Test
    void aNumberColumnThatOutgrowsDecimalKeepsEveryDigitInItsExactCompanion() {
        Store store = open(null);
        store.commit(upsert(
                "a",
                item(
                        "v",
                        AttributeValue.fromN("12345678901234567890.123456789012345678"),
                        "ns",
                        AttributeValue.fromNs(List.of("1.25", "-7")))));
        assertThat(types(store)).containsEntry("v", "DECIMAL(38,18)").doesNotContainKey("v__exact");

        store.commit(upsert(
                "b",
                item(
                        "v",
                        AttributeValue.fromN("-9.9999999999999999999999999999999999999E+125"),
                        "ns",
                        AttributeValue.fromNs(List.of("1E-130", "12345678901234567890123456789012345678")))));

        assertThat(types(store))
                .containsEntry("v", "DOUBLE")
                .containsEntry("v__exact", "VARCHAR")
                .containsEntry("ns", "DOUBLE[]")
                .containsEntry("ns__exact", "VARCHAR[]");
        assertThat(rows(store, "SELECT _id, v__exact, ns__exact, v < 0 AS negative FROM orders ORDER BY _id"))
                .extracting(r ->
                        r.get("_id") + " " + r.get("v__exact") + " " + r.get("ns__exact") + " " + r.get("negative"))
                .containsExactly(
                        "a 12345678901234567890.123456789012345678 [1.25, -7] false",
                        "b -9.9999999999999999999999999999999999999E+125 [1E-130, 12345678901234567890123456789012345678] true");
        assertThat(columnNames(store)).containsOnlyKeys("v", "ns");
    }

    @Test
    void aDoubleColumnThatBecomesJsonKeepsEveryDigitAndDropsItsCompanion() {
        Store store = open(null);
        // A DECIMAL(38,38) first: DuckDB writes it as -.5000..., which is no JSON number.
        store.commit(upsert(
                "z",
                item(
                        "v",
                        AttributeValue.fromN("-0.50000000000000000000000000000000000001"),
                        "ns",
                        AttributeValue.fromNs(List.of("0.10", "-3")))));
        store.commit(upsert(
                "a", item("v", AttributeValue.fromN("1E-130"), "ns", AttributeValue.fromNs(List.of("1E-130", "2.5")))));
        store.commit(upsert(
                "b",
                item(
                        "v",
                        AttributeValue.fromN("12345678901234567890123456789012345678"),
                        "ns",
                        AttributeValue.fromNs(List.of("-9.9999999999999999999999999999999999999E+125")))));
        assertThat(types(store))
                .containsEntry("v", "DOUBLE")
                .containsEntry("v__exact", "VARCHAR")
                .containsEntry("ns__exact", "VARCHAR[]");

        store.commit(upsert("c", item("v", "n/a", "ns", AttributeValue.fromSs(List.of("x")))));

        assertThat(types(store))
                .containsEntry("v", "JSON")
                .containsEntry("ns", "JSON")
                .doesNotContainKeys("v__exact", "ns__exact");
        assertThat(rows(store, "SELECT _id, v, ns FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + " " + r.get("v") + " " + r.get("ns"))
                .containsExactly(
                        "a 1E-130 [1E-130,2.5]",
                        "b 12345678901234567890123456789012345678 [-9.9999999999999999999999999999999999999E+125]",
                        "c \"n/a\" [\"x\"]",
                        "z -0.50000000000000000000000000000000000001 [0.1,-3]");
    }

    @Test
    void aDecimalColumnThatBecomesJsonHoldsJsonNumbers() {
        Store store = open(null);
        store.commit(upsert(
                "a",
                item(
                        "v",
                        AttributeValue.fromN("-0.50000000000000000000000000000000000001"),
                        "ns",
                        AttributeValue.fromNs(List.of("0.50000000000000000000000000000000000001", "-7.0")))));
        store.commit(upsert("b", item("v", "n/a", "ns", AttributeValue.fromSs(List.of("x")))));

        assertThat(types(store)).containsEntry("v", "JSON").containsEntry("ns", "JSON");
        assertThat(rows(store, "SELECT v, ns FROM orders WHERE _id = 'a'").get(0))
                .containsEntry("v", "-0.50000000000000000000000000000000000001")
                .containsEntry("ns", "[0.50000000000000000000000000000000000001,-7]");
    }

    @Test
    void aDecimalWidenedToDoubleIsTheNearestDoubleOfItsDigits() {
        Store store = open(null);
        // DuckDB's own cast of this DECIMAL(38,18) to DOUBLE rounds twice and misses the nearest double by one step.
        store.commit(upsert("a", item("v", AttributeValue.fromN("12345678901234562048.000008299112123456"))));
        store.commit(upsert("b", item("v", AttributeValue.fromN("1E-130"))));

        assertThat(rows(store, "SELECT v = CAST(v__exact AS DOUBLE) AS nearest FROM orders WHERE _id = 'a'")
                        .get(0))
                .containsEntry("nearest", "true");
    }

    @Test
    void anAttributeNamedLikeACompanionGetsAColumnOfItsOwn() {
        Store store = open(null);
        store.commit(upsert("a", item("v", AttributeValue.fromN("1E-130"), "v__exact", "mine")));

        assertThat(columnNames(store)).containsEntry("v", "v").containsEntry("v__exact", "v__exact_2");
        assertThat(rows(store, "SELECT v__exact, v__exact_2 FROM orders").get(0))
                .containsEntry("v__exact", "1E-130")
                .containsEntry("v__exact_2", "mine");
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.start();
        return thread;
    }

    @Test
    void feedsOfManyProducersCommitEachInOrderWithItsCheckpoints() throws Exception {
        Store store = open(null);
        int producers = 6;
        int pages = 20;
        Map<String, String> expected = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(started(() -> {
                Feed feed = store.feed();
                for (int page = 0; page < pages; page++) {
                    Batch batch = new Batch();
                    // Each page rewrites the producer's ten documents and deletes one: only order makes the last state.
                    for (int d = 0; d < 10; d++) {
                        String id = producer + "-" + d;
                        if (d == page % 10) {
                            batch.delete(id, NOW, "pk=" + id);
                            expected.remove(id);
                        } else {
                            batch.upsert(id, item("page", page, "producer", "p" + producer), NOW, "pk=" + id);
                            expected.put(id, page + "/p" + producer);
                        }
                    }
                    batch.checkpoint("feed/" + producer, JsonNodeFactory.instance.numberNode(page));
                    feed.submit(batch, written::addAndGet);
                }
                feed.flush();
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        Map<String, String> stored = new HashMap<>();
        rows(store, "SELECT _id, page, producer FROM orders")
                .forEach(r -> stored.put((String) r.get("_id"), r.get("page") + "/" + r.get("producer")));
        assertThat(stored).isEqualTo(expected);
        assertThat(written.get()).isEqualTo((long) producers * pages * 10);
        for (int p = 0; p < producers; p++) {
            assertThat(store.checkpoint("feed/" + p))
                    .get()
                    .extracting(n -> n.asInt())
                    .isEqualTo(pages - 1);
        }
    }

    @Test
    void onceABatchFailsTheFeedRefusesTheBatchesAfterIt() {
        Store store = open("SELECT *, CAST(code AS INTEGER) AS number FROM _input");
        Feed feed = store.feed();
        feed.submit(upsert("a", item("code", "1")).checkpoint("feed", JsonNodeFactory.instance.numberNode(1)), n -> {});
        feed.flush();
        feed.submit(
                upsert("b", item("code", "not a number")).checkpoint("feed", JsonNodeFactory.instance.numberNode(2)),
                n -> {});

        assertThatThrownBy(() -> {
                    feed.submit(
                            upsert("c", item("code", "3")).checkpoint("feed", JsonNodeFactory.instance.numberNode(3)),
                            n -> {});
                    feed.flush();
                })
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("ingest transformation failed");
        assertThat(store.checkpoint("feed")).get().extracting(n -> n.asInt()).isEqualTo(1);
        assertThat(rows(store, "SELECT _id FROM orders"))
                .extracting(r -> r.get("_id"))
                .containsExactly("a");
        assertThatThrownBy(() -> feed.submit(upsert("d", item("code", "4")), n -> {}))
                .isInstanceOf(StoreException.class);
    }

    @Test
    void aProducerWaitsWhileTooManyBytesWaitToBeWritten() throws Exception {
        Store store = Store.open(
                directory.resolve("small"),
                "orders",
                Transformation.IDENTITY,
                new Writer.Limits(64 * 1024, 1 << 20, 1000, java.time.Duration.ofSeconds(1)),
                null,
                c -> {});
        opened.add(store);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // Keeps the writer busy, so what is handed over waits.
        Thread busy = started(() -> store.writer().exclusive(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Feed feed = store.feed();
        String big = "x".repeat(20_000);
        feed.submit(upsert("a", item("text", big)), n -> {});
        Thread producer = started(() -> {
            for (int i = 0; i < 4; i++) {
                feed.submit(upsert("b" + i, item("text", big)), n -> {});
            }
        });
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> producer.getState() == Thread.State.WAITING);
        assertThat(producer.isAlive()).as("the producer waits for the writer").isTrue();

        release.countDown();
        producer.join(10_000);
        busy.join(10_000);
        feed.flush();
        assertThat(store.documents()).isEqualTo(5);
    }

    private static Batch page(String... idsAndStatuses) {
        Batch batch = Batch.fromSnapshot();
        for (int i = 0; i < idsAndStatuses.length; i += 2) {
            batch.upsert(idsAndStatuses[i], item("status", idsAndStatuses[i + 1]), NOW, "pk=" + idsAndStatuses[i]);
        }
        return batch;
    }

    @Test
    void aLoadThatReadsPagesAgainAfterACrashEndsWithOneDocumentPerItemAndKeyed() {
        Store store = open(null);
        store.commit(page("a", "new", "b", "new"));
        store.close();
        // The crash cut the file short before its checkpoint: it is read again whole, then the rest.
        store = open(null);
        store.commit(page("a", "paid", "b", "new"));
        store.commit(page("c", "new"));

        store.finishLoad();

        assertThat(rows(store, "SELECT _id, status FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "/" + r.get("status"))
                .containsExactly("a/paid", "b/new", "c/new");
        // Keyed: later changes replace documents, and the key holds across a restart.
        store.commit(upsert("a", item("status", "shipped")));
        store.close();
        store = open(null);
        store.commit(upsert("a", item("status", "returned")));
        assertThat(rows(store, "SELECT _id, status FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "/" + r.get("status"))
                .containsExactly("a/returned", "b/new", "c/new");
    }

    @Test
    void aTableAnEarlierVersionGaveAPrimaryKeyIsCopiedWithoutItAndKeepsItsDocuments() throws SQLException {
        Store store = open(null);
        store.commit(page("a", "paid", "b", "new"));
        store.finishLoad();
        store.commit(new Batch()
                .checkpoint(
                        Store.LOAD_CHECKPOINT,
                        JsonNodeFactory.instance.objectNode().put("complete", true)));
        try (Connection c = store.newConnection();
                Statement s = c.createStatement()) {
            // What stores before this version had: DuckDB never vacuums the deleted rows of a table with an index.
            s.execute("ALTER TABLE orders ADD PRIMARY KEY (_id)");
        }
        store.close();
        opened.remove(store);

        // DuckDB's limits apply before the copy, which otherwise would run under DuckDB's own defaults.
        java.util.List<String> seen = new java.util.ArrayList<>();
        store = Store.open(directory, "orders", Transformation.IDENTITY, null, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit = '300MB'");
                try (var rs = s.executeQuery("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'orders' "
                        + "AND constraint_type = 'PRIMARY KEY'")) {
                    rs.next();
                    seen.add("keys before the copy: " + rs.getLong(1));
                }
            }
        });
        opened.add(store);
        assertThat(seen).containsExactly("keys before the copy: 1");
        assertThat(rows(store, "SELECT current_setting('memory_limit') AS m"))
                .extracting(r -> r.get("m"))
                .containsExactly("286.1 MiB");
        assertThat(store.compactions()).isEqualTo(1);
        assertThat(rows(store, "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'orders'"))
                .extracting(r -> r.get("n"))
                .containsExactly("0");
        store.commit(upsert("a", item("status", "returned")).delete("b", NOW, "pk=b"));
        assertThat(rows(store, "SELECT _id, status FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "/" + r.get("status"))
                .containsExactly("a/returned");
        assertThat(types(store)).containsEntry("status", "VARCHAR");
    }

    @Test
    void theVolumeIsNearlyFullPastFourFifthsUsedOrWithLessLeftThanTheStore() {
        long gib = 1L << 30;
        assertThat(new StoreSpace(gib, 0, 0, 10 * gib, 8 * gib).volume().nearlyFull())
                .isFalse();
        assertThat(new StoreSpace(gib, 0, 0, 10 * gib, 8 * gib).volume().warning())
                .isNull();
        WorkerStatus.Volume full = new StoreSpace(6 * gib, 0, gib, 10 * gib, gib + gib / 2).volume();
        assertThat(full.nearlyFull()).isTrue();
        assertThat(full.warning()).contains("85% used", "8.50 GiB of 10.00 GiB", "spec.storage.size");
        // 60% used, but a checkpoint of a 6 GiB store may need about 6 GiB more.
        assertThat(new StoreSpace(6 * gib, 0, 0, 15 * gib, 5 * gib).volume().nearlyFull())
                .isTrue();
        assertThat(new StoreSpace(gib, 0, 0, 0, 0).volume()).isNull();
    }

    @Test
    void aChangeThatReplacesDocumentsDuringALoadFindsTheLoadedOnes() {
        Store store = open(null);
        store.commit(page("a", "new", "b", "new"));
        store.commit(page("a", "new"));

        store.commit(upsert("a", item("status", "paid")).delete("b", NOW, "pk=b"));

        assertThat(rows(store, "SELECT _id, status FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "/" + r.get("status"))
                .containsExactly("a/paid");
        store.commit(page("c", "new"));
        assertThat(store.documents()).isEqualTo(2);
    }

    @Test
    void anUpsertReplacesTheWholeDocumentAndADeleteRemovesIt() {
        Store store = open(null);
        store.commit(
                upsert("a", item("status", "new", "note", "gift")).upsert("b", item("status", "new"), NOW, "pk=b"));
        store.commit(upsert("a", item("status", "paid")));
        store.commit(new Batch().delete("b", NOW, "pk=b"));

        assertThat(rows(store, "SELECT _id, status, note FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "/" + r.get("status") + "/" + r.get("note"))
                .containsExactly("a/paid/null");
        assertThat(store.documents()).isEqualTo(1);
    }

    @Test
    void attributesDifferingOnlyInCaseAndOddNamesAllGetTheirOwnColumn() {
        Store store = open(null);
        store.commit(upsert(
                "a",
                item(
                        "status",
                        "lower",
                        "Status",
                        "Upper",
                        "STATUS",
                        "shout",
                        "select",
                        "kw",
                        "a b",
                        "space",
                        "a.b",
                        "dot",
                        "ünïcödé",
                        "uni",
                        "quote\"d",
                        "q")));

        assertThat(columnNames(store))
                .containsEntry("status", "status")
                .containsEntry("Status", "Status_2")
                .containsEntry("STATUS", "STATUS_3");
        assertThat(rows(
                                store,
                                "SELECT status, Status_2, STATUS_3, \"select\", \"a b\", \"a.b\", \"ünïcödé\", \"quote\"\"d\" FROM orders")
                        .get(0))
                .containsValues("lower", "Upper", "shout", "kw", "space", "dot", "uni", "q");
        assertThat(rows(store, "SELECT attribute, column_name FROM _columns WHERE attribute = 'Status'")
                        .get(0))
                .containsEntry("column_name", "Status_2");
    }

    @Test
    void aColumnWidensWhenValuesChangeTypeAndKeepsEveryValue() {
        Store store = open(null);
        store.commit(upsert("a", item("amount", 5, "code", 7)));
        store.commit(upsert("b", item("amount", AttributeValue.fromN("1.25"), "code", "A-7")));
        assertThat(types(store)).containsEntry("amount", "DECIMAL(38,2)").containsEntry("code", "JSON");
        assertThat(
                        rows(
                                store,
                                "SELECT _id, CAST(amount AS VARCHAR) AS amount, CAST(code AS VARCHAR) AS code FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "=" + r.get("amount") + "/" + r.get("code"))
                .containsExactly("a=5.00/7", "b=1.25/\"A-7\"");

        store.commit(upsert("c", item("amount", AttributeValue.fromN("1E+100"))));
        assertThat(types(store)).containsEntry("amount", "DOUBLE");
        assertThat(rows(store, "SELECT count(*) AS n FROM orders WHERE amount IN (5, 1.25, 1E+100)")
                        .get(0))
                .containsEntry("n", "3");
    }

    @Test
    void transformationRenamesDropsAndComputesFieldsIncludingHostedServiceSyntax() {
        Store store = open("SELECT * EXCEPT (secret, status), _id AS dynamodbId, upper(_input.status) AS state, "
                + "amount * 2 AS doubled FROM _input");
        store.commit(upsert("a", item("status", "paid", "secret", "pw", "amount", 21)));

        Map<String, Object> row = rows(store, "SELECT * FROM orders").get(0);
        assertThat(row)
                .containsEntry("dynamodbId", "a")
                .containsEntry("state", "PAID")
                .containsEntry("doubled", "42")
                .doesNotContainKeys("secret", "status");
    }

    @Test
    void aBrokenTransformationFailsWithDuckDbsMessageAndWritesNothing() {
        Store store = open("SELECT *, no_such_function(amount) AS x FROM _input");
        Batch batch =
                upsert("a", item("amount", 1)).checkpoint("scan/segment/0", JsonNodeFactory.instance.textNode("done"));

        assertThatThrownBy(() -> store.commit(batch))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("ingest transformation failed")
                .hasMessageContaining("no_such_function");
        assertThat(store.documents()).isZero();
        assertThat(store.checkpoint("scan/segment/0")).isEmpty();
    }

    @Test
    void aTransformationThatDropsOrChangesIdIsRefused() {
        assertThatThrownBy(() -> open("SELECT amount FROM _input").commit(upsert("a", item("amount", 1))))
                .hasMessageContaining("must return the _id column");
        close();
        opened.clear();
        assertThatThrownBy(() -> open("SELECT * EXCLUDE (_id), 'x' || _id AS _id FROM _input")
                        .commit(upsert("a", item("amount", 1))))
                .hasMessageContaining("must keep _id");
    }

    @Test
    void anItemWithItsOwnIdAttributeIsRefusedByKeyUnlessTheTransformationKeepsIt() {
        Store store = open(null);
        int written = store.commit(upsert("a", item("_id", "legacy-1", "v", 1)).upsert("b", item("v", 2), NOW, "pk=b"));

        assertThat(written).isEqualTo(1);
        assertThat(store.refusedItems()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("pk=a");
            assertThat(r.reason()).contains("own _id attribute");
        });
        close();
        opened.clear();

        Store keeping = Store.open(
                directory.resolve("other"), "orders", Transformation.of("SELECT *, _item_id AS legacyId FROM _input"));
        opened.add(keeping);
        keeping.commit(upsert("a", item("_id", "legacy-1", "v", 1)));
        assertThat(rows(keeping, "SELECT _id, legacyId FROM orders").get(0))
                .containsEntry("_id", "a")
                .containsEntry("legacyId", "legacy-1");
    }

    @Test
    void checkpointsCommitWithTheirDocumentsAndSurviveReopening() {
        Store store = open(null);
        store.commit(upsert("a", item("v", 1))
                .checkpoint(
                        "scan/segment/3", JsonNodeFactory.instance.objectNode().put("done", true)));
        store.close();
        opened.clear();

        Store reopened = open(null);
        assertThat(reopened.documents()).isEqualTo(1);
        assertThat(reopened.checkpoint("scan/segment/3"))
                .get()
                .extracting(n -> n.get("done").asBoolean())
                .isEqualTo(true);
        assertThat(reopened.checkpoints("scan/")).containsOnlyKeys("scan/segment/3");
        reopened.commit(new Batch().checkpoint("scan/segment/3", null));
        assertThat(reopened.checkpoint("scan/segment/3")).isEmpty();
    }

    @Test
    void clearForgetsCheckpointsAndKeepsServingUntilTheNewGenerationIsComplete() throws Exception {
        Store store = open(null);
        var json = JsonNodeFactory.instance;
        store.commit(upsert("a", item("status", "x", "Status", "y"))
                .upsert("b", item("status", "old"), NOW, "pk=b")
                .checkpoint(Store.LOAD_CHECKPOINT, json.objectNode().put("complete", true)));
        store.clear(new io.dynamosync.api.worker.WorkerStatus.Rebootstrap(NOW, "StreamTrimmed: records were trimmed"));

        assertThat(store.checkpoints("")).isEmpty();
        assertThat(store.rebuilding()).isTrue();
        assertThat(columnNames(store)).containsEntry("Status", "Status_2");
        // The new generation loads beside the served one; queries still see the old documents.
        store.commit(upsert("c", item("status", "new", "extra", 1))
                .checkpoint(Store.LOAD_CHECKPOINT, json.objectNode().put("complete", false)));
        store.commit(new Batch().journal(json.objectNode().put("n", 1)));
        assertThat(rows(store, "SELECT _id, status FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "=" + r.get("status"))
                .containsExactly("a=x", "b=old");
        // Complete with changes still journaled: not yet.
        store.commit(
                new Batch().checkpoint(Store.LOAD_CHECKPOINT, json.objectNode().put("complete", true)));
        assertThat(store.documents()).isEqualTo(2);
        // The batch that applies the journal swaps the generations in its own transaction.
        store.commit(upsert("d", item("status", "journaled"))
                .forgetJournal(store.journal(10).get(0).position()));

        assertThat(store.rebuilding()).isFalse();
        assertThat(rows(store, "SELECT _id, status, extra FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "=" + r.get("status") + "/" + r.get("extra"))
                .containsExactly("c=new/1", "d=journaled/null");
        assertThat(rows(store, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE '%building%'")
                        .get(0))
                .containsEntry("n", "0");
        assertThat(store.rebootstraps())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("StreamTrimmed"));
        // Later writes go to the served table.
        store.commit(upsert("e", item("status", "live")));
        assertThat(store.documents()).isEqualTo(3);
    }

    @Test
    void aRebuildInterruptedByARestartGoesOnBesideTheServedTable() {
        Store store = open(null);
        var json = JsonNodeFactory.instance;
        store.commit(upsert("a", item("v", 1))
                .checkpoint(Store.LOAD_CHECKPOINT, json.objectNode().put("complete", true)));
        store.clear();
        store.commit(upsert("b", item("v", 2)));
        close();
        opened.clear();

        Store reopened = open(null);
        assertThat(reopened.rebuilding()).isTrue();
        assertThat(reopened.documents()).isEqualTo(1);
        reopened.commit(
                new Batch().checkpoint(Store.LOAD_CHECKPOINT, json.objectNode().put("complete", true)));
        assertThat(rows(reopened, "SELECT _id FROM orders"))
                .extracting(r -> r.get("_id"))
                .containsExactly("b");
    }

    @Test
    void refusedItemsAndRebootstrapsSurviveReopening() {
        Store store = open(null);
        store.commit(upsert("a", item("_id", "legacy-1", "v", 1)));
        store.clear(new io.dynamosync.api.worker.WorkerStatus.Rebootstrap(
                NOW, "RebuildRequested: load generation 1 became 2"));
        store.commit(upsert("b", item("_id", "legacy-2", "v", 1)));
        close();
        opened.clear();

        Store reopened = open(null);
        assertThat(reopened.refusedItems()).extracting(r -> r.key()).containsExactly("pk=b");
        assertThat(reopened.rebootstraps())
                .extracting(r -> r.reason() + " at " + r.at())
                .containsExactly("RebuildRequested: load generation 1 became 2 at " + NOW);
    }

    @Test
    void journalKeepsEntriesInOrderUntilForgottenAndCommitsWithTheBatch() {
        Store store = open(null);
        var json = JsonNodeFactory.instance;
        store.commit(new Batch()
                .journal(json.objectNode().put("n", 1))
                .journal(json.objectNode().put("n", 2)));
        store.commit(new Batch().journal(json.objectNode().put("n", 3)).checkpoint("stream", json.textNode("x")));

        List<JournalEntry> entries = store.journal(10);
        assertThat(entries).extracting(e -> e.entry().get("n").asInt()).containsExactly(1, 2, 3);
        assertThat(entries).extracting(JournalEntry::position).isSorted().doesNotHaveDuplicates();

        store.commit(new Batch().forgetJournal(entries.get(1).position()));
        assertThat(store.journal(10))
                .extracting(e -> e.entry().get("n").asInt())
                .containsExactly(3);
        store.commit(new Batch().journal(json.objectNode().put("n", 4)));
        assertThat(store.journal(10))
                .extracting(e -> e.entry().get("n").asInt())
                .containsExactly(3, 4);
        assertThat(store.journal(Integer.MAX_VALUE)).hasSize(2);
    }

    @Test
    void aDocumentUpdatedWithANewAttributeIsReplacedNotDuplicated() {
        Store store = open(null);
        store.commit(upsert("a", item("v", 1)).upsert("b", item("v", 2), NOW, "pk=b"));
        store.commit(upsert("a", item("v", 1, "w", "new column")).delete("b", NOW, "pk=b"));
        store.commit(upsert("a", item("v", "now text", "x", true)));

        assertThat(rows(store, "SELECT _id, CAST(v AS VARCHAR) AS v, w, x FROM orders"))
                .extracting(r -> r.get("_id") + "/" + r.get("v") + "/" + r.get("w") + "/" + r.get("x"))
                .containsExactly("a/\"now text\"/null/true");
    }
}
