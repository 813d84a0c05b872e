package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Every DynamoDB number, from 1E-130 to 9.99...E+125 with 38 significant digits, negative, zero,
 * with trailing zeros, in keys, sets, maps and lists, reads back through the query API with every
 * digit (compared attribute by attribute with the table's own reading of the items), whether it
 * came by the load or by the stream, no companion column shows, and SQL still compares and adds them.
 */
@ExtendWith(LocalAwsExtension.class)
class ExactNumbersIT {

    /**
     * Numbers spanning DynamoDB's whole range; each is also one item's key. The first half, loaded,
     * fits a DECIMAL; the second, streamed, does not, so the column widens while it holds values.
     */
    private static final List<String> NUMBERS = List.of(
            "0",
            "1",
            "-1",
            "100",
            "1.500",
            "0.1",
            "123.456",
            "9223372036854775807",
            "0.5",
            "12345678901234567890123456789012345678",
            "-99999999999999999999999999999999999999",
            "1E-130",
            "-1E-130",
            "9.9999999999999999999999999999999999999E+125",
            "-9.9999999999999999999999999999999999999E+125",
            "1.2345678901234567890123456789012345678E-100",
            "3.1415926535897932384626433832795028841",
            "9223372036854775808",
            "0.00000000000000000000000000000000000001");

    private static final int LOADED = 9;

    @Test
    void everyNumberReadsBackWithEveryDigitThroughTheQueryApi(LocalAws aws, @TempDir Path data) throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        String table = LocalAws.uniqueName("numbers");
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .attributeDefinitions(AttributeDefinition.builder()
                                .attributeName("n")
                                .attributeType(ScalarAttributeType.N)
                                .build())
                        .keySchema(KeySchemaElement.builder()
                                .attributeName("n")
                                .keyType(KeyType.HASH)
                                .build())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(StreamSpecification.builder()
                                .streamEnabled(true)
                                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                                .build()));
        int half = LOADED;
        for (int i = 0; i < half; i++) {
            put(aws, table, i);
        }
        Map<String, Object> raw =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        Settings settings = InitialLoadIT.settings(raw);
        try (AwsClients clients = new AwsClients(settings)) {
            Worker worker = new Worker(settings, clients).open();
            WorkerServer server = new WorkerServer(worker, 0, ApiKey.of(null));
            try {
                worker.start();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(
                                worker::status,
                                s -> s.stream() != null && s.stream().synced() && "Streaming".equals(s.phase()));
                // The other half comes by the stream.
                for (int i = half; i < NUMBERS.size(); i++) {
                    put(aws, table, i);
                }
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> worker.store().documents() == NUMBERS.size());

                // Every attribute of every item, as the query API renders SELECT *, against the table's own reading.
                JsonNode answer = ServedWorker.post(
                                server.port(), ServedWorker.request("SELECT * FROM orders", 1000), null)
                        .json();
                JsonNode rows = answer.get("results");
                assertThat(rows).hasSize(NUMBERS.size());
                Map<BigDecimal, JsonNode> byKey = new HashMap<>();
                rows.forEach(row -> byKey.put(row.get("n").decimalValue().stripTrailingZeros(), row));
                List<String> wrong = new ArrayList<>();
                int compared = 0;
                for (Map<String, AttributeValue> item : aws.dynamoDb()
                        .scan(b -> b.tableName(table).consistentRead(true))
                        .items()) {
                    JsonNode row = byKey.get(new BigDecimal(item.get("n").n()).stripTrailingZeros());
                    assertThat(row).as("the item keyed %s", item.get("n").n()).isNotNull();
                    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
                        compared++;
                        if (!same(attribute.getValue(), row.get(attribute.getKey()))) {
                            wrong.add(attribute.getKey() + " of "
                                    + item.get("n").n() + ": " + row.get(attribute.getKey()));
                        }
                    }
                    row.fieldNames().forEachRemaining(name -> {
                        if (!item.containsKey(name) && !name.equals("_id") && !name.equals("_event_time")) {
                            wrong.add("an attribute the item does not have: " + name);
                        }
                    });
                }
                assertThat(wrong).as("wrong values among %d compared", compared).isEmpty();
                assertThat(compared).isEqualTo(NUMBERS.size() * 5);
                assertThat(answer.get("column_fields").toString())
                        .doesNotContain("__exact")
                        .doesNotContain("approximate");
                assertThat(ServedWorker.get(server.port(), "/v1/schema", null).body())
                        .doesNotContain("__exact");
                // A DOUBLE column picked by name, renamed and filtered: the digits still, and the filter said to be
                // approximate.
                JsonNode picked = ServedWorker.post(
                                server.port(),
                                ServedWorker.request(
                                        "SELECT t.v AS value, t.ns FROM orders AS t WHERE t.v > 1E100", null),
                                null)
                        .json();
                assertThat(picked.get("results"))
                        .extracting(r -> r.get("value").decimalValue())
                        .usingElementComparator(BigDecimal::compareTo)
                        .containsExactlyInAnyOrder(new BigDecimal("9.9999999999999999999999999999999999999E+125"));
                assertThat(picked.get("warnings").toString()).contains("computes with v");
                // The numeric column still compares and adds.
                JsonNode sums = ServedWorker.post(
                                server.port(),
                                ServedWorker.request(
                                        "SELECT count(*) FILTER (WHERE v > 0) AS positive, count(*) FILTER (WHERE v < 1E-100 AND v > 0) AS tiny, "
                                                + "sum(v) FILTER (WHERE abs(v) < 1000) AS small FROM orders",
                                        null),
                                null)
                        .json()
                        .get("results")
                        .get(0);
                long positive = NUMBERS.stream()
                        .filter(n -> new BigDecimal(n).signum() > 0)
                        .count();
                long tiny = NUMBERS.stream()
                        .map(BigDecimal::new)
                        .filter(n -> n.signum() > 0 && n.compareTo(new BigDecimal("1E-100")) < 0)
                        .count();
                double small = NUMBERS.stream()
                        .mapToDouble(Double::parseDouble)
                        .filter(d -> Math.abs(d) < 1000)
                        .sum();
                assertThat(sums.get("positive").asLong()).isEqualTo(positive);
                assertThat(sums.get("tiny").asLong()).isEqualTo(tiny);
                assertThat(sums.get("small").asDouble()).isCloseTo(small, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(ServedWorker.post(
                                        server.port(),
                                        ServedWorker.request("SELECT sum(v) AS small FROM orders", null),
                                        null)
                                .json()
                                .get("column_fields")
                                .get(0)
                                .get("approximate")
                                .asBoolean())
                        .as("a sum of DOUBLE says so")
                        .isTrue();
            } finally {
                server.close();
                worker.close();
            }
        }
    }

    /** Whether the query API's rendering of a value is what DynamoDB holds: numbers by value, with every digit. */
    private static boolean same(AttributeValue expected, JsonNode actual) {
        if (actual == null) {
            return false;
        }
        return switch (expected.type()) {
            case N -> actual.isNumber() && actual.decimalValue().compareTo(new BigDecimal(expected.n())) == 0;
            case S -> actual.isTextual() && actual.asText().equals(expected.s());
            case NS -> actual.isArray() && decimals(actual).equals(decimals(expected.ns()));
            case M ->
                actual.isObject()
                        && actual.size() == expected.m().size()
                        && expected.m().entrySet().stream().allMatch(e -> same(e.getValue(), actual.get(e.getKey())));
            case L -> {
                boolean all = actual.isArray() && actual.size() == expected.l().size();
                for (int i = 0; all && i < expected.l().size(); i++) {
                    all = same(expected.l().get(i), actual.get(i));
                }
                yield all;
            }
            default -> throw new AssertionError("the test writes no " + expected.type());
        };
    }

    private static void put(LocalAws aws, String table, int i) {
        String number = NUMBERS.get(i);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("n", AttributeValue.fromN(number));
        item.put("v", AttributeValue.fromN(number));
        item.put("ns", AttributeValue.fromNs(setOf(i)));
        item.put("m", AttributeValue.fromM(Map.of("x", AttributeValue.fromN(number))));
        item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromN(number), AttributeValue.fromS("s"))));
        aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
    }

    /** A set of two numbers for item {@code i}: its own and its neighbour's, loaded with loaded, streamed with streamed. */
    private static List<String> setOf(int i) {
        int neighbour = i < LOADED ? (i + 1) % LOADED : LOADED + (i + 1 - LOADED) % (NUMBERS.size() - LOADED);
        List<String> set = new ArrayList<>(List.of(NUMBERS.get(i)));
        if (new BigDecimal(NUMBERS.get(neighbour)).compareTo(new BigDecimal(NUMBERS.get(i))) != 0) {
            set.add(NUMBERS.get(neighbour));
        }
        return set;
    }

    private static TreeSet<BigDecimal> decimals(Iterable<?> values) {
        TreeSet<BigDecimal> set = new TreeSet<>();
        for (Object value : values) {
            set.add((value instanceof JsonNode node ? node.decimalValue() : new BigDecimal(value.toString()))
                    .stripTrailingZeros());
        }
        return set;
    }
}
