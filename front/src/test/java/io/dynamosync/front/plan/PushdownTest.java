package io.dynamosync.front.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.front.catalog.Catalog;
import io.dynamosync.front.catalog.Workspaces;
import io.dynamosync.front.pull.FrontDuckDb;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PushdownTest {

    private static Connection parser;
    private static Catalog catalog;

    @BeforeAll
    static void open() throws Exception {
        parser = new FrontDuckDb(64L << 20, 1).open();
        catalog = Catalog.of(
                List.of(collection("shop", "orders"), collection("crm", "customers")),
                new Workspaces("shop"),
                Set.of("shop", "crm"));
    }

    @AfterAll
    static void close() throws Exception {
        parser.close();
    }

    private static DynamoCollection collection(String namespace, String name) {
        DynamoCollection c = new DynamoCollection();
        c.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return c;
    }

    private static Map<String, List<JsonNode>> filters(String sql) {
        return Pushdown.filters(QueryPlan.of(ParsedStatement.parse(parser, sql), catalog));
    }

    @Test
    void conjunctsOnOneCollectionAreItsUnderInnerJoins() {
        Map<String, List<JsonNode>> f = filters("SELECT 1 FROM commons.orders o JOIN crm.customers c ON o.cid = c.id"
                + " WHERE o.total > 10 AND c.name = 'A' AND (o.total < 5 OR c.name = 'x') AND customers.x = 1");
        assertThat(f).containsOnlyKeys("commons.orders", "crm.customers");
        assertThat(f.get("commons.orders")).hasSize(1);
        assertThat(f.get("commons.orders").get(0).at("/left/column_names").toString())
                .isEqualTo("[\"total\"]");
        assertThat(f.get("crm.customers")).hasSize(1);
    }

    @Test
    void aConjunctWithAParameterIsPushedWithIt() {
        assertThat(filters("SELECT 1 FROM orders o, crm.customers c WHERE o.total > :min AND o.cid = c.id"))
                .containsOnlyKeys("commons.orders");
    }

    @Test
    void nothingIsPushedPastAnOuterJoinOrASubquery() {
        assertThat(filters("SELECT 1 FROM orders o LEFT JOIN crm.customers c ON o.cid = c.id WHERE o.total > 1"))
                .isEmpty();
        assertThat(filters(
                        "SELECT 1 FROM orders o, crm.customers c WHERE o.total > (SELECT max(x) FROM crm.customers)"))
                .isEmpty();
        assertThat(filters("SELECT 1 FROM orders a, orders b WHERE a.total > 1"))
                .isEmpty();
    }
}
