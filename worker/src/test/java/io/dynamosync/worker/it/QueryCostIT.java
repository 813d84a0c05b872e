package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.query.QueryAdmission;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Queries bound what they cost: heavy ones cannot starve short ones, answers stream, and the worker's other paths stay free. */
@ExtendWith(LocalAwsExtension.class)
class QueryCostIT {

    private static final String RUNAWAY = "SELECT count(*) FROM range(100000000) a, range(100000000) b";
    private static final int ITEMS = 40;

    @TempDir
    static Path data;

    private static ServedWorker served;

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        served = ServedWorker.start(
                aws,
                data,
                ITEMS,
                Map.of("queryTimeoutSeconds", 10),
                ApiKey.of(null),
                Map.of("duckdb", Map.of("memoryLimit", "300Mi", "threads", 2)));
    }

    @AfterAll
    static void stop() {
        if (served != null) {
            served.close();
        }
    }

    private static CompletableFuture<ServedWorker.Answer> inBackground(String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return served.query(sql);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void runawayQueriesDoNotTurnAPointLookupAwayAndOneTooManyIsStopped() throws Exception {
        // As many runaways as may run long at once: two on a two-core worker, as in the issue.
        int longPlaces = QueryAdmission.forProcessors(Runtime.getRuntime().availableProcessors())
                .longRunning();
        List<CompletableFuture<ServedWorker.Answer>> runaways = new ArrayList<>();
        for (int i = 0; i < longPlaces; i++) {
            runaways.add(inBackground(RUNAWAY));
        }
        Thread.sleep(2000);
        assertThat(runaways).noneMatch(CompletableFuture::isDone);

        for (int order = 0; order < 5; order++) {
            ServedWorker.Answer lookup = served.query(
                    "SELECT \"order\" FROM orders WHERE \"order\" = :n", "n", "int", Integer.toString(order));
            assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
            assertThat(lookup.json().path("results").get(0).path("order").asInt())
                    .isEqualTo(order);
        }
        ServedWorker.Answer oneTooMany = served.query(RUNAWAY);
        assertThat(runaways)
                .as("the lookups were answered while the runaways ran")
                .noneMatch(CompletableFuture::isDone);

        assertThat(oneTooMany.status()).as(oneTooMany.body()).isEqualTo(429);
        assertThat(oneTooMany.json().path("reason").asText()).isEqualTo("TooManyQueries");
        assertThat(oneTooMany.json().path("type").asText()).isEqualTo("RATELIMITEXCEEDED");
        assertThat(oneTooMany.json().path("message").asText()).contains("long-running");
        for (CompletableFuture<ServedWorker.Answer> runaway : runaways) {
            assertThat(runaway.get().status()).as("cut at the time limit").isEqualTo(408);
        }
    }

    @Test
    void resultsStreamSoTheRowLimitBoundsTheAnswerOfAHugeResult() throws Exception {
        // Ten billion rows: materialized first, they would take the time limit and far more than 300 MiB.
        ServedWorker.Answer answer = ServedWorker.post(
                served.port(), ServedWorker.request("SELECT i, i * 2 AS twice FROM range(10000000000) t(i)", 5), null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("results")).hasSize(5);
        assertThat(answer.json().path("warnings").toString()).contains("cut at 5 rows");
    }

    @Test
    void duckdbRunsWithTheMemoryAndThreadsOfTheSettings() throws Exception {
        JsonNode row = served.query(
                        "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory")
                .json()
                .path("results")
                .get(0);

        assertThat(row.path("threads").asInt()).isEqualTo(2);
        assertThat(row.path("memory").asText()).startsWith("300.0 MiB");
    }

    @Test
    void statusAndMetricsDoNotWaitBehindACommit() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            // The store's writer holds this lock for as long as a commit runs: here, a very long commit.
            synchronized (served.store()) {
                holding.countDown();
                try {
                    Thread.sleep(4000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                released.set(true);
            }
        });
        writer.start();
        holding.await();

        ServedWorker.Answer status = ServedWorker.get(served.port(), "/status", null);
        ServedWorker.Answer metrics = ServedWorker.get(served.port(), "/metrics", null);
        boolean answeredDuringTheCommit = !released.get();
        writer.join();

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().path("store").path("documents").asLong()).isEqualTo(ITEMS);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(answeredDuringTheCommit)
                .as("answered while the commit held the store")
                .isTrue();
    }

    @Test
    void anUnknownPathOrMethodAnswersAJsonError() throws Exception {
        ServedWorker.Answer unknown = ServedWorker.get(served.port(), "/v2/nothing", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("reason").asText()).isEqualTo("NotFound");
        assertThat(unknown.json().path("message").asText())
                .contains("/v2/nothing")
                .contains("POST /v1/orgs/self/queries");

        ServedWorker.Answer wrongMethod = ServedWorker.get(served.port(), "/v1/orgs/self/queries", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("reason").asText()).isEqualTo("MethodNotAllowed");

        HttpResponse<String> delete = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.port() + "/status"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(new ServedWorker.Answer(delete.statusCode(), delete.body())
                        .json()
                        .path("message")
                        .asText())
                .contains("DELETE");
    }

    @Test
    void exceptLeavesColumnsOutAsInTransformations() throws Exception {
        ServedWorker.Answer answer =
                served.query("SELECT * EXCEPT (status, Status_2) FROM orders /* not * EXCEPT (x) */ LIMIT 1");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> fields = new ArrayList<>();
        answer.json()
                .path("column_fields")
                .forEach(f -> fields.add(f.path("name").asText()));

        assertThat(fields).contains("_id", "customer", "order").doesNotContain("status", "Status_2");
        JsonNode quoted = served.query("SELECT o.* EXCEPT (amount), '* EXCEPT (a)' AS text FROM orders o LIMIT 1")
                .json();
        assertThat(quoted.path("results").get(0).has("amount")).isFalse();
        assertThat(quoted.path("results").get(0).path("text").asText()).isEqualTo("* EXCEPT (a)");
    }
}
