package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.QueryAccess;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.api.v1alpha1.SecretKeyRef;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.cluster.LocalPod;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The operator and the worker together, as a user runs them: manifests from {@code examples/} applied to the API
 * server, the operator creating the worker's objects, the local kubelet running the worker from its runnable
 * application, and queries through the worker's Service. Each test has its own namespace and table.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
@Execution(ExecutionMode.CONCURRENT)
class LocalClusterIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster(LocalAws aws, @TempDir Path work) {
        cluster = LocalCluster.forTests(client, aws, work);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void scanCollectionFromTheExamplesBecomesReadyServesTheTableAndFollowsWrites(LocalAws aws) {
        String namespace = LocalCluster.namespace("scan");
        String table = table(aws, 300);
        applyExamples(namespace, table);

        await().atMost(READY_WITHIN)
                .untilAsserted(() -> assertThat(isTrue(
                                cluster.integration(namespace, "dev-keys").getStatus(), "Ready"))
                        .isTrue());
        DynamoCollection ready = awaitReady(namespace);
        assertThat(isTrue(ready.getStatus(), "InitialLoadComplete")).isTrue();
        assertThat(isTrue(ready.getStatus(), "Synced")).isTrue();
        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());
        assertThat(ready.getStatus().getDocuments()).isEqualTo(300L);
        assertThat(rows(namespace)).isEqualTo(items(aws, table));
        // kubectl describe shows the load's end as an Event on the collection.
        assertThat(client.v1().events().inNamespace(namespace).list().getItems())
                .filteredOn(e -> "customers".equals(e.getInvolvedObject().getName()))
                .extracting(Event::getReason)
                .contains("Loaded");

        // Inserts, updates and deletes reach the replica through the stream.
        put(aws, table, "new-1", 1);
        put(aws, table, "item-00007", 700);
        aws.dynamoDb().deleteItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("item-00008"))));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(rows(namespace)).isEqualTo(items(aws, table)));
    }

    @Test
    void workerKilledAgainAndAgainWhileStreamingIsRestartedAndLosesNothing(LocalAws aws) throws Exception {
        String namespace = LocalCluster.namespace("kill");
        String table = table(aws, 200);
        applyExamples(namespace, table);
        awaitReady(namespace);

        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 40; i++) {
                put(
                        aws,
                        table,
                        "item-"
                                + String.format(
                                        "%05d", ThreadLocalRandom.current().nextInt(260)),
                        round * 1000 + i);
            }
            LocalPod pod = cluster.kubelet().pod(namespace, "customers-worker").orElseThrow();
            pod.kill();
            await().atMost(READY_WITHIN)
                    .until(() -> cluster.kubelet()
                            .pod(namespace, "customers-worker")
                            .filter(p -> p != pod && p.ready())
                            .isPresent());
        }
        assertThat(cluster.kubelet().restarts(namespace, "customers-worker-0")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(rows(namespace)).isEqualTo(items(aws, table)));
    }

    @Test
    void suspendStopsTheWorkerKeepsTheVolumeAndResumeCatchesUp(LocalAws aws) {
        String namespace = LocalCluster.namespace("suspend");
        String table = table(aws, 100);
        applyExamples(namespace, table);
        awaitReady(namespace);

        edit(namespace, c -> c.getSpec().setSuspend(true));
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        cluster.kubelet().pod(namespace, "customers-worker").isEmpty());
        Path volume = cluster.kubelet().claimDirectory(namespace, "data-customers-worker-0");
        assertThat(volume).isDirectory();
        put(aws, table, "while-suspended", 42);

        edit(namespace, c -> c.getSpec().setSuspend(false));
        awaitReady(namespace);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(rows(namespace)).isEqualTo(items(aws, table)));
        JsonNode status = cluster.query(namespace, "customers", "SELECT count(*) AS n FROM customers");
        assertThat(status.path(0).path("n").asLong()).isEqualTo(101);
    }

    @Test
    void deletingACollectionWithDeletePolicyRemovesItsWorkerAndVolume(LocalAws aws) {
        String namespace = LocalCluster.namespace("delete");
        String table = table(aws, 50);
        applyExamples(namespace, table);
        awaitReady(namespace);
        Path volume = cluster.kubelet().claimDirectory(namespace, "data-customers-worker-0");
        assertThat(volume).isDirectory();

        edit(namespace, c -> c.getSpec().setDeletionPolicy(DeletionPolicy.DELETE));
        client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName("customers")
                .delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(cluster.collection(namespace, "customers")).isNull();
            assertThat(cluster.kubelet().pod(namespace, "customers-worker")).isEmpty();
            assertThat(client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withName("data-customers-worker-0")
                            .get())
                    .isNull();
            assertThat(Files.exists(volume)).isFalse();
        });
    }

    @Test
    void apiKeyFromTheCollectionsSecretGuardsQueriesAndNeverReachesTheLog(LocalAws aws) throws Exception {
        String namespace = LocalCluster.namespace("apikey");
        String table = table(aws, 20);
        String key = "k-" + UUID.randomUUID();
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("query-key")
                        .withNamespace(namespace)
                        .endMetadata()
                        .withStringData(Map.of("apiKey", key))
                        .build())
                .create();
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> {
            if (cluster.atLocalAws(o, table) instanceof DynamoCollection collection) {
                QueryAccess access = new QueryAccess();
                SecretKeyRef ref = new SecretKeyRef();
                ref.setName("query-key");
                access.setApiKeySecretRef(ref);
                collection.getSpec().setQuery(access);
            }
            return o;
        });
        awaitReady(namespace);

        String url = cluster.worker(namespace, "customers") + "/v1/orgs/self/queries";
        String body = "{\"sql\": {\"query\": \"SELECT count(*) AS n FROM customers\"}}";
        HttpResponse<String> without = post(url, body, null);
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.body()).contains("AuthenticationError").doesNotContain(key);
        HttpResponse<String> with = post(url, body, "ApiKey " + key);
        assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
        assertThat(with.body()).contains("\"n\":20");
        // The key came from the Secret through the environment; neither the pod's log nor the objects the operator
        // wrote carry it.
        assertThat(cluster.kubelet()
                        .pod(namespace, "customers-worker")
                        .orElseThrow()
                        .log())
                .doesNotContain(key);
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(namespace)
                        .withName("customers-worker")
                        .get()
                        .toString())
                .doesNotContain(key);
        assertThat(client.configMaps()
                        .inNamespace(namespace)
                        .withName("customers-worker")
                        .get()
                        .getData()
                        .toString())
                .doesNotContain(key);
    }

    @Test
    void rotatedAccessKeysRestartTheWorkerWithTheNewKeys(LocalAws aws) {
        String namespace = LocalCluster.namespace("rotate");
        String table = table(aws, 30);
        applyExamples(namespace, table);
        awaitReady(namespace);
        LocalPod before = cluster.kubelet().pod(namespace, "customers-worker").orElseThrow();
        assertThat(before.environment()).containsEntry("AWS_ACCESS_KEY_ID", "local");

        StsService.Identity rotated = aws.sts().addUser("000000000000", "rotated-" + namespace);
        client.secrets().inNamespace(namespace).withName("dev-aws-keys").edit(secret -> {
            secret.setData(null);
            secret.setStringData(
                    Map.of("accessKeyId", rotated.accessKeyId(), "secretAccessKey", rotated.secretAccessKey()));
            return secret;
        });

        // The pod template carries a hash of the Secret's values: the worker is replaced and starts with the new keys.
        await().atMost(READY_WITHIN)
                .untilAsserted(() -> assertThat(cluster.kubelet().pod(namespace, "customers-worker"))
                        .hasValueSatisfying(pod -> {
                            assertThat(pod).isNotSameAs(before);
                            assertThat(pod.environment())
                                    .containsEntry("AWS_ACCESS_KEY_ID", rotated.accessKeyId())
                                    .containsEntry("AWS_SECRET_ACCESS_KEY", rotated.secretAccessKey());
                        }));
        assertThat(client.v1().events().inNamespace(namespace).list().getItems())
                .extracting(Event::getReason)
                .contains("SecretsChanged");
        put(aws, table, "after-rotation", 1);
        // The new pod answers once its store is open; until then the Service has no endpoint (503).
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(rows(namespace)).isEqualTo(items(aws, table)));
        // The keys went to the worker through its environment, never into a log.
        assertThat(cluster.kubelet()
                        .pod(namespace, "customers-worker")
                        .orElseThrow()
                        .log())
                .doesNotContain(rotated.secretAccessKey());
    }

    private static HttpResponse<String> post(String url, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void exportCollectionFromTheExamplesLoadsByExportThenFollowsWrites(LocalAws aws) {
        String namespace = LocalCluster.namespace("export");
        String table = table(aws, 150);
        String bucket = ("exports-" + UUID.randomUUID()).substring(0, 30);
        aws.s3().createBucket(b -> b.bucket(bucket));
        cluster.apply("integration-access-keys.yaml", namespace, o -> {
            HasMetadata edited = cluster.atLocalAws(o, table);
            if (edited instanceof DynamoIntegration integration) {
                S3Bucket s3 = new S3Bucket();
                s3.setBucket(bucket);
                s3.setPrefix("exports/");
                // The kit's S3Proxy, like most S3-compatible stores, takes path-style addresses and checksums only
                // where S3 requires them (README, "S3-compatible stores and checksums").
                s3.setForcePathStyle(true);
                s3.setChecksumWhenRequired(true);
                integration.getSpec().setS3(s3);
            }
            return edited;
        });
        cluster.apply("collection-export.yaml", namespace, o -> cluster.atLocalAws(o, table));

        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "orders");
            assertThat(isTrue(c.getStatus(), "Ready"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .isTrue();
        });
        DynamoCollection ready = cluster.collection(namespace, "orders");
        assertThat(ready.getStatus().getExportArn()).as("loaded by export").isNotBlank();
        assertThat(ready.getStatus().getDocuments()).isEqualTo(150L);
        assertThat(rows(namespace, "orders")).isEqualTo(items(aws, table));

        put(aws, table, "item-90000", 90000);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(rows(namespace, "orders")).isEqualTo(items(aws, table)));
    }

    private static void applyExamples(String namespace, String table) {
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> cluster.atLocalAws(o, table));
    }

    private static DynamoCollection awaitReady(String namespace) {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "customers");
            assertThat(isTrue(c.getStatus(), "Ready"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .isTrue();
        });
        DynamoCollection ready = cluster.collection(namespace, "customers");
        // One condition of each type: kubectl wait and kstatus read the first they find.
        assertThat(ready.getStatus().getConditions())
                .extracting(c -> c.getType())
                .doesNotHaveDuplicates();
        return ready;
    }

    private static void edit(String namespace, java.util.function.Consumer<DynamoCollection> change) {
        client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName("customers")
                .edit(c -> {
                    change.accept(c);
                    return c;
                });
    }

    private static String table(LocalAws aws, int items) {
        String table = LocalAws.uniqueName("Customers");
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (int i = 0; i < items; i++) {
            put(aws, table, String.format("item-%05d", i), i);
        }
        return table;
    }

    private static void put(LocalAws aws, String table, String id, int n) {
        Map<String, AttributeValue> item = Map.of(
                "id",
                AttributeValue.fromS(id),
                "n",
                AttributeValue.fromN(Integer.toString(n)),
                "name",
                AttributeValue.fromS("customer " + n));
        aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
    }

    /** The table, item by item: id to "n|name". */
    private static Map<String, String> items(LocalAws aws, String table) {
        Map<String, String> items = new TreeMap<>();
        aws.dynamoDb()
                .scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> items.put(
                        item.get("id").s(),
                        item.get("n").n() + "|" + item.get("name").s()));
        return items;
    }

    /** The replica, row by row, read through the worker's Service. */
    private static Map<String, String> rows(String namespace) {
        return rows(namespace, "customers");
    }

    private static Map<String, String> rows(String namespace, String collection) {
        Map<String, String> rows = new TreeMap<>();
        for (JsonNode row : cluster.query(namespace, collection, "SELECT id, n, name FROM " + collection)) {
            rows.put(
                    row.path("id").asText(),
                    row.path("n").asText() + "|" + row.path("name").asText());
        }
        return rows;
    }
}
