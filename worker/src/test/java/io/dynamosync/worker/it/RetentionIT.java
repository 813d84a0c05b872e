package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A collection with a retention, whose transformation takes each document's event time from the item's own
 * {@code created} attribute: what the load and the stream bring past the retention never shows in answers, a document
 * leaves them when it passes the retention, the store keeps only what is within it, and the status and metrics say
 * so.
 */
@ExtendWith(LocalAwsExtension.class)
class RetentionIT {

    private static final String TRANSFORMATION =
            "SELECT * REPLACE (to_timestamp(CAST(created AS DOUBLE)) AS _event_time) FROM _input";
    private static final Pattern EXPIRED =
            Pattern.compile("(?m)^dynamosync_store_documents_expired_total\\{[^}]*} (\\S+)$");

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static void put(LocalAws aws, String table, int order, Instant created) {
        aws.dynamoDb()
                .putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "customer", AttributeValue.fromS("c"),
                                "order", AttributeValue.fromN(Integer.toString(order)),
                                "created", AttributeValue.fromN(Long.toString(created.getEpochSecond())))));
    }

    private static List<Integer> orders(WorkerServer server) throws Exception {
        JsonNode answer = ServedWorker.post(
                        server.port(), ServedWorker.request("SELECT \"order\" FROM orders ORDER BY 1", 1000), null)
                .json();
        List<Integer> orders = new ArrayList<>();
        answer.get("results").forEach(row -> orders.add(row.get("order").asInt()));
        return orders;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> range = new ArrayList<>();
        for (int i = from; i < to; i++) {
            range.add(i);
        }
        return range;
    }

    @Test
    void documentsPastTheRetentionLeaveAnswersAndTheStoreAndTheStatusShowsTheRetentionAndTheOldestHeld(
            LocalAws aws, @TempDir Path data) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant recent = now.minus(Duration.ofMinutes(10));
        // Past the retention a minute from now: long enough for the load and the first answer.
        Instant soon = now.minus(Duration.ofHours(1)).plusSeconds(60);
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        for (int i = 0; i < 10; i++) {
            put(aws, table, i, now.minus(Duration.ofHours(3)));
        }
        for (int i = 10; i < 20; i++) {
            put(aws, table, i, recent);
        }
        put(aws, table, 20, soon);
        Map<String, Object> raw =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        raw.put("retention", "1h");
        raw.put("ingestTransformation", TRANSFORMATION);
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
                                s -> s.stream() != null && s.stream().synced());
                List<Integer> first = orders(server);
                Instant answered = Instant.now();
                List<Integer> loaded = range(10, 20);
                if (answered.isBefore(soon.plus(Duration.ofHours(1)))) {
                    loaded.add(20);
                }
                assertThat(first)
                        .as("the load's documents within the retention")
                        .isEqualTo(loaded);

                // By the stream: an old item renewed comes back; an item created long ago never shows.
                put(aws, table, 0, Instant.now());
                put(aws, table, 21, now.minus(Duration.ofHours(2)));
                List<Integer> kept = new ArrayList<>(List.of(0));
                kept.addAll(range(10, 20));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(orders(server))
                                .as("after item 20 passed the retention and the stream's changes came")
                                .isEqualTo(kept));

                WorkerStatus.Store store = Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> worker.status().store(), s -> s.documents() == kept.size());
                assertThat(store.retention()).isEqualTo("1h");
                assertThat(store.oldestEventTime()).isEqualTo(recent);
                Matcher expired = EXPIRED.matcher(
                        ServedWorker.get(server.port(), "/metrics", null).body());
                assertThat(expired.find()).as("the expired documents' metric").isTrue();
                // Items 1 to 9, 20 and 21 at least. The stream's records of the items' first puts, replayed after the
                // load, bring old ones back, and they are deleted again: each deletion counts.
                assertThat(Double.parseDouble(expired.group(1))).isGreaterThanOrEqualTo(11.0);
            } finally {
                server.close();
                worker.close();
            }
        }
    }
}
