package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
            item.put((String) pairs[i], v instanceof AttributeValue a ? a
                    : v instanceof String s ? AttributeValue.fromS(s)
                    : v instanceof Boolean b ? AttributeValue.fromBool(b)
                    : AttributeValue.fromN(v.toString()));
        }
        return item;
    }

    private static Batch upsert(String id, Map<String, AttributeValue> item) {
        return new Batch().upsert(id, item, NOW, "pk=" + id);
    }

    private static List<Map<String, Object>> rows(Store store, String sql) {
        try (Connection c = store.newConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
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

    private static Map<String, String> types(Store store) {
        Map<String, String> types = new HashMap<>();
        rows(store, "DESCRIBE orders").forEach(r -> types.put((String) r.get("column_name"), (String) r.get("column_type")));
        return types;
    }

    @Test
    void everyDynamoDbTypeGetsAColumnTypeThatKeepsItsValue() {
        Store store = open(null);
        store.commit(upsert("a", item(
                "s", "text",
                "small", 42,
                "big", AttributeValue.fromN("12345678901234567890123456789012345678"),
                "price", AttributeValue.fromN("19.99"),
                "tiny", AttributeValue.fromN("1E-130"),
                "bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, (byte) 0xff})),
                "flag", true,
                "nothing", AttributeValue.fromNul(true),
                "map", AttributeValue.fromM(Map.of("n", AttributeValue.fromN("9.9999999999999999999999999999999999999E+125"),
                        "l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"))))),
                "list", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromBool(false))),
                "ss", AttributeValue.fromSs(List.of("red", "blue")),
                "ns", AttributeValue.fromNs(List.of("1", "2.5")),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}))))));

        assertThat(types(store)).containsEntry("s", "VARCHAR").containsEntry("small", "BIGINT").containsEntry("big", "HUGEINT")
                .containsEntry("price", "DECIMAL(38,2)").containsEntry("tiny", "DOUBLE").containsEntry("bin", "BLOB")
                .containsEntry("flag", "BOOLEAN").containsEntry("map", "JSON").containsEntry("list", "JSON")
                .containsEntry("ss", "VARCHAR[]").containsEntry("ns", "DECIMAL(38,1)[]").containsEntry("bs", "BLOB[]")
                .containsEntry("_event_time", "TIMESTAMP WITH TIME ZONE");
        Map<String, Object> row = rows(store, "SELECT s, small, big, price, base64(bin) AS bin, flag, nothing, map, list, ss, ns, "
                + "list_transform(bs, x -> base64(x)) AS bs, _event_time FROM orders").get(0);
        assertThat(row).containsEntry("s", "text").containsEntry("small", "42")
                .containsEntry("big", "12345678901234567890123456789012345678").containsEntry("price", "19.99")
                .containsEntry("bin", "AP8=").containsEntry("flag", "true").containsEntry("nothing", null)
                .containsEntry("map", "{\"l\":[\"x\"],\"n\":9.9999999999999999999999999999999999999E+125}")
                .containsEntry("list", "[1,false]").containsEntry("ss", "[red, blue]").containsEntry("ns", "[1.0, 2.5]")
                .containsEntry("bs", "['AQ==']");
        assertThat(rows(store, "SELECT tiny = 1E-130 AS same FROM orders").get(0)).containsEntry("same", "true");
    }

    @Test
    void anUpsertReplacesTheWholeDocumentAndADeleteRemovesIt() {
        Store store = open(null);
        store.commit(upsert("a", item("status", "new", "note", "gift")).upsert("b", item("status", "new"), NOW, "pk=b"));
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
        store.commit(upsert("a", item("status", "lower", "Status", "Upper", "STATUS", "shout", "select", "kw",
                "a b", "space", "a.b", "dot", "ünïcödé", "uni", "quote\"d", "q")));

        assertThat(store.columnNames()).containsEntry("status", "status").containsEntry("Status", "Status_2")
                .containsEntry("STATUS", "STATUS_3");
        assertThat(rows(store, "SELECT status, Status_2, STATUS_3, \"select\", \"a b\", \"a.b\", \"ünïcödé\", \"quote\"\"d\" FROM orders").get(0))
                .containsValues("lower", "Upper", "shout", "kw", "space", "dot", "uni", "q");
        assertThat(rows(store, "SELECT attribute, column_name FROM _columns WHERE attribute = 'Status'").get(0))
                .containsEntry("column_name", "Status_2");
    }

    @Test
    void aColumnWidensWhenValuesChangeTypeAndKeepsEveryValue() {
        Store store = open(null);
        store.commit(upsert("a", item("amount", 5, "code", 7)));
        store.commit(upsert("b", item("amount", AttributeValue.fromN("1.25"), "code", "A-7")));
        assertThat(types(store)).containsEntry("amount", "DECIMAL(38,2)").containsEntry("code", "JSON");
        assertThat(rows(store, "SELECT _id, CAST(amount AS VARCHAR) AS amount, CAST(code AS VARCHAR) AS code FROM orders ORDER BY _id"))
                .extracting(r -> r.get("_id") + "=" + r.get("amount") + "/" + r.get("code"))
                .containsExactly("a=5.00/7", "b=1.25/\"A-7\"");

        store.commit(upsert("c", item("amount", AttributeValue.fromN("1E+100"))));
        assertThat(types(store)).containsEntry("amount", "DOUBLE");
        assertThat(rows(store, "SELECT count(*) AS n FROM orders WHERE amount IN (5, 1.25, 1E+100)").get(0)).containsEntry("n", "3");
    }

    @Test
    void transformationRenamesDropsAndComputesFieldsIncludingHostedServiceSyntax() {
        Store store = open("SELECT * EXCEPT (secret, status), _id AS dynamodbId, upper(_input.status) AS state, "
                + "amount * 2 AS doubled FROM _input");
        store.commit(upsert("a", item("status", "paid", "secret", "pw", "amount", 21)));

        Map<String, Object> row = rows(store, "SELECT * FROM orders").get(0);
        assertThat(row).containsEntry("dynamodbId", "a").containsEntry("state", "PAID").containsEntry("doubled", "42")
                .doesNotContainKeys("secret", "status");
    }

    @Test
    void aBrokenTransformationFailsWithDuckDbsMessageAndWritesNothing() {
        Store store = open("SELECT *, no_such_function(amount) AS x FROM _input");
        Batch batch = upsert("a", item("amount", 1)).checkpoint("scan/segment/0", JsonNodeFactory.instance.textNode("done"));

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
        assertThatThrownBy(() -> open("SELECT * EXCLUDE (_id), 'x' || _id AS _id FROM _input").commit(upsert("a", item("amount", 1))))
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

        Store keeping = Store.open(directory.resolve("other"), "orders", Transformation.of("SELECT *, _item_id AS legacyId FROM _input"));
        opened.add(keeping);
        keeping.commit(upsert("a", item("_id", "legacy-1", "v", 1)));
        assertThat(rows(keeping, "SELECT _id, legacyId FROM orders").get(0)).containsEntry("_id", "a").containsEntry("legacyId", "legacy-1");
    }

    @Test
    void checkpointsCommitWithTheirDocumentsAndSurviveReopening() {
        Store store = open(null);
        store.commit(upsert("a", item("v", 1)).checkpoint("scan/segment/3", JsonNodeFactory.instance.objectNode().put("done", true)));
        store.close();
        opened.clear();

        Store reopened = open(null);
        assertThat(reopened.documents()).isEqualTo(1);
        assertThat(reopened.checkpoint("scan/segment/3")).get().extracting(n -> n.get("done").asBoolean()).isEqualTo(true);
        assertThat(reopened.checkpoints("scan/")).containsOnlyKeys("scan/segment/3");
        reopened.commit(new Batch().checkpoint("scan/segment/3", null));
        assertThat(reopened.checkpoint("scan/segment/3")).isEmpty();
    }

    @Test
    void clearEmptiesDocumentsAndCheckpointsButKeepsColumnNames() {
        Store store = open(null);
        store.commit(upsert("a", item("status", "x", "Status", "y")).checkpoint("load", JsonNodeFactory.instance.textNode("done")));
        store.clear();

        assertThat(store.documents()).isZero();
        assertThat(store.checkpoints("")).isEmpty();
        assertThat(store.columnNames()).containsEntry("Status", "Status_2");
    }

    @Test
    void journalKeepsEntriesInOrderUntilForgottenAndCommitsWithTheBatch() {
        Store store = open(null);
        var json = JsonNodeFactory.instance;
        store.commit(new Batch().journal(json.objectNode().put("n", 1)).journal(json.objectNode().put("n", 2)));
        store.commit(new Batch().journal(json.objectNode().put("n", 3)).checkpoint("stream", json.textNode("x")));

        List<Store.JournalEntry> entries = store.journal(10);
        assertThat(entries).extracting(e -> e.entry().get("n").asInt()).containsExactly(1, 2, 3);
        assertThat(entries).extracting(Store.JournalEntry::position).isSorted().doesNotHaveDuplicates();

        store.commit(new Batch().forgetJournal(entries.get(1).position()));
        assertThat(store.journal(10)).extracting(e -> e.entry().get("n").asInt()).containsExactly(3);
        store.commit(new Batch().journal(json.objectNode().put("n", 4)));
        assertThat(store.journal(10)).extracting(e -> e.entry().get("n").asInt()).containsExactly(3, 4);
        assertThat(store.journalSize()).isEqualTo(2);
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
