package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A transformation that is valid SQL but fails on some data stops the worker with reason
 * {@code TransformationFailed} and DuckDB's own message, writes nothing of the batch that holds
 * the offending item, and leaves the collection answering queries with what it held.
 */
@ExtendWith(LocalAwsExtension.class)
class TransformationFailureIT {

    private static final int ITEMS = 50;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static Map<String, AttributeValue> itemWithCode(int i, String code) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(SampleItems.item(i));
        item.put("code", AttributeValue.fromS(code));
        return item;
    }

    private static JsonNode row(WorkerServer server, String sql) throws Exception {
        ServedWorker.Answer answer = ServedWorker.post(server.port(), ServedWorker.request(sql, null), null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("results").get(0);
    }

    @Test
    void anItemTheTransformationCannotConvertStopsTheWorkerWithDuckDbsMessageAndWritesNothingOfItsBatch(
            LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        for (int i = 0; i < ITEMS; i++) {
            Map<String, AttributeValue> item = itemWithCode(i, Integer.toString(i));
            aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
        }
        Map<String, Object> settings =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        settings.put("ingestTransformation", "SELECT *, CAST(code AS INTEGER) AS code_number FROM _input");

        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings)) {
            WorkerServer server = new WorkerServer(running.worker(), 0, ApiKey.of(null));
            try {
                running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
                JsonNode loaded = row(server, "SELECT count(*) AS n, sum(code_number) AS total FROM orders");
                assertThat(loaded.get("n").asLong()).isEqualTo(ITEMS);
                assertThat(loaded.get("total").asLong()).isEqualTo(1225);

                // Reads of the stream are held back while a good item and a bad one are written, so
                // that both arrive in one page, and one batch.
                FaultRule held = aws.faults()
                        .on("GetRecords")
                        .forTable(table)
                        .error(AwsError.LIMIT_EXCEEDED)
                        .always();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.hits() > 0);
                aws.dynamoDb().putItem(b -> b.tableName(table).item(itemWithCode(ITEMS, Integer.toString(ITEMS))));
                aws.dynamoDb().putItem(b -> b.tableName(table).item(itemWithCode(ITEMS + 1, "fifty-one")));
                held.remove();

                WorkerStatus failed = running.await(s -> s.error() != null, Duration.ofSeconds(30));
                assertThat(failed.phase()).isEqualTo("Error");
                assertThat(failed.error().reason()).isEqualTo("TransformationFailed");
                assertThat(failed.error().message())
                        .startsWith("the ingest transformation failed: ")
                        .contains("Could not convert string 'fifty-one'");
                // The worker tries again after a pause and fails the same way, writing nothing; the
                // status says so throughout, the attempt included, rather than Streaming meanwhile.
                List<String> otherwise = new ArrayList<>();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            WorkerStatus now = running.worker().status();
                            if (now.error() == null
                                    || !now.error().reason().equals("TransformationFailed")
                                    || !now.phase().equals("Error")) {
                                otherwise.add(now.phase() + " " + now.error());
                            }
                            return now.error() != null
                                    && now.error().at().isAfter(failed.error().at());
                        });
                assertThat(otherwise)
                        .as("statuses between the first attempt and the next that did not say it failed")
                        .isEmpty();

                JsonNode after = row(
                        server,
                        "SELECT count(*) AS n, sum(code_number) AS total, "
                                + "count(*) FILTER (WHERE _id IN ('cust-50|50', 'cust-51|51')) AS newer FROM orders");
                assertThat(after.get("n").asLong())
                        .as("documents, as before the failing batch")
                        .isEqualTo(ITEMS);
                assertThat(after.get("total").asLong()).isEqualTo(1225);
                assertThat(after.get("newer").asLong())
                        .as("documents of the failing batch, the good one included")
                        .isZero();
            } finally {
                server.close();
            }
        }
    }
}
