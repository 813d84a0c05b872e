package io.dynamosync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The demo as a user sees it: while the traffic runs, a write shows in the query API within a second, and the query
 * front JOINs orders with customers and runs the demo's query lambda.
 */
@ExtendWith(LocalAwsExtension.class)
class DemoIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aQueryDuringTheDemoSeesAChangeWithinASecondOfItsWrite(LocalAws aws, @TempDir Path data) throws Exception {
        try (Demo demo = Demo.start(
                aws, LocalAws.uniqueName("orders"), LocalAws.uniqueName("customers"), 200, 3, data, 0, 0, null)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> demo.worker().status(),
                            s -> s.stream() != null && s.stream().synced());
            assertThat(count(demo, "SELECT count(*) AS n FROM orders")).isGreaterThan(100);

            Random random = new Random();
            List<Duration> delays = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Map<String, AttributeValue> order = Orders.order(random, 900_000 + i, Instant.now());
                String orderId = order.get("orderId").s();
                long written = System.nanoTime();
                aws.dynamoDb().putItem(b -> b.tableName(demo.table()).item(order));
                while (count(demo, "SELECT count(*) AS n FROM orders WHERE orderId = '" + orderId + "'") == 0) {
                    assertThat(Duration.ofNanos(System.nanoTime() - written))
                            .as("order %s not seen yet", orderId)
                            .isLessThan(Duration.ofSeconds(10));
                    Thread.sleep(50);
                }
                delays.add(Duration.ofNanos(System.nanoTime() - written));
            }

            assertThat(delays)
                    .as("from write to first query seeing it")
                    .allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
            assertThat(demo.traffic().changes())
                    .as("the traffic kept changing orders")
                    .isPositive();
        }
    }

    @Test
    void theFrontJoinsOrdersWithCustomersAndRunsTheLambda(LocalAws aws, @TempDir Path data) throws Exception {
        try (Demo demo = Demo.start(
                aws, LocalAws.uniqueName("orders"), LocalAws.uniqueName("customers"), 200, 3, data, 0, 0, null)) {
            for (String collection : List.of(Demo.COLLECTION, Demo.CUSTOMERS)) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(
                                () -> demo.worker(collection).status(),
                                s -> s.stream() != null && s.stream().synced());
            }
            // One statement, so that both counts see the same pull of orders while the traffic goes on.
            JsonNode joined = post(
                    demo.frontPort(),
                    "/v1/orgs/self/queries",
                    "{\"sql\": {\"query\": \"SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM"
                            + " orders o JOIN customers c ON o.customerId = c.id) AS joined\"}}");
            long orders = joined.at("/results/0/orders").asLong();
            assertThat(orders).isGreaterThan(100);
            assertThat(joined.at("/results/0/joined").asLong())
                    .as("every order's customer is in the customers collection")
                    .isEqualTo(orders);
            assertThat(joined.path("syncedAsOf").has("commons.orders")
                            && joined.path("syncedAsOf").has("commons.customers"))
                    .as("syncedAsOf names both collections: %s", joined.path("syncedAsOf"))
                    .isTrue();

            JsonNode lambda = post(
                    demo.frontPort(),
                    "/v1/orgs/self/ws/commons/lambdas/" + Demo.LAMBDA + "/tags/latest",
                    "{\"parameters\": [{\"name\": \"status\", \"type\": \"string\", \"value\": \"PENDING\"}]}");
            List<String> tiers = new ArrayList<>();
            lambda.path("results").forEach(r -> tiers.add(r.path("tier").asText()));
            assertThat(tiers).isNotEmpty().isSubsetOf(Customers.TIERS).doesNotHaveDuplicates();
            long pending = 0;
            for (JsonNode row : lambda.path("results")) {
                pending += row.path("orders").asLong();
            }
            assertThat(pending).as("pending orders, by tier").isPositive().isLessThanOrEqualTo(orders + 50);
        }
    }

    private static JsonNode post(int port, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long count(Demo demo, String sql) throws Exception {
        String body = JSON.createObjectNode()
                .set("sql", JSON.createObjectNode().put("query", sql))
                .toString();
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/v1/orgs/self/queries"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode results = JSON.readTree(response.body()).get("results");
        return results.get(0).get("n").asLong();
    }
}
