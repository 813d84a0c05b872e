package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.QueryAccess;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryLambdaParameter;
import io.dynamosync.api.v1alpha1.QueryLambdaSpec;
import io.dynamosync.api.v1alpha1.QueryLambdaVersionSpec;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.api.v1alpha1.QueryViewSpec;
import io.dynamosync.api.v1alpha1.SecretKeyRef;
import io.dynamosync.front.Front;
import io.dynamosync.front.FrontSettings;
import io.dynamosync.front.http.ApiKeys;
import io.dynamosync.front.http.FrontKey;
import io.dynamosync.front.http.SecretApiKeys;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The query front over two collections on the local cluster, as a Rockset client uses it: {@code orders} in the
 * namespace that workspace {@code commons} stands for, {@code customers} in a workspace of its own behind an API
 * key. JOINs through the front answer what the same statements answer on one DuckDB holding copies of the tables'
 * items; a single-collection query goes to its worker; collections and workspaces are listed in Rockset's shapes;
 * errors come in Rockset's shape, and a collection whose worker is stopped is named in the error.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
class FrontIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final String KEY = "front-test-key";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static LocalCluster cluster;
    private static Front front;
    private static final ApiKeys keys = ApiKeys.of(FrontKey.of(KEY));
    private static String shop;
    private static String crm;
    private static String ordersTable;
    private static String customersTable;

    @BeforeAll
    static void start(LocalAws aws, @TempDir Path work) {
        cluster = LocalCluster.forTests(client, aws, work);
        shop = LocalCluster.namespace("shop");
        crm = LocalCluster.namespace("crm");
        ordersTable = table(aws, "Orders", "orderId");
        customersTable = table(aws, "Customers", "id");
        for (int i = 0; i < 40; i++) {
            String id = String.format("c%02d", i);
            int n = i;
            aws.dynamoDb().putItem(b -> b.tableName(customersTable).item(customer(id, n)));
        }
        String[] statuses = {"PAID", "SHIPPED", "CANCELLED"};
        for (int i = 0; i < 200; i++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("orderId", AttributeValue.fromS(String.format("o%03d", i)));
            // Some orders name a customer that does not exist, for the outer joins.
            item.put("customerId", AttributeValue.fromS(String.format("c%02d", (i * 7) % 45)));
            item.put("total", AttributeValue.fromN(Integer.toString((i * 37) % 1000)));
            item.put("status", AttributeValue.fromS(statuses[i % 3]));
            aws.dynamoDb().putItem(b -> b.tableName(ordersTable).item(item));
        }

        applyCollection(shop, "orders", ordersTable, null);
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("customers-query")
                        .withNamespace(crm)
                        .endMetadata()
                        .withStringData(Map.of("apiKey", "worker-key"))
                        .build())
                .create();
        applyCollection(crm, "customers", customersTable, "customers-query");
        awaitReady(shop, "orders");
        awaitReady(crm, "customers");

        client.resource(bigOrders()).create();
        QueryView paid = new QueryView();
        paid.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(shop)
                .withName("paid")
                .build());
        QueryViewSpec paidSpec = new QueryViewSpec();
        paidSpec.setSql("SELECT * FROM orders WHERE status = 'PAID'");
        paid.setSpec(paidSpec);
        client.resource(paid).create();
        front = Front.start(
                client,
                FrontSettings.defaults()
                        .withPort(0)
                        .withNamespaces(Set.of(shop, crm), shop)
                        .withWorkerAddress(cluster.workerAddressTemplate()),
                keys);
    }

    /** {@code commons.big-orders}: orders over :min (500 by default); version 2, the latest, PAID ones only. */
    private static QueryLambda bigOrders() {
        QueryLambdaVersionSpec first = new QueryLambdaVersionSpec();
        first.setVersion("1");
        first.setSql("SELECT count(*) AS n FROM orders WHERE total > :min");
        first.setDefaultParameters(List.of(new QueryLambdaParameter("min", "int", "500")));
        QueryLambdaVersionSpec second = new QueryLambdaVersionSpec();
        second.setVersion("2");
        second.setSql("SELECT count(*) AS n FROM commons.orders WHERE total > :min AND status = 'PAID'");
        second.setDefaultParameters(List.of(new QueryLambdaParameter("min", "int", "500")));
        QueryLambdaSpec spec = new QueryLambdaSpec();
        spec.setVersions(List.of(first, second));
        spec.setTags(Map.of("prod", "1"));
        QueryLambda lambda = new QueryLambda();
        lambda.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(shop)
                .withName("big-orders")
                .build());
        lambda.setSpec(spec);
        return lambda;
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void joinsThroughTheFrontEqualTheSameStatementsOnOneDuckDbHoldingBothTables(LocalAws aws) throws Exception {
        String customers = "\"" + crm + "\".customers";
        List<String> statements = List.of(
                // inner join, aggregates, a filter on one side
                "SELECT c.name, count(*) AS orders, sum(o.total) AS spent, max(o.total) AS biggest "
                        + "FROM commons.orders o JOIN " + customers + " c ON o.customerId = c.id "
                        + "WHERE o.status = 'PAID' GROUP BY c.name ORDER BY c.name",
                // left join with the filter in the join condition, a parameter, bare commons name
                "SELECT c.id, count(o.orderId) AS big_orders FROM " + customers + " c "
                        + "LEFT JOIN orders o ON o.customerId = c.id AND o.total > :min GROUP BY c.id ORDER BY c.id",
                // filters on each side
                "SELECT o.orderId, c.name, o.total FROM orders o JOIN " + customers + " c ON o.customerId = c.id "
                        + "WHERE c.tier >= 2 AND o.total < 300 ORDER BY o.orderId",
                // orders without a customer
                "SELECT o.orderId FROM commons.orders o LEFT JOIN " + customers + " c ON o.customerId = c.id "
                        + "WHERE c.id IS NULL ORDER BY o.orderId");
        try (Connection reference = copies(aws)) {
            for (String sql : statements) {
                JsonNode answer = query(sql, Map.of("min", 500));
                assertThat(answer.path("collections"))
                        .as(sql)
                        .extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder("commons.orders", crm + ".customers");
                assertThat(rows(answer.path("results")))
                        .as(sql)
                        .isNotEmpty()
                        .isEqualTo(rows(reference, sql.replace(":min", "500")));
                assertThat(answer.path("syncedAsOf").path("commons.orders").asText())
                        .isNotEmpty();
                assertThat(answer.path("syncedAsOf").path(crm + ".customers").asText())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void aQueryOnOneCollectionIsAnsweredByItsWorker() throws Exception {
        JsonNode count = query("SELECT count(*) AS n FROM commons.orders", Map.of());
        assertThat(count.at("/results/0/n").asInt()).isEqualTo(200);
        JsonNode one = query("SELECT name FROM \"" + crm + "\".customers WHERE id = :id", Map.of("id", "c07"));
        assertThat(one.at("/results/0/name").asText()).isEqualTo("customer 7");
    }

    @Test
    void collectionsAndWorkspacesAreListedInRocksetsShapes() throws Exception {
        JsonNode all = get("/v1/orgs/self/collections").body();
        assertThat(all.path("data"))
                .extracting(
                        c -> c.path("workspace").asText() + "." + c.path("name").asText())
                .containsExactlyInAnyOrder("commons.orders", crm + ".customers");
        JsonNode customers =
                get("/v1/orgs/self/ws/" + crm + "/collections/customers").body().path("data");
        assertThat(customers.path("status").asText()).isEqualTo("READY");
        assertThat(customers.at("/stats/doc_count").asLong()).isEqualTo(40);
        assertThat(customers.at("/sources/0/dynamodb/table_name").asText()).isEqualTo(customersTable);
        assertThat(customers.at("/sources/0/dynamodb/current_status/state").asText())
                .isEqualTo("PROCESSING_STREAM");
        assertThat(get("/v1/orgs/self/ws/commons/collections").body().path("data"))
                .extracting(c -> c.path("name").asText())
                .containsExactly("orders");
        assertThat(get("/v1/orgs/self/ws").body().path("data"))
                .extracting(w -> w.path("name").asText())
                .contains("commons", crm);
        assertThat(get("/v1/orgs/self/ws/commons")
                        .body()
                        .at("/data/collection_count")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void errorsComeInRocksetsShape() throws Exception {
        Answer syntax = post("/v1/orgs/self/queries", body("SELECT * FROM orders WHERE", Map.of()), KEY);
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.body().path("type").asText()).isEqualTo("QUERY_ERROR");
        assertThat(syntax.body().has("error_id")).isTrue();
        assertThat(syntax.body().has("query_id")).isTrue();

        Answer unknown = post("/v1/orgs/self/queries", body("SELECT * FROM commons.returns", Map.of()), KEY);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asText()).isEqualTo("NOTFOUND");
        assertThat(unknown.body().path("message").asText()).contains("commons.returns");

        Answer badKey = post("/v1/orgs/self/queries", body("SELECT 1", Map.of()), "not-the-key");
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(badKey.body().path("type").asText()).isEqualTo("AUTHEXCEPTION");

        Answer managed = post("/v1/orgs/self/ws/commons/collections", "{\"name\":\"x\"}", KEY);
        assertThat(managed.body().path("message").asText()).contains("kubectl");
    }

    @Test
    void aStoppedWorkerIsNamedAndTheOtherCollectionStillAnswers() throws Exception {
        String namespace = LocalCluster.namespace("down");
        // A collection of its own to stop, so the other tests keep theirs.
        applyCollection(namespace, "returns", customersTable, null);
        awaitReady(namespace, "returns");
        try (Front own = Front.start(
                client,
                FrontSettings.defaults()
                        .withPort(0)
                        .withNamespaces(Set.of(shop, namespace), shop)
                        .withWorkerAddress(cluster.workerAddressTemplate()),
                ApiKeys.of(FrontKey.of(KEY)))) {
            client.resources(DynamoCollection.class)
                    .inNamespace(namespace)
                    .withName("returns")
                    .edit(c -> {
                        c.getSpec().setSuspend(true);
                        return c;
                    });
            await().atMost(READY_WITHIN)
                    .until(() ->
                            cluster.kubelet().pod(namespace, "returns-worker").isEmpty());
            String join =
                    "SELECT count(*) AS n FROM orders o JOIN \"" + namespace + "\".returns r ON o.customerId = r.id";
            Answer down = post(own.port(), "/v1/orgs/self/queries", body(join, Map.of()), KEY);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body().path("type").asText()).isEqualTo("NOT_READY");
            assertThat(down.body().path("message").asText()).contains(namespace + ".returns");
            Answer up =
                    post(own.port(), "/v1/orgs/self/queries", body("SELECT count(*) AS n FROM orders", Map.of()), KEY);
            assertThat(up.body().at("/results/0/n").asInt()).isEqualTo(200);
        }
    }

    @Test
    void rocksetsOwnJavaScriptClientWorksUnchanged(@TempDir Path scratch) throws Exception {
        JsonNode out = runClient("calls.js", scratch, "http://127.0.0.1:" + front.port(), KEY, crm);
        assertThat(out.at("/query/results/0/n").asInt()).isEqualTo(200);
        assertThat(out.at("/join/results/0/n").asInt()).isPositive();
        assertThat(out.at("/join/collections/1").asText()).isEqualTo(crm + ".customers");
        assertThat(out.path("validate").toString())
                .isEqualTo("{\"collections\":[\"commons.orders\"],\"parameters\":[\"min\"]}");
        assertThat(out.at("/collections/data")).hasSize(2);
        assertThat(out.at("/workspaceCollections/data/0/name").asText()).isEqualTo("customers");
        assertThat(out.at("/collection/data/status").asText()).isEqualTo("READY");
        assertThat(out.at("/collection/data/sources/0/dynamodb/table_name").asText())
                .isEqualTo(customersTable);
        assertThat(out.at("/workspaces/data"))
                .extracting(w -> w.path("name").asText())
                .contains("commons", crm);
        assertThat(out.at("/workspace/data/collection_count").asInt()).isEqualTo(1);
        // An async query: its first five results at once, the rest in pages, its info, no longer active.
        assertThat(out.at("/async/status").asText()).isEqualTo("COMPLETED");
        assertThat(out.at("/async/results")).hasSize(5);
        assertThat(out.at("/async/results/0/orderId").asText()).isEqualTo("o000");
        assertThat(out.at("/asyncInfo/data/status").asText()).isEqualTo("COMPLETED");
        assertThat(out.at("/asyncInfo/data/stats/result_set_document_count").asInt())
                .isEqualTo(200);
        assertThat(out.at("/asyncPage/results"))
                .extracting(r -> r.path("orderId").asText())
                .containsExactly("o005", "o006", "o007", "o008", "o009", "o010", "o011", "o012", "o013", "o014");
        assertThat(out.at("/active/data").findValuesAsText("query_id"))
                .doesNotContain(out.at("/async/query_id").asText());
        assertThat(out.at("/cancelEnded/data/status").asText())
                .as("an ended query stays as it ended")
                .isEqualTo("COMPLETED");
        assertThat(out.at("/unknownQuery/type").asText()).isEqualTo("NOTFOUND");
        assertThat(out.at("/slowStarted/status").asText()).isIn("QUEUED", "RUNNING");
        assertThat(out.at("/slowActive/data").findValuesAsText("query_id"))
                .contains(out.at("/slowStarted/query_id").asText());
        assertThat(out.at("/slowCancelled/data/status").asText()).isEqualTo("CANCELLED");
        assertThat(out.at("/slowAfter/data/status").asText()).isEqualTo("CANCELLED");
        // The worker stopped the statement: it counts a cancelled query, not one still running to its time limit.
        URI workerMetrics = URI.create(
                cluster.workerAddressTemplate().replace("{name}", "orders").replace("{namespace}", shop) + "/metrics");
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(HTTP.send(
                                        HttpRequest.newBuilder(workerMetrics).build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
                        .contains("outcome=\"QueryCancelled\""));
        assertThat(out.at("/parseError/type").asText()).isEqualTo("QUERY_ERROR");
        assertThat(out.at("/parseError/line").asInt()).isEqualTo(1);
        assertThat(out.at("/notFound/type").asText()).isEqualTo("NOTFOUND");
        // Query lambdas: listed, read, run by version and by tag, and managed as resources, not through the API.
        assertThat(out.at("/lambdas/data/0/name").asText()).isEqualTo("big-orders");
        assertThat(out.at("/lambdas/data/0/version_count").asInt()).isEqualTo(2);
        assertThat(out.at("/workspaceLambdas/data")).hasSize(1);
        assertThat(out.at("/lambdaVersions/data").findValuesAsText("version")).containsExactly("2", "1");
        assertThat(out.at("/lambdaVersion/data/sql/default_parameters/0/value").asText())
                .isEqualTo("500");
        assertThat(out.at("/lambdaTags/data").findValuesAsText("tag_name")).containsExactly("latest", "prod");
        assertThat(out.at("/lambdaTag/data/version/version").asText()).isEqualTo("1");
        assertThat(out.at("/lambdaByVersion/results/0/n").asLong())
                .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE total > 500", Map.of())
                        .at("/results/0/n")
                        .asLong());
        assertThat(out.at("/lambdaByTag/results/0/n").asLong())
                .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE total > 900 AND status = 'PAID'", Map.of())
                        .at("/results/0/n")
                        .asLong());
        assertThat(out.at("/lambdaCreate/type").asText()).isEqualTo("FORBIDDEN");
        // Views: listed, used in a query as workspace.view, managed as resources.
        assertThat(out.at("/views/data/0/path").asText()).isEqualTo("commons.paid");
        assertThat(out.at("/viewQuery/results/0/n").asLong())
                .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE status = 'PAID'", Map.of())
                        .at("/results/0/n")
                        .asLong());
        assertThat(out.at("/viewCreate/type").asText()).isEqualTo("FORBIDDEN");
        assertThat(out.at("/unserved/type").asText()).isEqualTo("NOTIMPLEMENTEDYET");
        assertThat(out.at("/unserved/message").asText()).contains("managed with kubectl");
        assertThat(out.at("/managed/message").asText()).contains("managed with kubectl");
        assertThat(out.at("/badKey/type").asText()).isEqualTo("AUTHEXCEPTION");
    }

    @Test
    void whereTheFrontAllowsWritesAManagingKeyWritesLambdasAndViewsAsResources(@TempDir Path scratch) throws Exception {
        ApiKeys writing = ApiKeys.of(FrontKey.of(KEY));
        writing.replace(Map.of("reader", "{\"key\": \"k-reader\"}"));
        try (Front own = Front.start(
                client,
                FrontSettings.defaults()
                        .withPort(0)
                        .withNamespaces(Set.of(shop, crm), shop)
                        .withWorkerAddress(cluster.workerAddressTemplate())
                        .withWrites(true),
                writing)) {
            // Written through the API, the lambda is a QueryLambda resource, as kubectl and GitOps see it.
            Answer made = post(
                    own.port(),
                    "/v1/orgs/self/ws/commons/lambdas",
                    "{\"name\": \"made-by-api\", \"sql\": {\"query\": \"SELECT count(*) AS n FROM orders\"}}",
                    KEY);
            assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
            assertThat(made.body().at("/data/version").asText()).isEqualTo("1");
            QueryLambda resource = client.resources(QueryLambda.class)
                    .inNamespace(shop)
                    .withName("made-by-api")
                    .get();
            assertThat(resource.getSpec().getVersions())
                    .extracting(QueryLambdaVersionSpec::getSql)
                    .containsExactly("SELECT count(*) AS n FROM orders");
            Answer readOnly = post(
                    "/v1/orgs/self/ws/commons/lambdas", "{\"name\": \"x\", \"sql\": {\"query\": \"SELECT 1\"}}", KEY);
            assertThat(readOnly.status())
                    .as("the other front does not allow writes")
                    .isEqualTo(403);
            assertThat(readOnly.body().path("message").asText()).contains("front.allowWrites");
            client.resources(QueryLambda.class)
                    .inNamespace(shop)
                    .withName("made-by-api")
                    .delete();

            JsonNode out = runClient("writes.js", scratch, "http://127.0.0.1:" + own.port(), KEY, "k-reader");
            assertThat(out.at("/created/data/version").asText()).isEqualTo("1");
            assertThat(out.at("/created/data/sql/default_parameters/0/value").asText())
                    .isEqualTo("PAID");
            assertThat(out.at("/updated/data/version").asText()).isEqualTo("2");
            assertThat(out.at("/tagged/data/tag_name").asText()).isEqualTo("prod");
            assertThat(out.at("/tagged/data/version/version").asText()).isEqualTo("1");
            assertThat(out.at("/byProd/results/0/n").asLong())
                    .as("version 1 through its tag, with the call's parameter")
                    .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'", Map.of())
                            .at("/results/0/n")
                            .asLong());
            assertThat(out.at("/byLatest/results/0").has("total"))
                    .as("latest is version 2")
                    .isTrue();
            assertThat(out.at("/byLatest/results/0/n").asLong())
                    .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE status = 'PAID'", Map.of())
                            .at("/results/0/n")
                            .asLong());
            assertThat(out.at("/versions/data").findValuesAsText("version")).containsExactly("2", "1");
            assertThat(out.at("/untagged/data/tag_name").asText()).isEqualTo("prod");
            assertThat(out.at("/tagsAfter/data").findValuesAsText("tag_name")).containsExactly("latest");
            assertThat(out.at("/versionDeleted/data/version").asText()).isEqualTo("1");
            assertThat(out.at("/lastVersion/type").asText()).isEqualTo("INVALIDINPUT");
            assertThat(out.at("/third/data/version").asText()).isEqualTo("3");
            assertThat(out.at("/thirdDeleted/data/version").asText()).isEqualTo("3");
            assertThat(out.at("/fourth/data/version").asText())
                    .as("3 is not given again")
                    .isEqualTo("4");
            assertThat(out.at("/elsewhere/type").asText())
                    .as("a workspace the front does not serve")
                    .isEqualTo("NOTFOUND");
            assertThat(out.at("/duplicate/type").asText()).isEqualTo("ALREADYEXISTS");
            assertThat(out.at("/badSql/type").asText()).isEqualTo("QUERY_ERROR");
            assertThat(out.at("/badName/type").asText()).isEqualTo("INVALIDINPUT");
            assertThat(out.at("/queryKey/type").asText()).isEqualTo("FORBIDDEN");
            assertThat(out.at("/queryKey/message").asText()).contains("role");
            assertThat(out.at("/lambdaDeleted/data/name").asText()).isEqualTo("by-status");
            assertThat(out.at("/lambdaGone/type").asText()).isEqualTo("NOTFOUND");
            assertThat(out.at("/viewCreated/data/path").asText()).isEqualTo("commons.shipped");
            assertThat(out.at("/viewQuery/results/0/n").asLong())
                    .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE status = 'SHIPPED'", Map.of())
                            .at("/results/0/n")
                            .asLong());
            assertThat(out.at("/viewUpdated/data/query_sql").asText()).contains("PAID");
            assertThat(out.at("/viewQueryAfter/results/0/n").asLong())
                    .isEqualTo(query("SELECT count(*) AS n FROM orders WHERE status = 'PAID'", Map.of())
                            .at("/results/0/n")
                            .asLong());
            assertThat(out.at("/viewDeleted/data/name").asText()).isEqualTo("shipped");
            assertThat(out.at("/viewGone/type").asText()).isEqualTo("NOTFOUND");
            assertThat(client.resources(QueryView.class)
                            .inNamespace(shop)
                            .list()
                            .getItems())
                    .extracting(v -> v.getMetadata().getName())
                    .doesNotContain("shipped");
        }
    }

    @Test
    void theConsoleShowsTheWorkspacesTreeFieldsAndAJoinInABrowser(@TempDir Path profile) throws Exception {
        WebDriver browser = io.dynamosync.testkit.browser.Chromium.start("the front console's browser test", profile);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get("http://127.0.0.1:" + front.port() + "/");
            // The front has a key: the page asks for it, then shows the tree.
            wait.until(b -> b.findElement(By.id("key-box")).isDisplayed());
            browser.findElement(By.id("api-key")).sendKeys(KEY);
            browser.findElement(By.id("save-key")).click();
            wait.until(
                    b -> b.findElements(By.cssSelector("#tree li.collection")).size() == 2);
            assertThat(browser.findElements(By.cssSelector("#tree li.collection")))
                    .extracting(e -> e.getAttribute("data-collection"))
                    .containsExactlyInAnyOrder("commons.orders", crm + ".customers");
            assertThat(browser.findElement(By.cssSelector("#tree li[data-collection='commons.orders']"))
                            .getText())
                    .contains("ready", "200 documents");
            assertThat(browser.findElement(By.id("tree")).getText()).contains("big-orders", "paid");

            browser.findElement(By.cssSelector("#tree li[data-collection='" + crm + ".customers'] .item"))
                    .click();
            wait.until(b -> !b.findElements(By.cssSelector("#tree .fields li")).isEmpty());
            assertThat(browser.findElements(By.cssSelector("#tree .fields li span:first-child")))
                    .extracting(WebElement::getText)
                    .contains("_id", "id", "name");

            WebElement sql = browser.findElement(By.id("sql"));
            sql.clear();
            String join = "SELECT c.name, count(*) AS n FROM orders o JOIN \"" + crm
                    + "\".customers c ON o.customerId = c.id GROUP BY c.name ORDER BY c.name";
            sql.sendKeys(join);
            browser.findElement(By.id("run")).click();
            JsonNode expected = query(join, Map.of()).path("results");
            wait.until(b -> b.findElements(By.cssSelector("#results tbody tr")).size() == expected.size());
            List<String> rows = browser.findElements(By.cssSelector("#results tbody tr")).stream()
                    .map(WebElement::getText)
                    .toList();
            List<String> wanted = new java.util.ArrayList<>();
            expected.forEach(
                    r -> wanted.add(r.path("name").asText() + " " + r.path("n").asText()));
            assertThat(rows).containsExactlyElementsOf(wanted);
            assertThat(browser.findElement(By.id("synced")).getText()).contains("commons.orders", crm + ".customers");

            sql.clear();
            sql.sendKeys("SELECT * FROM");
            browser.findElement(By.id("run")).click();
            wait.until(b -> b.findElement(By.id("error")).isDisplayed());
            assertThat(browser.findElement(By.id("error")).getText()).startsWith("QUERY_ERROR (line 1");
        } finally {
            browser.quit();
        }
    }

    @Test
    void keysFromASecretAreScopedAndTakeEffectWhenTheSecretChanges() throws Exception {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("front-api-keys")
                        .withNamespace(shop)
                        .endMetadata()
                        .withStringData(Map.of("shop-analysts", "{\"key\": \"k-shop\", \"workspaces\": [\"commons\"]}"))
                        .build())
                .create();
        try (SecretApiKeys fromSecret = new SecretApiKeys(client, shop, "front-api-keys", keys)) {
            fromSecret.refresh();
            String orders = body("SELECT count(*) AS n FROM orders", Map.of());
            Answer allowed = post("/v1/orgs/self/queries", orders, "k-shop");
            assertThat(allowed.status()).as(allowed.body().toString()).isEqualTo(200);
            assertThat(allowed.body().at("/results/0/n").asInt()).isEqualTo(200);
            Answer forbidden = post(
                    "/v1/orgs/self/queries",
                    body("SELECT count(*) AS n FROM \"" + crm + "\".customers", Map.of()),
                    "k-shop");
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.body().path("type").asText()).isEqualTo("FORBIDDEN");

            client.secrets().inNamespace(shop).withName("front-api-keys").delete();
            fromSecret.refresh();
            assertThat(post("/v1/orgs/self/queries", orders, "k-shop").status())
                    .as("the key is gone with its Secret")
                    .isEqualTo(401);
            assertThat(post("/v1/orgs/self/queries", orders, KEY).status()).isEqualTo(200);
        } finally {
            keys.replace(Map.of());
        }
    }

    /**
     * Runs {@code script} (of {@code src/test/resources/rockset-client}) with node beside {@code @rockset/client}, with
     * {@code arguments}; the one JSON object it prints. It must exit with 0.
     */
    private static JsonNode runClient(String script, Path scratch, String... arguments) throws Exception {
        io.dynamosync.testkit.tier.Tiers.require(
                commandWorks("npm", "--version") && commandWorks("node", "--version"),
                "the Rockset client test",
                "it runs @rockset/client from npm with node; install nodejs and npm");
        Path client = rocksetClient();
        java.nio.file.Files.copy(
                Path.of(FrontIT.class.getResource("/rockset-client/" + script).toURI()),
                client.resolve(script),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new java.util.ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        Process node = new ProcessBuilder(command)
                .directory(client.toFile())
                .redirectError(scratch.resolve("node.err").toFile())
                .start();
        String printed = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(node.waitFor())
                .as("node: %s", java.nio.file.Files.readString(scratch.resolve("node.err")))
                .isZero();
        return JSON.readTree(printed);
    }

    /** {@code @rockset/client} 0.9.2 from npm, installed once under target/ and kept for later runs. */
    private static Path rocksetClient() throws Exception {
        Path directory = LocalCluster.ROOT.resolve("e2e/target/rockset-client");
        if (!java.nio.file.Files.isDirectory(directory.resolve("node_modules/@rockset/client"))) {
            java.nio.file.Files.createDirectories(directory);
            // Nothing of this JVM's own standard streams: they are the test runner's channel to Maven, and node makes
            // a standard input it inherits non-blocking, which breaks that channel.
            Path log = directory.resolve("npm-install.log");
            Process npm = new ProcessBuilder(
                            "npm", "install", "--no-audit", "--no-fund", "--silent", "@rockset/client@0.9.2")
                    .directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertThat(npm.waitFor())
                    .as("npm install @rockset/client@0.9.2: %s", java.nio.file.Files.readString(log))
                    .isZero();
        }
        return directory;
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- the cluster side

    private static String table(LocalAws aws, String prefix, String key) {
        String table = LocalAws.uniqueName(prefix);
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName(key).keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName(key).attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        return table;
    }

    private static Map<String, AttributeValue> customer(String id, int n) {
        return Map.of(
                "id", AttributeValue.fromS(id),
                "name", AttributeValue.fromS("customer " + n),
                "tier", AttributeValue.fromN(Integer.toString(n % 4)));
    }

    private static void applyCollection(String namespace, String name, String table, String keySecret) {
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> {
            HasMetadata edited = cluster.atLocalAws(o, table);
            if (edited instanceof DynamoCollection collection) {
                collection.getMetadata().setName(name);
                if (keySecret != null) {
                    SecretKeyRef ref = new SecretKeyRef();
                    ref.setName(keySecret);
                    ref.setKey("apiKey");
                    QueryAccess query = new QueryAccess();
                    query.setApiKeySecretRef(ref);
                    collection.getSpec().setQuery(query);
                }
            }
            return edited;
        });
    }

    private static void awaitReady(String namespace, String name) {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, name);
            assertThat(isTrue(c.getStatus(), "Ready"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .isTrue();
        });
    }

    /** One DuckDB holding copies of both tables' items, in the same workspaces as schemas. */
    private static Connection copies(LocalAws aws) throws Exception {
        Connection db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA commons");
            s.execute("CREATE SCHEMA \"" + crm + "\"");
            s.execute(
                    "CREATE TABLE commons.orders (orderId VARCHAR, customerId VARCHAR, total BIGINT, status VARCHAR)");
            s.execute("CREATE VIEW main.orders AS SELECT * FROM commons.orders");
            s.execute("CREATE TABLE \"" + crm + "\".customers (id VARCHAR, name VARCHAR, tier BIGINT)");
        }
        try (var insert = db.prepareStatement("INSERT INTO commons.orders VALUES (?, ?, ?, ?)")) {
            for (Map<String, AttributeValue> item : aws.dynamoDb()
                    .scanPaginator(b -> b.tableName(ordersTable).consistentRead(true))
                    .items()) {
                insert.setString(1, item.get("orderId").s());
                insert.setString(2, item.get("customerId").s());
                insert.setLong(3, Long.parseLong(item.get("total").n()));
                insert.setString(4, item.get("status").s());
                insert.execute();
            }
        }
        try (var insert = db.prepareStatement("INSERT INTO \"" + crm + "\".customers VALUES (?, ?, ?)")) {
            for (Map<String, AttributeValue> item : aws.dynamoDb()
                    .scanPaginator(b -> b.tableName(customersTable).consistentRead(true))
                    .items()) {
                insert.setString(1, item.get("id").s());
                insert.setString(2, item.get("name").s());
                insert.setLong(3, Long.parseLong(item.get("tier").n()));
                insert.execute();
            }
        }
        return db;
    }

    /** Rows as lists of text, numbers written without trailing zeros, so that exact equal values compare equal. */
    private static List<Map<String, String>> rows(JsonNode results) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode row : results) {
            Map<String, String> values = new LinkedHashMap<>();
            row.fields().forEachRemaining(f -> values.put(f.getKey(), text(f.getValue())));
            rows.add(values);
        }
        return rows;
    }

    private static List<Map<String, String>> rows(Connection db, String sql) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    values.put(
                            meta.getColumnLabel(i),
                            v == null ? "null" : v instanceof Number n ? number(n.toString()) : v.toString());
                }
                rows.add(values);
            }
        }
        return rows;
    }

    private static String text(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        return value.isNumber() ? number(value.asText()) : value.asText();
    }

    private static String number(String text) {
        return new BigDecimal(text).stripTrailingZeros().toPlainString();
    }

    // ---- the client side

    record Answer(int status, JsonNode body) {}

    private static String body(String sql, Map<String, Object> parameters) throws Exception {
        List<Map<String, Object>> declared = new ArrayList<>();
        parameters.forEach((name, value) -> declared.add(
                Map.of("name", name, "type", value instanceof String ? "string" : "int", "value", value.toString())));
        return JSON.writeValueAsString(Map.of("sql", Map.of("query", sql, "parameters", declared)));
    }

    private static JsonNode query(String sql, Map<String, Object> parameters) throws Exception {
        Answer answer = post("/v1/orgs/self/queries", body(sql, parameters), KEY);
        assertThat(answer.status()).as("%s: %s", sql, answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static Answer post(String path, String body, String key) throws Exception {
        return post(front.port(), path, body, key);
    }

    private static Answer post(int port, String path, String body, String key) throws Exception {
        return send(
                port,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                key);
    }

    private static Answer get(String path) throws Exception {
        return send(front.port(), HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path)), KEY);
    }

    private static Answer send(int port, HttpRequest.Builder request, String key) throws Exception {
        HttpResponse<String> response = HTTP.send(
                request.header("Authorization", "ApiKey " + key)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
