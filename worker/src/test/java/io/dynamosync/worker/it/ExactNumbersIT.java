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
 * digit, whether it came by the load or by the stream, and SQL still compares and adds them.
 */
@ExtendWith(LocalAwsExtension.class)
class ExactNumbersIT {

    /**
     * Numbers spanning DynamoDB's whole range; each is also one item's key. The first half, loaded,
     * fits a DECIMAL; the second, streamed, does not, so the column widens while it holds values.
     */
    private static final List<String> NUMBERS = List.of(
            "0", "1", "-1", "100", "1.500", "0.1", "123.456", "9223372036854775807", "0.5",
            "12345678901234567890123456789012345678", "-99999999999999999999999999999999999999",
            "1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
            "1.2345678901234567890123456789012345678E-100", "3.1415926535897932384626433832795028841",
            "9223372036854775808", "0.00000000000000000000000000000000000001");
    private static final int LOADED = 9;

    @Test
    void everyNumberReadsBackWithEveryDigitThroughTheQueryApi(LocalAws aws, @TempDir Path data) throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        String table = LocalAws.uniqueName("numbers");
        aws.dynamoDb().createTable(b -> b.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("n").attributeType(ScalarAttributeType.N).build())
                .keySchema(KeySchemaElement.builder().attributeName("n").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()));
        int half = LOADED;
        for (int i = 0; i < half; i++) {
            put(aws, table, i);
        }
        Map<String, Object> raw = new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        Settings settings = InitialLoadIT.settings(raw);
        try (AwsClients clients = new AwsClients(settings)) {
            Worker worker = new Worker(settings, clients).open();
            WorkerServer server = new WorkerServer(worker, 0, ApiKey.of(null));
            try {
                worker.start();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(worker::status,
                        s -> s.stream() != null && s.stream().synced() && "Streaming".equals(s.phase()));
                // The other half comes by the stream.
                for (int i = half; i < NUMBERS.size(); i++) {
                    put(aws, table, i);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> worker.store().documents() == NUMBERS.size());

                JsonNode rows = ServedWorker.post(server.port(), ServedWorker.request(
                        "SELECT _id, n__exact, v__exact, ns__exact, m, l, v FROM orders", 1000), null).json().get("results");
                assertThat(rows).hasSize(NUMBERS.size());
                Map<BigDecimal, JsonNode> byKey = new HashMap<>();
                rows.forEach(row -> byKey.put(new BigDecimal(row.get("n__exact").asText()), row));
                for (int i = 0; i < NUMBERS.size(); i++) {
                    BigDecimal expected = new BigDecimal(NUMBERS.get(i));
                    JsonNode row = byKey.entrySet().stream().filter(e -> e.getKey().compareTo(expected) == 0)
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    assertThat(row).as("the item keyed %s", NUMBERS.get(i)).isNotNull();
                    assertThat(new BigDecimal(row.get("_id").asText())).isEqualByComparingTo(expected);
                    assertThat(new BigDecimal(row.get("v__exact").asText())).as("v of %s", NUMBERS.get(i)).isEqualByComparingTo(expected);
                    assertThat(decimals(row.get("ns__exact"))).as("ns of %s", NUMBERS.get(i)).isEqualTo(decimals(setOf(i)));
                    assertThat(row.get("m").get("x").decimalValue()).as("m.x of %s", NUMBERS.get(i)).isEqualByComparingTo(expected);
                    assertThat(row.get("l").get(0).decimalValue()).as("l[0] of %s", NUMBERS.get(i)).isEqualByComparingTo(expected);
                }
                // The numeric column still compares and adds.
                JsonNode sums = ServedWorker.post(server.port(), ServedWorker.request(
                        "SELECT count(*) FILTER (WHERE v > 0) AS positive, count(*) FILTER (WHERE v < 1E-100 AND v > 0) AS tiny, "
                                + "sum(v) FILTER (WHERE abs(v) < 1000) AS small FROM orders", null), null).json().get("results").get(0);
                long positive = NUMBERS.stream().filter(n -> new BigDecimal(n).signum() > 0).count();
                long tiny = NUMBERS.stream().map(BigDecimal::new).filter(n -> n.signum() > 0 && n.compareTo(new BigDecimal("1E-100")) < 0).count();
                double small = NUMBERS.stream().mapToDouble(Double::parseDouble).filter(d -> Math.abs(d) < 1000).sum();
                assertThat(sums.get("positive").asLong()).isEqualTo(positive);
                assertThat(sums.get("tiny").asLong()).isEqualTo(tiny);
                assertThat(sums.get("small").asDouble()).isCloseTo(small, org.assertj.core.data.Offset.offset(1e-9));
            } finally {
                server.close();
                worker.close();
            }
        }
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
            set.add(new BigDecimal(value instanceof JsonNode node ? node.asText() : value.toString()));
        }
        return set;
    }
}
