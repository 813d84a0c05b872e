package io.dynamosync.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryLambdaParameter;
import io.dynamosync.api.v1alpha1.QueryLambdaSpec;
import io.dynamosync.api.v1alpha1.QueryLambdaVersionSpec;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.api.v1alpha1.QueryViewSpec;
import io.dynamosync.front.async.QueryBook;
import io.dynamosync.front.catalog.Catalog;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.dynamosync.front.catalog.Workspaces;
import io.dynamosync.front.metrics.FrontMetrics;
import io.dynamosync.front.pull.CrossCollectionQuery;
import io.dynamosync.front.pull.FrontDuckDb;
import io.dynamosync.front.route.WorkerClient;
import io.dynamosync.front.route.WorkerKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The front over two stand-in workers: routing, pulls, the collection and workspace calls, and errors. */
class FrontServerTest {

    // Numbers as the front wrote them, every digit and trailing zero kept.
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static FakeWorker orders;
    private static FakeWorker customers;
    private static FakeWorker events;
    private static FrontServer front;
    private static Connection parser;
    private static CrossCollectionQuery cross;
    private static QueryBook book;
    private static ApiKeys keys;

    @BeforeAll
    static void start() throws Exception {
        orders = new FakeWorker(
                "orders",
                List.of(
                        "CREATE TABLE orders (_id VARCHAR, orderId VARCHAR, customerId VARCHAR, total DECIMAL(12,2))",
                        "INSERT INTO orders VALUES ('o1','o1','c1',10.50), ('o2','o2','c1',99.99), ('o3','o3','c2',5)"),
                100);
        customers = new FakeWorker(
                "customers",
                List.of(
                        "CREATE TABLE customers (_id VARCHAR, id VARCHAR, name VARCHAR, tags VARCHAR[])",
                        "INSERT INTO customers VALUES ('c1','c1','Ada',['a','b']), ('c2','c2','Bo',[]),"
                                + " ('c3','c3','Cy',NULL)"),
                2);
        events = new FakeWorker(
                "events", List.of("CREATE TABLE events AS SELECT 'e' || range AS _id, range AS n FROM range(5)"), 2);
        Map<String, String> addresses =
                Map.of("orders", orders.address(), "customers", customers.address(), "events", events.address());
        DynamoCollection o = CollectionShapesTest.collection("shop", "orders", Phase.STREAMING, true);
        DynamoCollection c = CollectionShapesTest.collection("crm", "customers", Phase.STREAMING, true);
        DynamoCollection e = CollectionShapesTest.collection("crm", "events", Phase.STREAMING, true);
        Catalog catalog = Catalog.of(List.of(o, c, e), new Workspaces("shop"), Set.of("shop", "crm"));
        FrontDuckDb duckdb = new FrontDuckDb(64L << 20, 1);
        parser = duckdb.open();
        WorkerClient routed = new WorkerClient(
                collection -> addresses.get(collection.getMetadata().getName()),
                WorkerKeys.none(),
                Duration.ofSeconds(10));
        cross = new CrossCollectionQuery(
                routed, duckdb, new CrossCollectionQuery.Limits(Duration.ofSeconds(10), 1000, 2, 4));
        keys = ApiKeys.of(FrontKey.of("secret"));
        keys.replace(Map.of("crm-readers", "{\"key\": \"crm-key\", \"workspaces\": [\"crm\"]}"));
        book = new QueryBook(new QueryBook.Limits(Duration.ofMinutes(5), 1 << 20, 2), Clock.systemUTC());
        front = new FrontServer(
                0, keys, catalog, routed, cross, book, new FrontMetrics(catalog, book), lambdas(), views(), parser);
    }

    /** {@code commons.top-orders}: version 1 over 50 by default, version 2 (the latest) with totals over 1; prod is 1. */
    static WorkspaceResources<QueryLambda> lambdas() {
        QueryLambdaVersionSpec first = new QueryLambdaVersionSpec();
        first.setVersion("1");
        first.setSql("SELECT orderId FROM orders WHERE total > :min ORDER BY orderId");
        first.setDefaultParameters(List.of(new QueryLambdaParameter("min", "float", "50")));
        QueryLambdaVersionSpec second = new QueryLambdaVersionSpec();
        second.setVersion("2");
        second.setDescription("with totals");
        second.setSql("SELECT orderId, total FROM orders WHERE total > :min ORDER BY orderId");
        second.setDefaultParameters(List.of(new QueryLambdaParameter("min", "float", "1")));
        QueryLambdaSpec spec = new QueryLambdaSpec();
        spec.setVersions(List.of(first, second));
        spec.setTags(Map.of("prod", "1"));
        QueryLambda lambda = new QueryLambda();
        lambda.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("top-orders")
                .withCreationTimestamp("2026-12-01T00:00:00Z")
                .build());
        lambda.setSpec(spec);
        return WorkspaceResources.of(List.of(lambda), new Workspaces("shop"));
    }

    /** Views: commons.big (orders over 50), commons.biggest (big over 90), crm.named, and commons.loop (itself). */
    static WorkspaceResources<QueryView> views() {
        return WorkspaceResources.of(
                List.of(
                        view("shop", "big", "SELECT orderId, customerId, total FROM orders WHERE total > 50;"),
                        view("shop", "biggest", "SELECT * FROM big WHERE total > 90"),
                        view("crm", "named", "SELECT id, name FROM crm.customers"),
                        view("shop", "loop", "SELECT * FROM loop")),
                new Workspaces("shop"));
    }

    private static QueryView view(String namespace, String name, String sql) {
        QueryViewSpec spec = new QueryViewSpec();
        spec.setSql(sql);
        QueryView view = new QueryView();
        view.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .build());
        view.setSpec(spec);
        return view;
    }

    @AfterAll
    static void stop() throws Exception {
        front.close();
        book.close();
        cross.close();
        parser.close();
        orders.close();
        customers.close();
        events.close();
    }

    record Answer(int status, JsonNode body) {}

    private static Answer call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "ApiKey " + key);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private static Answer query(String sql) throws Exception {
        return call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of("sql", Map.of("query", sql))),
                "secret");
    }

    @Test
    void aQueryOnOneCollectionGoesToItsWorkerWithTheNameItKnows() throws Exception {
        Answer answer = query("SELECT orderId FROM commons.orders WHERE total > 10 ORDER BY orderId");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(orders.lastQuery.get())
                .isEqualTo("SELECT orderId FROM \"orders\"       WHERE total > 10 ORDER BY orderId")
                .hasSameSizeAs("SELECT orderId FROM commons.orders WHERE total > 10 ORDER BY orderId");
        assertThat(answer.body().path("results")).hasSize(2);

        Answer bare = query("SELECT count(*) AS n FROM orders");
        assertThat(bare.body().at("/results/0/n").asInt()).isEqualTo(3);
    }

    @Test
    void parametersGoToTheWorkerAsSent() throws Exception {
        String body = "{\"sql\":{\"query\":\"SELECT * FROM crm.customers WHERE name = :who\","
                + "\"parameters\":[{\"name\":\"who\",\"type\":\"string\",\"value\":\"Ada\"}]}}";
        Answer answer = call("POST", "/v1/orgs/self/queries", body, "secret");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(customers.lastQuery.get()).isEqualTo("SELECT * FROM \"customers\"   WHERE name = :who");
        assertThat(answer.body().at("/results/0/id").asText()).isEqualTo("c1");
    }

    @Test
    void aJoinAcrossCollectionsRunsInTheFrontOverTheColumnsItUses() throws Exception {
        orders.lastQuery.set(null);
        String body = "{\"sql\":{\"query\":\"SELECT c.name, sum(o.total) AS spent FROM commons.orders o "
                + "JOIN crm.customers c ON o.customerId = c.id WHERE o.total > :min GROUP BY c.name ORDER BY c.name\","
                + "\"parameters\":[{\"name\":\"min\",\"type\":\"float\",\"value\":\"1\"}]}}";
        Answer answer = call("POST", "/v1/orgs/self/queries", body, "secret");
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        assertThat(answer.body().path("results").toString())
                .isEqualTo("[{\"name\":\"Ada\",\"spent\":110.49},{\"name\":\"Bo\",\"spent\":5.00}]");
        assertThat(answer.body().path("collections").toString()).isEqualTo("[\"commons.orders\",\"crm.customers\"]");
        assertThat(answer.body().path("syncedAsOf").path("crm.customers").asText())
                .isEqualTo("2026-12-07T06:00:00Z");
        // Only the columns the statement uses are pulled, filtered by the conditions on orders alone.
        assertThat(orders.lastQuery.get()).isEqualTo("SELECT customerId, total FROM orders WHERE (total > :min)");
    }

    @Test
    void filtersOnOneCollectionAloneArePushedToItsWorkerUnderInnerJoins() throws Exception {
        Answer inner =
                query("SELECT o.orderId, c.name FROM commons.orders o JOIN crm.customers c ON o.customerId = c.id"
                        + " WHERE o.total > 10 AND c.name LIKE 'A%' AND (o.total < 1000 OR c.name = 'x') ORDER BY 1");
        assertThat(inner.body().path("results").toString())
                .isEqualTo("[{\"orderId\":\"o1\",\"name\":\"Ada\"},{\"orderId\":\"o2\",\"name\":\"Ada\"}]");
        assertThat(orders.lastQuery.get())
                .isEqualTo("SELECT orderId, customerId, total FROM orders WHERE (total > 10)");
        assertThat(customers.lastQuery.get()).isEqualTo("SELECT id, \"name\" FROM customers WHERE (\"name\" ~~ 'A%')");

        // An outer join keeps rows a filter on its other side would drop before the join: nothing is pushed.
        Answer outer = query("SELECT o.orderId FROM commons.orders o LEFT JOIN crm.customers c ON o.customerId = c.id"
                + " WHERE c.id IS NULL AND o.total > 1");
        assertThat(outer.body().path("results")).isEmpty();
        assertThat(orders.lastQuery.get()).doesNotContain("total >");
        assertThat(customers.lastQuery.get()).doesNotContain("id IS NULL");

        // A parameter goes to the worker with the filter that uses it.
        String body = "{\"sql\":{\"query\":\"SELECT count(*) AS n FROM commons.orders o, crm.customers c"
                + " WHERE o.customerId = c.id AND o.total > :min\","
                + "\"parameters\":[{\"name\":\"min\",\"type\":\"int\",\"value\":\"10\"},"
                + "{\"name\":\"unused\",\"type\":\"int\",\"value\":\"1\"}]}}";
        Answer parameter = call("POST", "/v1/orgs/self/queries", body, "secret");
        assertThat(parameter.body().at("/results/0/n").asInt()).isEqualTo(2);
        assertThat(orders.lastQuery.get()).isEqualTo("SELECT customerId, total FROM orders WHERE (total > :min)");

        Answer undeclared = query("SELECT count(*) FROM commons.orders o, crm.customers c WHERE o.total > :nope");
        assertThat(undeclared.body().path("type").asText()).isEqualTo("INVALIDINPUT");
        assertThat(undeclared.body().path("message").asText()).contains(":nope");
    }

    @Test
    void aCollectionIsPulledAsOneArrowStreamPastItsWorkersRowLimitUpToTheFrontsPullLimit() throws Exception {
        // customers' worker answers 2 rows a JSON query; its 3 rows come in one stream.
        assertThat(query("SELECT count(*) AS n FROM commons.orders o, crm.customers c")
                        .body()
                        .at("/results/0/n")
                        .asInt())
                .isEqualTo(9);
        assertThat(customers.lastQuery.get()).isEqualTo("SELECT \"_id\" FROM \"customers\"");

        // A stream cut short (no end-of-stream marker) fails the query, naming the collection, rather than answer
        // from part of it.
        customers.cutArrow.set(true);
        try {
            Answer cut = query("SELECT count(*) AS n FROM commons.orders o, crm.customers c");
            assertThat(cut.status()).isEqualTo(503);
            assertThat(cut.body().path("message").asText()).contains("crm.customers", "ended before its last rows");
        } finally {
            customers.cutArrow.set(false);
        }
        // Broken in the middle of a batch, as a connection that drops mid-transfer.
        customers.cutArrowMidBatch.set(true);
        try {
            Answer broken = query("SELECT count(*) AS n FROM commons.orders o, crm.customers c");
            assertThat(broken.status()).isEqualTo(503);
            assertThat(broken.body().path("type").asText()).isEqualTo("NOT_READY");
            assertThat(broken.body().path("message").asText()).contains("crm.customers", "broke off");
        } finally {
            customers.cutArrowMidBatch.set(false);
        }

        // events has 5 rows, more than the 4 the front pulls of one collection, unless its own filters narrow it.
        Answer answer = query("SELECT * FROM commons.orders o, crm.events e");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("type").asText()).isEqualTo("RESOURCEEXCEEDED");
        assertThat(answer.body().path("message").asText()).contains("crm.events");
        assertThat(query("SELECT count(*) AS n FROM commons.orders o, crm.events e WHERE e.n < 3")
                        .body()
                        .at("/results/0/n")
                        .asInt())
                .isEqualTo(9);
    }

    @Test
    void errorsHaveTheHostedServicesShape() throws Exception {
        Answer unknown = query("SELECT * FROM shop.nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).isEqualTo("NOTFOUND");
        assertThat(unknown.body().path("message").asText()).contains("shop.nothing");
        assertThat(unknown.body().has("error_id")).isTrue();
        assertThat(unknown.body().has("query_id")).isTrue();

        Answer syntax = query("SELECT FROM WHERE");
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.body().path("type").asText()).isEqualTo("QUERY_ERROR");
        assertThat(syntax.body().path("line").asInt()).isEqualTo(1);

        Answer worker = query("SELECT nope FROM orders");
        assertThat(worker.body().path("type").asText()).isEqualTo("QUERY_ERROR");

        for (String body :
                List.of("not json", "[1]", "{\"sql\": 3}", "{\"sql\": {\"query\": \"SELECT 1\", \"parameters\": 7}}")) {
            Answer bad = call("POST", "/v1/orgs/self/queries", body, "secret");
            assertThat(bad.status()).as(body).isEqualTo(400);
            assertThat(bad.body().path("type").asText()).as(body).isEqualTo("INVALIDINPUT");
        }

        Answer noKey = call("GET", "/v1/orgs/self/collections", null, null);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.body().path("type").asText()).isEqualTo("AUTHEXCEPTION");
        Answer badKey = call("GET", "/v1/orgs/self/collections", null, "guess");
        assertThat(badKey.body().path("message").asText()).doesNotContain("secret");

        Answer unserved = call("POST", "/v1/orgs/self/ws/commons/collections", "{}", "secret");
        assertThat(unserved.body().path("type").asText()).isEqualTo("NOTIMPLEMENTEDYET");
        assertThat(unserved.body().path("message").asText()).contains("kubectl");
        Answer users = call("GET", "/v1/orgs/self/users", null, "secret");
        assertThat(users.body().path("type").asText()).isEqualTo("NOTIMPLEMENTEDYET");
        assertThat(users.body().path("message").asText()).contains("managed with kubectl");
        Answer integrations = call("GET", "/v1/orgs/self/integrations", null, "secret");
        assertThat(integrations.body().path("message").asText()).contains("mirror DynamoDB tables");
    }

    @Test
    void collectionsAndWorkspacesAreListedFromTheResources() throws Exception {
        Answer all = call("GET", "/v1/orgs/self/collections", null, "secret");
        assertThat(all.body().path("data"))
                .extracting(
                        c -> c.path("workspace").asText() + "." + c.path("name").asText())
                .containsExactly("commons.orders", "crm.customers", "crm.events");
        Answer one = call("GET", "/v1/orgs/self/ws/crm/collections/customers", null, "secret");
        assertThat(one.body().at("/data/stats/doc_count").asLong()).isEqualTo(300);
        assertThat(one.body()
                        .at("/data/sources/0/dynamodb/current_status/state")
                        .asText())
                .isEqualTo("PROCESSING_STREAM");
        assertThat(call("GET", "/v1/orgs/self/ws/commons/collections", null, "secret")
                        .body()
                        .path("data"))
                .hasSize(1);
        assertThat(call("GET", "/v1/orgs/self/ws/nowhere/collections/x", null, "secret")
                        .status())
                .isEqualTo(404);

        Answer workspaces = call("GET", "/v1/orgs/self/ws", null, "secret");
        assertThat(workspaces.body().path("data"))
                .extracting(w -> w.path("name").asText())
                .containsExactly("commons", "crm");
        assertThat(call("GET", "/v1/orgs/self/ws/crm", null, "secret")
                        .body()
                        .at("/data/collection_count")
                        .asInt())
                .isEqualTo(2);
        assertThat(call("GET", "/v1/orgs/self/ws/nowhere", null, "secret")
                        .body()
                        .path("type")
                        .asText())
                .isEqualTo("NOTFOUND");
    }

    @Test
    void queriesRunByTheFrontReachNoFileNetworkOrEnvironment() throws Exception {
        for (String sql : List.of(
                "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT content FROM read_text('/etc/hostname') JOIN orders ON true JOIN crm.customers ON true",
                "SELECT getenv('HOME')",
                "SELECT * FROM read_json('http://127.0.0.1:" + orders.address().replaceAll(".*:", "") + "/status')",
                "INSTALL httpfs",
                "ATTACH '/tmp/x.db'",
                "COPY (SELECT 1) TO '/tmp/front-copy.csv'")) {
            Answer answer = query(sql);
            assertThat(answer.status()).as(sql).isEqualTo(400);
            assertThat(answer.body().path("type").asText()).as(sql).isEqualTo("QUERY_ERROR");
        }
        assertThat(query("SELECT 40 + 2 AS answer")
                        .body()
                        .at("/results/0/answer")
                        .asInt())
                .isEqualTo(42);
    }

    @Test
    void aStatementNeedingMoreMemoryThanTheFrontGivesOneQueryIsResourceExceeded() throws Exception {
        Answer answer = query("SELECT length(list(range)) AS n FROM range(50000000)");
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(400);
        assertThat(answer.body().path("type").asText()).isEqualTo("RESOURCEEXCEEDED");
    }

    @Test
    void validationParsesWithoutRunning() throws Exception {
        Answer answer = call(
                "POST",
                "/v1/orgs/self/queries/validations",
                "{\"sql\":{\"query\":\"SELECT * FROM orders o JOIN crm.customers c ON o.customerId = c.id WHERE c.name = :who\"}}",
                "secret");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().toString())
                .isEqualTo("{\"collections\":[\"commons.orders\",\"crm.customers\"],\"parameters\":[\"who\"]}");
    }

    private static Answer get(String path) throws Exception {
        return call("GET", "/v1/orgs/self" + path, null, "secret");
    }

    @Test
    void anAsyncQueryEndingWithinTheClientTimeoutAnswersItsFirstResultsAndPagesTheRest() throws Exception {
        String body = "{\"async\": true, \"async_options\": {\"client_timeout_ms\": 10000, \"max_initial_results\": 1},"
                + " \"sql\": {\"query\": \"SELECT orderId FROM orders ORDER BY orderId\"}}";
        Answer first = call("POST", "/v1/orgs/self/queries", body, "secret");
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        assertThat(first.body().path("status").asText()).isEqualTo("COMPLETED");
        String id = first.body().path("query_id").asText();
        assertThat(first.body().path("results")).hasSize(1);
        assertThat(first.body().at("/results/0/orderId").asText()).isEqualTo("o1");
        assertThat(first.body().path("results_total_doc_count").asInt()).isEqualTo(3);

        Answer second = get("/queries/" + id + "/pages?docs=1&cursor="
                + first.body().at("/pagination/next_cursor").asText());
        assertThat(second.body().at("/results/0/orderId").asText()).isEqualTo("o2");
        assertThat(second.body().at("/pagination/current_page_doc_count").asInt())
                .isEqualTo(1);
        Answer rest = get("/queries/" + id + "/pages?docs=10&cursor="
                + second.body().at("/pagination/next_cursor").asText());
        assertThat(rest.body().path("results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o3");
        assertThat(rest.body().at("/pagination/next_cursor").isNull()).isTrue();
        Answer fromOffset = get("/queries/" + id + "/pages?offset=2");
        assertThat(fromOffset.body().path("results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o3");

        Answer info = get("/queries/" + id);
        assertThat(info.body().at("/data/status").asText()).isEqualTo("COMPLETED");
        assertThat(info.body().at("/data/stats/result_set_document_count").asInt())
                .isEqualTo(3);
        assertThat(info.body().at("/data/sql").asText()).isEqualTo("SELECT orderId FROM orders ORDER BY orderId");
        assertThat(info.body().at("/data/expires_at").asText()).isNotEmpty();
    }

    @Test
    void aSlowAsyncQueryIsActiveUntilCancelledAndThenHasNoResults() throws Exception {
        events.delay.set(Duration.ofSeconds(5));
        try {
            Answer started = call(
                    "POST",
                    "/v1/orgs/self/queries",
                    "{\"async\": true, \"sql\": {\"query\": \"SELECT count(*) AS n FROM crm.events\"}}",
                    "secret");
            assertThat(started.status()).isEqualTo(200);
            assertThat(started.body().path("status").asText()).isIn("QUEUED", "RUNNING");
            String id = started.body().path("query_id").asText();
            assertThat(get("/queries").body().path("data").findValuesAsText("query_id"))
                    .contains(id);
            Answer early = get("/queries/" + id + "/pages");
            assertThat(early.status()).isEqualTo(400);
            assertThat(early.body().path("message").asText()).contains("GET /v1/orgs/self/queries/" + id);

            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> id.equals(events.lastQueryId.get()));
            Answer cancelled = call("DELETE", "/v1/orgs/self/queries/" + id, null, "secret");
            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.body().at("/data/status").asText()).isEqualTo("CANCELLED");
            assertThat(events.lastCancelled.get())
                    .as("the worker is asked to stop the statement")
                    .isEqualTo(id);
            assertThat(get("/queries").body().path("data").findValuesAsText("query_id"))
                    .doesNotContain(id);
            assertThat(get("/queries/" + id + "/pages").body().path("message").asText())
                    .contains("cancelled");
        } finally {
            events.delay.set(Duration.ZERO);
        }
    }

    @Test
    void anAsyncQueryPastItsTimeoutEndsWithQueryTimeout() throws Exception {
        events.delay.set(Duration.ofSeconds(3));
        try {
            Answer started = call(
                    "POST",
                    "/v1/orgs/self/queries",
                    "{\"async\": true, \"async_options\": {\"timeout_ms\": 200},"
                            + " \"sql\": {\"query\": \"SELECT count(*) AS n FROM crm.events\"}}",
                    "secret");
            String id = started.body().path("query_id").asText();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> get("/queries/" + id).body().at("/data/status").asText(), "ERROR"::equals);
            JsonNode error = get("/queries/" + id).body().at("/data/query_errors/0");
            assertThat(error.path("type").asText()).isEqualTo("QUERY_TIMEOUT");
            Answer pages = get("/queries/" + id + "/pages");
            assertThat(pages.status()).isEqualTo(408);
            assertThat(pages.body().path("type").asText()).isEqualTo("QUERY_TIMEOUT");
        } finally {
            events.delay.set(Duration.ZERO);
        }
    }

    @Test
    void anAsyncJoinAndAPaginatedSyncQueryAreKeptToo() throws Exception {
        String join = "SELECT o.orderId, c.name FROM commons.orders o JOIN crm.customers c ON o.customerId = c.id"
                + " ORDER BY o.orderId";
        Answer async = call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of(
                        "async",
                        true,
                        "async_options",
                        Map.of("client_timeout_ms", 20000),
                        "sql",
                        Map.of("query", join))),
                "secret");
        assertThat(async.body().path("status").asText())
                .as(async.body().toString())
                .isEqualTo("COMPLETED");
        assertThat(async.body().path("results"))
                .extracting(r -> r.path("name").asText())
                .containsExactly("Ada", "Ada", "Bo");

        Answer paginated = call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of(
                        "sql",
                        Map.of(
                                "query",
                                "SELECT orderId FROM orders ORDER BY orderId",
                                "paginate",
                                true,
                                "initial_paginate_response_doc_count",
                                2))),
                "secret");
        assertThat(paginated.body().path("results")).hasSize(2);
        Answer rest = get("/queries/" + paginated.body().path("query_id").asText() + "/pages?cursor="
                + paginated.body().at("/pagination/next_cursor").asText());
        assertThat(rest.body().path("results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o3");
    }

    @Test
    void unknownQueriesAndForeignCursorsAreClearErrors() throws Exception {
        Answer unknown = get("/queries/no-such-query");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).isEqualTo("NOTFOUND");
        assertThat(call("DELETE", "/v1/orgs/self/queries/no-such-query", null, "secret")
                        .status())
                .isEqualTo(404);

        Answer done = call(
                "POST",
                "/v1/orgs/self/queries",
                "{\"async\": true, \"async_options\": {\"client_timeout_ms\": 10000},"
                        + " \"sql\": {\"query\": \"SELECT 1 AS one FROM orders\"}}",
                "secret");
        String id = done.body().path("query_id").asText();
        Answer badCursor = get("/queries/" + id + "/pages?cursor=not-ours");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.body().path("type").asText()).isEqualTo("INVALIDINPUT");
        assertThat(get("/queries/" + id + "/pages?docs=0").status()).isEqualTo(400);
        assertThat(get("/queries/" + id + "/pages?docs=x").status()).isEqualTo(400);
    }

    @Test
    void theConsolePageIsServedWithoutAKey() throws Exception {
        HttpResponse<String> page = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("id=\"tree\"", "/v1/orgs/self");
    }

    @Test
    void metricsCountQueriesByKindAndOutcomeAndTheKeptResults() throws Exception {
        query("SELECT count(*) AS n FROM orders");
        query("SELECT o.orderId, c.name FROM orders o JOIN crm.customers c ON o.customerId = c.id");
        query("SELECT * FROM commons.nothing");
        HttpResponse<String> metrics = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).as("no API key asked for").isEqualTo(200);
        assertThat(metrics.body())
                .contains(
                        "dynamosync_front_queries_seconds_count{kind=\"one_collection\",outcome=\"COMPLETED\"}",
                        "dynamosync_front_queries_seconds_count{kind=\"across_collections\",outcome=\"COMPLETED\"}",
                        "outcome=\"NOTFOUND\"",
                        "dynamosync_front_collections 3.0",
                        "dynamosync_front_kept_queries",
                        "dynamosync_front_kept_bytes",
                        "jvm_memory_used_bytes");
    }

    @Test
    void aScopedKeyReadsItsWorkspacesOnlyAndSeesOnlyItsOwnQueries() throws Exception {
        Answer own = call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of("sql", Map.of("query", "SELECT count(*) AS n FROM crm.customers"))),
                "crm-key");
        assertThat(own.status()).as(own.body().toString()).isEqualTo(200);

        Answer other = call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of("sql", Map.of("query", "SELECT count(*) AS n FROM commons.orders"))),
                "crm-key");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.body().path("type").asText()).isEqualTo("FORBIDDEN");
        assertThat(other.body().path("message").asText())
                .contains("'crm-readers'", "workspaces crm", "not workspace commons")
                .doesNotContain("crm-key");
        Answer join = call(
                "POST",
                "/v1/orgs/self/queries",
                JSON.writeValueAsString(Map.of(
                        "sql",
                        Map.of("query", "SELECT * FROM commons.orders o JOIN crm.customers c ON o.customerId = c.id"))),
                "crm-key");
        assertThat(join.status()).as("a JOIN reaching into another workspace").isEqualTo(403);

        assertThat(call("GET", "/v1/orgs/self/collections", null, "crm-key")
                        .body()
                        .path("data")
                        .findValuesAsText("workspace"))
                .isNotEmpty()
                .containsOnly("crm");
        assertThat(call("GET", "/v1/orgs/self/ws/commons/collections", null, "crm-key")
                        .status())
                .isEqualTo(403);
        assertThat(call("GET", "/v1/orgs/self/ws", null, "crm-key")
                        .body()
                        .path("data")
                        .findValuesAsText("name"))
                .containsExactly("crm");

        // A query kept for the key of every workspace is not another key's to read or cancel.
        Answer kept = call(
                "POST",
                "/v1/orgs/self/queries",
                "{\"async\": true, \"async_options\": {\"client_timeout_ms\": 10000},"
                        + " \"sql\": {\"query\": \"SELECT 1 AS one FROM crm.customers\"}}",
                "secret");
        String id = kept.body().path("query_id").asText();
        assertThat(call("GET", "/v1/orgs/self/queries/" + id, null, "crm-key").status())
                .isEqualTo(404);
        assertThat(call("DELETE", "/v1/orgs/self/queries/" + id, null, "crm-key")
                        .status())
                .isEqualTo(404);
        assertThat(get("/queries/" + id).status()).isEqualTo(200);
    }

    @Test
    void queryLambdasAreListedWithTheirVersionsAndTagsAndRunWithParametersOverTheirDefaults() throws Exception {
        JsonNode all = get("/lambdas").body().path("data");
        assertThat(all).hasSize(1);
        assertThat(all.at("/0/workspace").asText()).isEqualTo("commons");
        assertThat(all.at("/0/version_count").asInt()).isEqualTo(2);
        assertThat(all.at("/0/latest_version/version").asText()).isEqualTo("2");
        assertThat(all.at("/0/collections/0").asText()).isEqualTo("commons.orders");
        assertThat(get("/ws/commons/lambdas").body().at("/data/0/name").asText())
                .isEqualTo("top-orders");
        assertThat(get("/ws/commons/lambdas/top-orders/versions")
                        .body()
                        .path("data")
                        .findValuesAsText("version"))
                .containsExactly("2", "1");
        JsonNode first = get("/ws/commons/lambdas/top-orders/versions/1").body().path("data");
        assertThat(first.at("/sql/query").asText()).contains(":min");
        assertThat(first.at("/sql/default_parameters/0/value").asText()).isEqualTo("50");
        assertThat(get("/ws/commons/lambdas/top-orders/tags")
                        .body()
                        .path("data")
                        .findValuesAsText("tag_name"))
                .containsExactly("latest", "prod");
        assertThat(get("/ws/commons/lambdas/top-orders/tags/prod")
                        .body()
                        .at("/data/version/version")
                        .asText())
                .isEqualTo("1");

        Answer byDefault = call("POST", "/v1/orgs/self/ws/commons/lambdas/top-orders/versions/1", "{}", "secret");
        assertThat(byDefault.status()).as(byDefault.body().toString()).isEqualTo(200);
        assertThat(byDefault.body().path("results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o2");
        Answer overridden = call(
                "POST",
                "/v1/orgs/self/ws/commons/lambdas/top-orders/tags/prod",
                "{\"parameters\": [{\"name\": \"min\", \"type\": \"float\", \"value\": \"5\"}]}",
                "secret");
        assertThat(overridden.body().path("results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o1", "o2");
        Answer latest = call("POST", "/v1/orgs/self/ws/commons/lambdas/top-orders/tags/latest", null, "secret");
        assertThat(latest.body().path("results")).hasSize(3);
        assertThat(latest.body().at("/results/0/total").decimalValue()).isEqualByComparingTo("10.50");
    }

    @Test
    void queryLambdasAreManagedAsResourcesAndScopedLikeCollections() throws Exception {
        Answer create = call("POST", "/v1/orgs/self/ws/commons/lambdas", "{\"name\": \"x\"}", "secret");
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.body().path("type").asText()).isEqualTo("FORBIDDEN");
        assertThat(create.body().path("message").asText()).contains("QueryLambda resources", "kubectl");
        assertThat(call("DELETE", "/v1/orgs/self/ws/commons/lambdas/top-orders", null, "secret")
                        .status())
                .isEqualTo(403);
        assertThat(call("DELETE", "/v1/orgs/self/ws/commons/lambdas/top-orders/version/1", null, "secret")
                        .status())
                .isEqualTo(403);
        Answer missing = get("/ws/commons/lambdas/top-orders/versions/9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("message").asText()).contains("[1, 2]");
        assertThat(get("/ws/commons/lambdas/nothing/tags").status()).isEqualTo(404);

        assertThat(call("GET", "/v1/orgs/self/lambdas", null, "crm-key").body().path("data"))
                .isEmpty();
        assertThat(call("POST", "/v1/orgs/self/ws/commons/lambdas/top-orders/tags/latest", null, "crm-key")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void viewsAreListedAndUsedInQueriesAsWorkspaceDotView() throws Exception {
        JsonNode all = get("/views").body().path("data");
        assertThat(all.findValuesAsText("path"))
                .containsExactlyInAnyOrder("commons.big", "commons.biggest", "commons.loop", "crm.named");
        JsonNode big = get("/ws/commons/views/big").body().path("data");
        assertThat(big.path("query_sql").asText()).startsWith("SELECT orderId");
        assertThat(big.at("/entities/0").asText()).isEqualTo("commons.orders");

        Answer alone = query("SELECT count(*) AS n FROM big");
        assertThat(alone.status()).as(alone.body().toString()).isEqualTo(200);
        assertThat(alone.body().at("/results/0/n").asInt()).isEqualTo(1);
        assertThat(orders.lastQuery.get())
                .as("a view on one collection goes to its worker")
                .contains("total > 50");
        assertThat(query("SELECT orderId FROM commons.biggest")
                        .body()
                        .at("/results/0/orderId")
                        .asText())
                .isEqualTo("o2");
        Answer joined = query("SELECT b.orderId, c.name FROM commons.big b JOIN crm.named c ON b.customerId = c.id");
        assertThat(joined.status()).as(joined.body().toString()).isEqualTo(200);
        assertThat(joined.body().at("/results/0/name").asText()).isEqualTo("Ada");
        assertThat(call(
                                "POST",
                                "/v1/orgs/self/queries/validations",
                                "{\"sql\": {\"query\": \"SELECT * FROM big\"}}",
                                "secret")
                        .body()
                        .path("collections")
                        .get(0)
                        .asText())
                .isEqualTo("commons.orders");

        Answer loop = query("SELECT * FROM loop");
        assertThat(loop.status()).isEqualTo(400);
        assertThat(loop.body().path("message").asText()).contains("name itself");
        assertThat(call("POST", "/v1/orgs/self/ws/commons/views", "{}", "secret")
                        .body()
                        .path("type")
                        .asText())
                .isEqualTo("FORBIDDEN");
        assertThat(call("GET", "/v1/orgs/self/views", null, "crm-key")
                        .body()
                        .path("data")
                        .findValuesAsText("path"))
                .containsExactly("crm.named");
        assertThat(call(
                                "POST",
                                "/v1/orgs/self/queries",
                                "{\"sql\": {\"query\": \"SELECT * FROM commons.big\"}}",
                                "crm-key")
                        .status())
                .as("a view grants no access to what it reads")
                .isEqualTo(403);
    }
}
