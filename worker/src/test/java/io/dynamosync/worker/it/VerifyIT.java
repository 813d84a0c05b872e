package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.store.Batch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The worker verifies its replica against the table: nothing to report on a right replica while writes go on; a
 * document changed, removed or added behind the replica's back is reported by key, repaired from the table, and
 * counted.
 */
@ExtendWith(LocalAwsExtension.class)
class VerifyIT {

    private static final int ITEMS = 600;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    private static Map<String, Object> settings(LocalAws aws, String table, Path data) {
        Map<String, Object> settings = new LinkedHashMap<>(WorkerSettingsFor.settings(
                aws, table, data, Map.of("method", "Scan", "readCapacityUnits", 1000, "scanSegments", 2)));
        settings.put("verify", Map.of("segmentsPercent", 100, "readCapacityUnits", 1000));
        return settings;
    }

    private static WorkerStatus.VerificationRun verified(StreamSyncIT.Running running, String token) {
        running.worker().requestVerification(token);
        WorkerStatus status = running.await(
                s -> s.verification() != null
                        && s.verification().last() != null
                        && token.equals(s.verification().last().requestToken()),
                Duration.ofMinutes(3));
        return status.verification().last();
    }

    private static String query(StreamSyncIT.Running running, String sql, String id) throws Exception {
        try (Connection connection = running.worker().store().newConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aRightReplicaVerifiesWithoutDifferencesWhileWritesGoOn(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings(aws, table, data))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(90));
            WorkerStatus.VerificationRun run;
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, ITEMS + 100, 40)) {
                running.await(s -> workload.changes() > 40, Duration.ofSeconds(30));
                run = verified(running, "under-writes");
                assertThat(workload.changes())
                        .as("writes went on during the verification")
                        .isGreaterThan(40);
            }

            assertThat(run.error()).isNull();
            assertThat(run.trigger()).isEqualTo("Request");
            assertThat(run.segmentsChecked()).isEqualTo(run.totalSegments()).isEqualTo(100);
            assertThat(run.itemsChecked()).isGreaterThan(ITEMS / 2);
            assertThat(run.differences())
                    .as("differences in %s", run.differingKeys())
                    .isZero();
            assertThat(run.differingKeys()).isEmpty();
            assertThat(run.repaired()).isZero();
        }
    }

    @Test
    void documentsChangedBehindTheReplicasBackAreReportedByKeyRepairedAndCounted(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
        ItemId itemId = TableInfo.describe(aws.dynamoDb(), table).itemId();
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(settings(aws, table, data))) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(90));

            // Written to the store directly, as a bug or a lost record would: the table never changed.
            Map<String, AttributeValue> changed = new HashMap<>(SampleItems.item(7));
            changed.put("quantity", AttributeValue.fromN("4242"));
            Map<String, AttributeValue> removed = SampleItems.item(8);
            Map<String, AttributeValue> extra = new HashMap<>(SampleItems.item(ITEMS + 50));
            Instant now = Instant.now();
            running.worker()
                    .store()
                    .commit(new Batch()
                            .upsert(itemId.of(changed), changed, now, itemId.describeKey(changed))
                            .delete(itemId.of(removed), now, itemId.describeKey(removed))
                            .upsert(itemId.of(extra), extra, now, itemId.describeKey(extra)));
            // The same document wrong in a second way: an attribute the table's item lacks.
            Map<String, AttributeValue> withMore = new HashMap<>(SampleItems.item(13));
            withMore.put("added", AttributeValue.fromN("1"));
            running.worker()
                    .store()
                    .commit(new Batch().upsert(itemId.of(withMore), withMore, now, itemId.describeKey(withMore)));

            WorkerStatus.VerificationRun run = verified(running, "tampered");

            assertThat(run.error()).isNull();
            assertThat(run.differingKeys())
                    .containsExactlyInAnyOrder(
                            itemId.describeKey(changed),
                            itemId.describeKey(removed),
                            itemId.describeKey(extra),
                            itemId.describeKey(withMore));
            assertThat(run.differingKeys()).noneMatch(key -> key.contains("4242"));
            assertThat(run.differences()).isEqualTo(4);
            assertThat(run.repaired()).isEqualTo(4);
            WorkerStatus status = running.worker().status();
            assertThat(status.verification().differencesTotal()).isEqualTo(4);
            assertThat(status.verification().repairedTotal()).isEqualTo(4);

            // A query shows the table's values again.
            assertThat(query(running, "SELECT CAST(quantity AS VARCHAR) FROM orders WHERE _id = ?", itemId.of(changed)))
                    .isEqualTo(SampleItems.item(7).get("quantity").n());
            assertThat(query(running, "SELECT count(*) FROM orders WHERE _id = ?", itemId.of(removed)))
                    .isEqualTo("1");
            assertThat(query(running, "SELECT count(*) FROM orders WHERE _id = ?", itemId.of(extra)))
                    .isEqualTo("0");
            assertThat(query(running, "SELECT added FROM orders WHERE _id = ?", itemId.of(withMore)))
                    .isNull();
            // Asked for over HTTP, as the operator does: a right replica now, and the counts stay in the metrics.
            try (WorkerServer server = new WorkerServer(running.worker(), 0, ApiKey.of(null))) {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> asked = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/verify"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"after-repair\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(asked.statusCode()).isEqualTo(202);
                WorkerStatus.VerificationRun again = running.await(
                                s -> s.verification().last() != null
                                        && "after-repair"
                                                .equals(s.verification().last().requestToken()),
                                Duration.ofMinutes(3))
                        .verification()
                        .last();
                assertThat(again.differences()).isZero();
                String metrics = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics).containsPattern("dynamosync_verify_repaired_total\\{[^}]*} 4\\.0");
            }
            assertThat(running.worker().status().verification().repairedTotal()).isEqualTo(4);
        }
    }
}
