package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link Store#differing} compares documents with what the store would make of the table's items, transformation and
 * column types included, and changes nothing; a census lists the documents a full read did not see.
 */
class StoreComparisonTest {

    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    @TempDir
    Path directory;

    private final List<Store> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Store::close);
    }

    private Store served(String transformation) {
        Store store = Store.open(directory, "orders", Transformation.of(transformation));
        opened.add(store);
        store.commit(new Batch()
                .checkpoint(
                        Store.LOAD_CHECKPOINT,
                        JsonNodeFactory.instance.objectNode().put("complete", true)));
        return store;
    }

    private static Map<String, AttributeValue> item(String id, String status, String amount) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS(id));
        item.put("status", AttributeValue.fromS(status));
        item.put("amount", AttributeValue.fromN(amount));
        item.put("tags", AttributeValue.fromSs(List.of("a", "b")));
        item.put("address", AttributeValue.fromM(Map.of("city", AttributeValue.fromS("Berlin"))));
        return item;
    }

    private static void write(Store store, Map<String, AttributeValue> item) {
        String id = item.get("pk").s();
        store.commit(new Batch().upsert(id, item, NOW, "pk=" + id));
    }

    private static Map<String, Map<String, AttributeValue>> expected(Object... idsAndItems) {
        Map<String, Map<String, AttributeValue>> expected = new LinkedHashMap<>();
        for (int i = 0; i < idsAndItems.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, AttributeValue> item = (Map<String, AttributeValue>) idsAndItems[i + 1];
            expected.put((String) idsAndItems[i], item);
        }
        return expected;
    }

    @Test
    void documentsEqualToTheirItemsDoNotDifferAndChangedMissingOrExtraOnesDo() {
        Store store = served(null);
        write(store, item("a", "paid", "1.50"));
        write(store, item("b", "new", "2"));
        write(store, item("c", "new", "3"));

        Map<String, AttributeValue> changed = new HashMap<>(item("b", "new", "2"));
        changed.put("note", AttributeValue.fromS("added in the table"));
        assertThat(store.differing(
                        expected("a", item("a", "paid", "1.5"), "b", changed, "c", null, "d", item("d", "new", "4"))))
                .containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aTransformedDocumentEqualsTheItemItCameFrom() {
        Store store = served("SELECT *, upper(status) AS shouted FROM _input");
        write(store, item("a", "paid", "10"));

        assertThat(store.differing(expected("a", item("a", "paid", "10")))).isEmpty();
        assertThat(store.differing(expected("a", item("a", "shipped", "10")))).containsExactly("a");
    }

    @Test
    void comparingChangesNothingNotEvenTheColumns() throws Exception {
        Store store = served(null);
        write(store, item("a", "paid", "10"));
        Map<String, AttributeValue> wider = new HashMap<>(item("a", "paid", "10"));
        wider.put("fresh", AttributeValue.fromBool(true));
        wider.put("amount", AttributeValue.fromN("0.123456789012345678901234567890123456789"));

        assertThat(store.differing(expected("a", wider))).containsExactly("a");

        try (Connection c = store.newConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' "
                                + "AND column_name = 'fresh'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(store.differing(expected("a", item("a", "paid", "10")))).isEmpty();
        write(store, wider);
        assertThat(store.differing(expected("a", wider))).isEmpty();
    }

    @Test
    void aCensusListsTheDocumentsAFullReadDidNotSee() {
        Store store = served(null);
        write(store, item("a", "paid", "1"));
        write(store, item("b", "paid", "2"));
        write(store, item("c", "paid", "3"));

        try (Census census = store.census()) {
            census.seen(List.of("a"));
            census.seen(List.of("c", "z"));
            assertThat(census.unseen(10)).containsExactly("b");
        }
    }

    @Test
    void aStoreStillLoadingIsNotCompared() {
        Store store = Store.open(directory, "orders", Transformation.IDENTITY);
        opened.add(store);

        assertThatThrownBy(() -> store.differing(expected("a", item("a", "paid", "1"))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("being loaded");
    }
}
