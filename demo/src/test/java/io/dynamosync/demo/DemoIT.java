package io.dynamosync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.http.ApiKey;
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

/** The demo as a user sees it: while the traffic runs, a write shows in the query API within a second. */
@ExtendWith(LocalAwsExtension.class)
class DemoIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aQueryDuringTheDemoSeesAChangeWithinASecondOfItsWrite(LocalAws aws, @TempDir Path data) throws Exception {
        try (Demo demo = Demo.start(aws, LocalAws.uniqueName("orders"), 200, 3, data, 0, ApiKey.of(null))) {
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
