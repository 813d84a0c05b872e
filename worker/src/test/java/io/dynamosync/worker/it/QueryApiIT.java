package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The query API as its clients see it: answers, errors, parameters, limits, the API key and the metrics. */
@ExtendWith(LocalAwsExtension.class)
class QueryApiIT {

    private static final int ITEMS = 200;
    private static final int MAX_ROWS = 50;

    @TempDir
    static Path data;

    private static ServedWorker served;

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        served = ServedWorker.start(
                aws, data, ITEMS, Map.of("queryTimeoutSeconds", 2, "queryMaxRows", MAX_ROWS), ApiKey.of(null));
    }

    @AfterAll
    static void stop() {
        if (served != null) {
            served.close();
        }
    }

    @Test
    void answersInTheHostedServiceShape() throws Exception {
        ServedWorker.Answer answer = served.query(
                "SELECT \"order\", customer, amount, gift FROM orders WHERE \"order\" < 3 ORDER BY \"order\"");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(UUID.fromString(body.get("query_id").asText())).isNotNull();
        assertThat(body.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(body.get("collections")).extracting(JsonNode::asText).containsExactly("orders");
        assertThat(body.get("results_total_doc_count").asLong()).isEqualTo(3);
        assertThat(body.get("stats").get("elapsed_time_ms").isIntegralNumber()).isTrue();
        assertThat(body.get("column_fields"))
                .extracting(f -> f.get("name").asText() + " " + f.get("type").asText())
                .containsExactly("order BIGINT", "customer VARCHAR", "amount DECIMAL(38,2)", "gift BOOLEAN");
        JsonNode first = body.get("results").get(1);
        assertThat(first.get("order").asLong()).isEqualTo(1);
        assertThat(first.get("customer").asText()).isEqualTo("cust-1");
        assertThat(first.get("amount").decimalValue()).isEqualByComparingTo("1.1");
        assertThat(first.get("gift").isBoolean()).isTrue();
        assertThat(body.has("warnings")).isFalse();
    }

    @Test
    void valuesKeepTheirTypesAndEveryDigit() throws Exception {
        ServedWorker.Answer answer = served.query(
                "SELECT 170141183460469231731687303715884105727::HUGEINT AS huge, "
                        + "1234567890123456789012345678.1234567890::DECIMAL(38,10) AS exact, '{\"a\": [1, 2.50]}'::JSON AS doc, "
                        + "'\\x00\\xFF'::BLOB AS bytes, [1, 2] AS list, {'k': 'v'} AS struct, DATE '2024-05-31' AS day, "
                        + "TIMESTAMP '2024-05-31 13:45:00' AS local_time, TIMESTAMPTZ '2024-05-31 13:45:00+02' AS instant, NULL AS nothing");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode row = answer.json().get("results").get(0);
        assertThat(row.get("huge").bigIntegerValue())
                .isEqualTo(new BigInteger("170141183460469231731687303715884105727"));
        assertThat(answer.body()).contains("\"exact\":1234567890123456789012345678.1234567890");
        assertThat(row.get("doc").get("a").get(1).decimalValue()).isEqualByComparingTo(new BigDecimal("2.50"));
        assertThat(row.get("bytes").asText()).isEqualTo("AP8=");
        assertThat(row.get("list").isArray()).isTrue();
        assertThat(row.get("struct").get("k").asText()).isEqualTo("v");
        assertThat(row.get("day").asText()).isEqualTo("2024-05-31");
        assertThat(row.get("local_time").asText()).isEqualTo("2024-05-31T13:45:00");
        assertThat(row.get("instant").asText()).isEqualTo("2024-05-31T11:45:00Z");
        assertThat(row.get("nothing").isNull()).isTrue();

        JsonNode item = served.query("SELECT address, tags, payload, big FROM orders WHERE \"order\" = 7")
                .json()
                .get("results")
                .get(0);
        assertThat(item.get("address").get("geo").get("lon").decimalValue()).isEqualByComparingTo("-13.4");
        assertThat(item.get("tags")).extracting(JsonNode::asText).containsExactlyInAnyOrder("t1", "t6");
        assertThat(item.get("payload").asText()).isEqualTo("BwAA/w==");
        assertThat(item.get("big").bigIntegerValue())
                .isEqualTo(BigInteger.TEN.pow(37).add(BigInteger.valueOf(7)));
    }

    @Test
    void parametersBindWithTheirDeclaredTypes() throws Exception {
        ServedWorker.Answer answer = served.query(
                "SELECT :s AS s, typeof(:s) AS s_type, :i + :i AS twice, typeof(:i) AS i_type, "
                        + ":f AS f, typeof(:f) AS f_type, :d AS d, typeof(:d) AS d_type, :b AS b, typeof(:b) AS b_type, "
                        + ":day AS day, typeof(:day) AS day_type, :t AS t, typeof(:t) AS t_type, :dt AS dt, typeof(:dt) AS dt_type, "
                        + ":ts AS ts, typeof(:ts) AS ts_type, ':s stays' AS literal, \":i\" FROM (SELECT 1 AS \":i\") "
                        + "WHERE 2::INTEGER = 2",
                "s",
                "string",
                "it's",
                "i",
                "int",
                "21",
                "f",
                "float",
                "1.5",
                "d",
                "decimal",
                "12345678901234567890.5",
                "b",
                "bool",
                "true",
                "day",
                "date",
                "2024-05-31",
                "t",
                "time",
                "13:45:00",
                "dt",
                "datetime",
                "2024-05-31T13:45:00",
                "ts",
                "timestamp",
                "2024-05-31T13:45:00+02:00");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode row = answer.json().get("results").get(0);
        assertThat(row.get("s").asText()).isEqualTo("it's");
        assertThat(row.get("s_type").asText()).isEqualTo("VARCHAR");
        assertThat(row.get("twice").asLong()).isEqualTo(42);
        assertThat(row.get("i_type").asText()).isEqualTo("BIGINT");
        assertThat(row.get("f").asDouble()).isEqualTo(1.5);
        assertThat(row.get("f_type").asText()).isEqualTo("DOUBLE");
        assertThat(row.get("d").decimalValue()).isEqualByComparingTo("12345678901234567890.5");
        assertThat(row.get("d_type").asText()).startsWith("DECIMAL");
        assertThat(row.get("b").asBoolean()).isTrue();
        assertThat(row.get("b_type").asText()).isEqualTo("BOOLEAN");
        assertThat(row.get("day").asText()).isEqualTo("2024-05-31");
        assertThat(row.get("day_type").asText()).isEqualTo("DATE");
        assertThat(row.get("t").asText()).isEqualTo("13:45:00");
        assertThat(row.get("t_type").asText()).isEqualTo("TIME");
        assertThat(row.get("dt").asText()).isEqualTo("2024-05-31T13:45:00");
        assertThat(row.get("dt_type").asText()).isEqualTo("TIMESTAMP");
        assertThat(row.get("ts").asText()).isEqualTo("2024-05-31T11:45:00Z");
        assertThat(row.get("ts_type").asText()).isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(row.get("literal").asText())
                .as("a :name inside a string is text")
                .isEqualTo(":s stays");
        assertThat(row.get(":i").asLong())
                .as("a :name inside a quoted identifier is a name")
                .isEqualTo(1);

        JsonNode found = served.query(
                        "SELECT customer FROM orders WHERE \"order\" = :order AND customer = :customer",
                        "order",
                        "int",
                        "42",
                        "customer",
                        "string",
                        "cust-42")
                .json();
        assertThat(found.get("results"))
                .extracting(r -> r.get("customer").asText())
                .containsExactly("cust-42");
    }

    @Test
    void aParameterThatDoesNotFitItsTypeIsInvalidInput() throws Exception {
        ServedWorker.Answer badDate = served.query("SELECT :day", "day", "date", "2024-13-45");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.json().get("reason").asText()).isEqualTo("InvalidInput");
        assertThat(badDate.json().get("type").asText()).isEqualTo("INVALIDINPUT");
        assertThat(badDate.json().get("message").asText()).contains(":day", "2024-13-45", "2024-05-31");

        ServedWorker.Answer badType = served.query("SELECT :x", "x", "color", "red");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().get("message").asText()).contains("color", "string, int");

        ServedWorker.Answer undeclared = served.query("SELECT * FROM orders WHERE customer = :who");
        assertThat(undeclared.status()).isEqualTo(400);
        assertThat(undeclared.json().get("message").asText()).contains(":who", "does not declare");
    }

    @Test
    void errorsSayWhatAndWhereInTheHostedServiceShape() throws Exception {
        ServedWorker.Answer syntax = served.query("SELECT *\nFROM orders\nWHER \"order\" = 1");
        assertThat(syntax.status()).isEqualTo(400);
        JsonNode body = syntax.json();
        assertThat(body.get("reason").asText()).isEqualTo("QueryParseError");
        assertThat(body.get("type").asText())
                .as("the hosted service's type, as the front answers")
                .isEqualTo("QUERY_ERROR");
        assertThat(body.get("message").asText()).contains("syntax error");
        assertThat(body.get("line").asInt()).isEqualTo(3);
        assertThat(body.get("column").asInt()).isEqualTo(6);
        assertThat(UUID.fromString(body.get("query_id").asText())).isNotNull();

        ServedWorker.Answer unknown = served.query("SELECT customer,\n       nope FROM orders");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("reason").asText()).isEqualTo("QueryError");
        assertThat(unknown.json().get("message").asText()).contains("nope");
        assertThat(unknown.json().get("line").asInt()).isEqualTo(2);
        assertThat(unknown.json().get("column").asInt()).isEqualTo(8);

        ServedWorker.Answer notJson = ServedWorker.post(served.port(), "{\"sql\": ", null);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("reason").asText()).isEqualTo("InvalidInput");
        ServedWorker.Answer noQuery = ServedWorker.post(served.port(), "{\"sql\": {}}", null);
        assertThat(noQuery.status()).isEqualTo(400);
        assertThat(noQuery.json().get("message").asText()).contains("sql.query");
    }

    @Test
    void aQueryOverTheTimeLimitIsCancelledAndTheNextOneRuns() throws Exception {
        long start = System.nanoTime();
        ServedWorker.Answer slow = served.query("SELECT count(*) FROM range(100000000) a, range(100000000) b");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(slow.status()).isEqualTo(408);
        assertThat(slow.json().get("reason").asText()).isEqualTo("QueryTimeout");
        assertThat(slow.json().get("type").asText()).isEqualTo("QUERY_TIMEOUT");
        assertThat(slow.json().get("message").asText()).contains("2 s");
        assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(served.query("SELECT count(*) AS n FROM orders").status()).isEqualTo(200);
    }

    @Test
    void theRowLimitCutsResultsAndSaysSo() throws Exception {
        JsonNode capped = served.query("SELECT * FROM range(100000)").json();
        assertThat(capped.get("results")).hasSize(MAX_ROWS);
        assertThat(capped.get("results_total_doc_count").asInt()).isEqualTo(MAX_ROWS);
        assertThat(capped.get("warnings").get(0).asText()).contains("cut at " + MAX_ROWS);

        JsonNode lowered = ServedWorker.post(served.port(), ServedWorker.request("SELECT * FROM orders", 5), null)
                .json();
        assertThat(lowered.get("results")).hasSize(5);
        JsonNode notRaised = ServedWorker.post(served.port(), ServedWorker.request("SELECT * FROM orders", 1000), null)
                .json();
        assertThat(notRaised.get("results")).hasSize(MAX_ROWS);
        ServedWorker.Answer zero = ServedWorker.post(served.port(), ServedWorker.request("SELECT 1", 0), null);
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().get("reason").asText()).isEqualTo("InvalidInput");
    }

    @Test
    void anApiKeyIsAskedForOnlyByTheQueryApi() throws Exception {
        try (WorkerServer guarded = served.anotherServer(ApiKey.of("k3y-for-tests"))) {
            String query = ServedWorker.request("SELECT count(*) AS n FROM orders", null);
            ServedWorker.Answer missing = ServedWorker.post(guarded.port(), query, null);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.json().get("message").asText()).contains("Authorization: ApiKey");
            ServedWorker.Answer wrong = ServedWorker.post(guarded.port(), query, "ApiKey not-the-key");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("reason").asText()).isEqualTo("AuthenticationError");
            assertThat(wrong.json().get("type").asText()).isEqualTo("AUTHEXCEPTION");
            assertThat(wrong.body()).doesNotContain("k3y-for-tests");
            assertThat(ServedWorker.post(guarded.port(), query, "Basic k3y-for-tests")
                            .status())
                    .isEqualTo(401);
            assertThat(ServedWorker.get(guarded.port(), "/v1/schema", null).status())
                    .isEqualTo(401);

            assertThat(ServedWorker.post(guarded.port(), query, "ApiKey k3y-for-tests")
                            .status())
                    .isEqualTo(200);
            assertThat(ServedWorker.post(guarded.port(), query, "Bearer k3y-for-tests")
                            .status())
                    .isEqualTo(200);
            assertThat(ServedWorker.get(guarded.port(), "/v1/schema", "Bearer k3y-for-tests")
                            .status())
                    .isEqualTo(200);
            assertThat(ServedWorker.get(guarded.port(), "/status", null).status())
                    .isEqualTo(200);
            assertThat(ServedWorker.get(guarded.port(), "/metrics", null).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void theSchemaListsColumnsWithTheirAttributes() throws Exception {
        JsonNode schema = ServedWorker.get(served.port(), "/v1/schema", null).json();
        assertThat(schema.get("collection").asText()).isEqualTo("orders");
        List<String> columns = new ArrayList<>();
        schema.get("columns")
                .forEach(c -> columns.add(c.get("name").asText() + " "
                        + c.get("type").asText() + " " + c.path("attribute").asText("-")));
        assertThat(columns)
                .contains(
                        "_id VARCHAR -",
                        "customer VARCHAR customer",
                        "with space.dot BIGINT with space.dot",
                        "tags VARCHAR[] tags");
        assertThat(columns)
                .as("an attribute differing only in case gets a column of its own")
                .containsAnyOf("Status_2 VARCHAR Status", "status_2 VARCHAR status");
    }

    @Test
    void changesMadeAfterTheLockDownReachTheQueries(LocalAws aws) throws Exception {
        Map<String, AttributeValue> item = SampleItems.item(100_000);
        aws.dynamoDb().putItem(b -> b.tableName(served.table()).item(item));

        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    ServedWorker.Answer answer =
                            served.query("SELECT count(*) AS n FROM orders WHERE \"order\" = 100000");
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.json().get("results").get(0).get("n").asLong())
                            .isEqualTo(1);
                });
    }

    @Test
    void metricsCountQueriesCommitsAndDocuments() throws Exception {
        served.query("SELECT 1");
        served.query("SELECT nope");
        String metrics = ServedWorker.get(served.port(), "/metrics", null).body();

        assertThat(metrics).containsPattern("dynamosync_store_documents\\{collection=\"orders\"} \\d+");
        assertThat(metrics).containsPattern("dynamosync_load_items_loaded\\{collection=\"orders\"} " + ITEMS + "\\.0");
        assertThat(metrics).containsPattern("dynamosync_store_commit_seconds_count\\{collection=\"orders\"} [1-9]");
        assertThat(metrics)
                .containsPattern(
                        "dynamosync_queries_seconds_count\\{collection=\"orders\",outcome=\"COMPLETED\"} [1-9]");
        assertThat(metrics)
                .containsPattern(
                        "dynamosync_queries_seconds_count\\{collection=\"orders\",outcome=\"QueryError\"} [1-9]");
        assertThat(metrics)
                .contains(
                        "dynamosync_stream_lag_seconds",
                        "dynamosync_stream_records_applied",
                        "dynamosync_load_read_capacity_consumed_total",
                        "dynamosync_load_throttles_total");
        // The JVM's heap, for telling a leak from a full buffer (the soak test reads it).
        assertThat(metrics)
                .containsPattern("jvm_memory_used_bytes\\{area=\"heap\",collection=\"orders\",id=\"[^\"]+\"} \\d");
        assertThat(metrics).contains("jvm_gc_live_data_size_bytes");
        // The store's volume, so an alert can fire before it fills; the status says the same.
        assertThat(metrics).containsPattern("dynamosync_store_volume_capacity_bytes\\{collection=\"orders\"} [1-9]");
        assertThat(metrics).containsPattern("dynamosync_store_volume_nearly_full\\{collection=\"orders\"} [01]");
        assertThat(metrics).containsPattern("dynamosync_store_compactions\\{collection=\"orders\"} 0");
        JsonNode store = ServedWorker.get(served.port(), "/status", null).json().get("store");
        assertThat(store.get("volume").get("capacityBytes").asLong())
                .isGreaterThan(store.get("bytes").asLong());
        assertThat(store.get("volume").has("nearlyFull")).isTrue();
        assertThat(store.get("compactions").asLong()).isZero();
    }
}
