package io.dynamosync.operator.collection;

import static io.dynamosync.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.OperatorHarness;
import io.dynamosync.operator.WorkerAnswer;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@EnableKubernetesMockClient(crud = true)
@ExtendWith(LocalAwsExtension.class)
class ManyCollectionsIT {

    private static final int COLLECTIONS = 50;
    private static final Duration POLL = Duration.ofSeconds(2);

    static KubernetesClient client;

    @Test
    void fiftyCollectionsBecomeReadyWithoutErrorsOrAHotLoop(LocalAws aws) throws Exception {
        try (OperatorHarness harness = new OperatorHarness(client, aws, POLL)) {
            String ns = OperatorHarness.namespace("many");
            StsService.Identity user = aws.sts().addUser("000000000000", "many");
            harness.keySecret(ns, "aws-keys", user.accessKeyId(), user.secretAccessKey());
            client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                    .create();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < COLLECTIONS; i++) {
                String table = LocalAws.uniqueName("t");
                aws.dynamoDb()
                        .createTable(r -> r.tableName(table)
                                .keySchema(KeySchemaElement.builder()
                                        .attributeName("id")
                                        .keyType(KeyType.HASH)
                                        .build())
                                .attributeDefinitions(AttributeDefinition.builder()
                                        .attributeName("id")
                                        .attributeType(ScalarAttributeType.S)
                                        .build())
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
                String name = "c" + i;
                names.add(name);
                // Loaded and following, 100 ms behind with records waiting: caught up, though not strictly synced.
                harness.workerAnswers(
                        ns, name, WorkerAnswer.of(name, table).scanning(10, 10).behind(100, 2));
                client.resource(Fixtures.collection(ns, name, "prod", table)).create();
            }

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> names.stream().allMatch(n -> {
                        DynamoCollection c = harness.collection(ns, n);
                        return c.getStatus() != null
                                && condition(c.getStatus(), Conditions.Type.READY)
                                        .map(r -> Conditions.TRUE.equals(r.getStatus()))
                                        .orElse(false);
                    }));

            // Settled: each collection is polled once a period; nothing else should make it reconcile.
            double before = reconciles(harness);
            Duration window = Duration.ofSeconds(10);
            Thread.sleep(window.toMillis());
            double during = reconciles(harness) - before;
            double periods = (double) window.toMillis() / POLL.toMillis();
            assertThat(during)
                    .as("reconciles of %d settled collections in %s", COLLECTIONS, window)
                    .isLessThanOrEqualTo(COLLECTIONS * (periods + 2))
                    // and each is still polled: the count is real, not a meter that never moves.
                    .isGreaterThanOrEqualTo(COLLECTIONS * periods / 2);
            assertThat(failures(harness)).isZero();
            assertThat(harness.operator()
                            .registry()
                            .find("dynamosync.collections")
                            .tag("phase", "Streaming")
                            .gauge()
                            .value())
                    .isEqualTo(COLLECTIONS);

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + harness.operator().port();
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/readyz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("dynamosync_collections{phase=\"Streaming\"} 50.0")
                    .contains("dynamosync_collection_documents{collection=\"c7\",namespace=\"" + ns + "\"} 10.0")
                    .contains("dynamosync_collection_lag_seconds{collection=\"c7\",namespace=\"" + ns + "\"} 0.1")
                    .contains("dynamosync_collection_phase{collection=\"c7\",namespace=\"" + ns
                            + "\",phase=\"Streaming\"} 1.0")
                    .contains("operator_sdk_reconciliations_started");
        }
    }

    private static double reconciles(OperatorHarness harness) {
        return harness
                .operator()
                .registry()
                .find("operator.sdk.reconciliations.started")
                .tag("kind", "DynamoCollection")
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static double failures(OperatorHarness harness) {
        return harness.operator().registry().find("operator.sdk.reconciliations.failed").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
