package io.dynamosync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.cluster.LocalKubelet;
import io.dynamosync.testkit.podman.Podman;
import io.dynamosync.testkit.process.ChildJvm;
import io.dynamosync.testkit.tier.Tiers;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Builds the worker, operator and front images as a user would (podman, from each module's {@code Containerfile} over its
 * {@code target/dist}), on a Java base made from Debian's packages, and runs them the way a cluster does: read-only
 * root filesystem, the image's non-root user, a settings file mounted read-only and a data volume. Runs where podman
 * is installed (`.ci/run` installs it); elsewhere it is skipped, saying so, unless {@code CI} is set.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String VERSION = System.getProperty("project.version");
    private static final Path ROOT = Path.of(System.getProperty("dynamosync.root", ".."))
            .toAbsolutePath()
            .normalize();
    static final String WORKER_IMAGE = "ghcr.io/dynamo-sync/worker:" + VERSION;
    static final String OPERATOR_IMAGE = "ghcr.io/dynamo-sync/operator:" + VERSION;
    static final String FRONT_IMAGE = "ghcr.io/dynamo-sync/front:" + VERSION;
    private static final int ITEMS = 400;

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeAll
    static void buildImages() throws IOException {
        Tiers.require(
                Podman.available(),
                "the container image tests",
                "podman and runc are not installed (apt-get install podman runc debootstrap, as .ci/run does)");
        String base = Podman.ensureDebianJreBase();
        List<String> sizes = new ArrayList<>();
        for (String app : List.of("worker", "operator", "front")) {
            Path dist = ROOT.resolve(app).resolve("target/dist");
            assertThat(dist.resolve("bin").resolve(app))
                    .as("the runnable application, made by ./mvnw package")
                    .isExecutable();
            String image = "ghcr.io/dynamo-sync/" + app + ":" + VERSION;
            Podman.build(
                    ROOT.resolve(app).resolve("Containerfile"),
                    dist,
                    image,
                    List.of("BASE_IMAGE=" + base, "VERSION=" + VERSION));
            long total = Podman.imageSize(image);
            long baseSize = Podman.imageSize(base);
            sizes.add(String.format(
                    "%s: %d MB in all, %d MB over the base image %s", image, mb(total), mb(total - baseSize), base));
        }
        // The README quotes these figures.
        Files.createDirectories(ROOT.resolve("e2e/target"));
        Files.write(ROOT.resolve("e2e/target/image-sizes.txt"), sizes);
    }

    private static long mb(long bytes) {
        return Math.round(bytes / 1_000_000.0);
    }

    @Test
    @Order(1)
    void imagesRunAsTheirNumericNonRootUserWithTheVersionLabel() {
        for (String image : List.of(WORKER_IMAGE, OPERATOR_IMAGE, FRONT_IMAGE)) {
            String config = Podman.run(
                            List.of(
                                    "image",
                                    "inspect",
                                    "--format",
                                    "{{.Config.User}} {{index .Config.Labels \"org.opencontainers.image.version\"}} {{json .Config.Entrypoint}}",
                                    image),
                            60)
                    .orThrow("inspect")
                    .output()
                    .trim();
            assertThat(config).startsWith("10001:10001 " + VERSION + " [\"/app/bin/");
        }
    }

    @Test
    @Order(1)
    void heapIsSizedFromTheContainersMemoryLimit() {
        // The worker leaves most of the memory to DuckDB, whose buffer pool lives outside the heap.
        assertThat(maxHeapUnder1GiB(WORKER_IMAGE) / (double) (1L << 30)).isBetween(0.35, 0.45);
        assertThat(maxHeapUnder1GiB(OPERATOR_IMAGE) / (double) (1L << 30)).isBetween(0.70, 0.80);
        // The front's JOINs run in DuckDB too: half for the heap.
        assertThat(maxHeapUnder1GiB(FRONT_IMAGE) / (double) (1L << 30)).isBetween(0.45, 0.55);
    }

    private static long maxHeapUnder1GiB(String image) {
        String flags = Podman.run(
                        List.of(
                                "run",
                                "--rm",
                                "--read-only",
                                "--memory",
                                "1g",
                                "--ulimit",
                                "nofile=1024:1024",
                                "--ulimit",
                                "nproc=1024:1024",
                                "-e",
                                "JAVA_OPTS=-XX:+PrintFlagsFinal -version",
                                image),
                        120)
                .output();
        return flags.lines()
                .filter(l -> l.contains(" MaxHeapSize "))
                .findFirst()
                .map(l -> Long.parseLong(l.replaceAll(".*= *(\\d+).*", "$1")))
                .orElseThrow(() -> new AssertionError("no MaxHeapSize in:\n" + flags));
    }

    @Test
    @Order(2)
    void workerImageLoadsATableAnswersQueriesStopsCleanlyOnSigtermAndResumes(LocalAws aws, @TempDir Path dir)
            throws Exception {
        String table = LocalAws.uniqueName("images");
        createTable(aws, table, ITEMS);
        int port = ChildJvm.freePort();
        Path settings = dir.resolve("settings.json");
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("collection", "orders");
        s.put("table", table);
        s.put("region", LocalAws.REGION.id());
        s.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString()));
        s.put("dataDirectory", "/data");
        s.put("load", Map.of("method", "Scan", "scanSegments", 2));
        s.put("http", Map.of("port", port));
        Files.writeString(settings, JSON.writeValueAsString(s));
        Files.setPosixFilePermissions(settings, PosixFilePermissions.fromString("rw-r--r--"));
        Path data = Files.createDirectories(dir.resolve("data"));
        String name = "dynamo-sync-worker-" + table;
        List<String> options = List.of(
                "--name",
                name,
                "--read-only",
                "--network",
                "host",
                "-v",
                settings + ":/etc/dynamosync/settings.json:ro",
                // :U hands the volume to the image's user, as fsGroup does in a pod.
                "-v",
                data + ":/data:U",
                "-e",
                "AWS_ACCESS_KEY_ID=local",
                "-e",
                "AWS_SECRET_ACCESS_KEY=local-secret");
        List<String> args = List.of("run", "--config", "/etc/dynamosync/settings.json");
        try {
            Podman.runDetached(options, WORKER_IMAGE, args);
            assertThat(Podman.run(List.of("exec", name, "id", "-u"), 60)
                            .orThrow("exec id")
                            .output()
                            .trim())
                    .isEqualTo("10001");
            awaitLoaded(port, name);
            assertThat(count(port)).isEqualTo(ITEMS);

            Instant stopAsked = Instant.now();
            Podman.run(List.of("stop", "-t", "30", name), 90).orThrow("podman stop");
            assertThat(Duration.between(stopAsked, Instant.now()))
                    .as("stopped before the grace period ran out")
                    .isLessThan(Duration.ofSeconds(25));
            String exit = Podman.run(List.of("inspect", "--format", "{{.State.ExitCode}}", name), 60)
                    .orThrow("inspect")
                    .output()
                    .trim();
            // 143 is the JVM's answer to SIGTERM after its shutdown hooks ran; 137 would be a SIGKILL.
            assertThat(exit).isEqualTo("143");
            assertThat(logs(name)).contains("stopping").doesNotContain("Exception");

            // The same volume in a new container: the store and its checkpoints were closed cleanly, no reload.
            Podman.remove(name);
            Podman.runDetached(options, WORKER_IMAGE, args);
            awaitLoaded(port, name);
            JsonNode status = status(port);
            assertThat(status.path("load").path("itemsRead").asLong(0))
                    .as("items read again after the restart")
                    .isZero();
            assertThat(count(port)).isEqualTo(ITEMS);
        } finally {
            Podman.remove(name);
        }
    }

    @Test
    @Order(3)
    void operatorImageBecomesHealthyAgainstTheApiServer(LocalAws aws) throws Exception {
        installCrds();
        int port = ChildJvm.freePort();
        String name = "dynamo-sync-operator-" + port;
        String master = server.url("/");
        try {
            Podman.runDetached(
                    List.of(
                            "--name",
                            name,
                            "--read-only",
                            "--network",
                            "host",
                            "-e",
                            "KUBERNETES_MASTER=" + master,
                            "-e",
                            "KUBERNETES_TRUST_CERTIFICATES=true",
                            "-e",
                            "KUBERNETES_AUTH_TRYKUBECONFIG=false",
                            "-e",
                            "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false",
                            "-e",
                            "KUBERNETES_NAMESPACE=dynamo-sync",
                            "-e",
                            "AWS_ACCESS_KEY_ID=local",
                            "-e",
                            "AWS_SECRET_ACCESS_KEY=local-secret",
                            "-e",
                            "AWS_REGION=" + LocalAws.REGION.id(),
                            "-e",
                            "DYNAMOSYNC_HTTP_PORT=" + port),
                    OPERATOR_IMAGE,
                    List.of());
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() ->
                            assertThat(get(port, "/healthz")).as(logs(name)).isEqualTo(200));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() ->
                            assertThat(get(port, "/readyz")).as(logs(name)).isEqualTo(200));
            assertStopsCleanly(name);
        } finally {
            Podman.remove(name);
        }
    }

    @Test
    @Order(3)
    void frontImageServesTheCollectionsOfTheApiServerReadOnly() throws Exception {
        installCrds();
        String namespace = "front-image";
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .build())
                .create();
        io.dynamosync.api.v1alpha1.DynamoCollection orders = new io.dynamosync.api.v1alpha1.DynamoCollection();
        orders.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName("orders")
                .build());
        io.dynamosync.api.v1alpha1.DynamoCollectionSpec spec = new io.dynamosync.api.v1alpha1.DynamoCollectionSpec();
        spec.setIntegrationRef(new io.dynamosync.api.v1alpha1.IntegrationRef("prod"));
        spec.setTable("Orders");
        orders.setSpec(spec);
        client.resource(orders).create();

        int port = ChildJvm.freePort();
        String name = "dynamo-sync-front-" + port;
        try {
            Podman.runDetached(
                    List.of(
                            "--name",
                            name,
                            "--read-only",
                            "--network",
                            "host",
                            "-e",
                            "KUBERNETES_MASTER=" + server.url("/"),
                            "-e",
                            "KUBERNETES_TRUST_CERTIFICATES=true",
                            "-e",
                            "KUBERNETES_AUTH_TRYKUBECONFIG=false",
                            "-e",
                            "KUBERNETES_AUTH_TRYSERVICEACCOUNT=false",
                            "-e",
                            "DYNAMOSYNC_COMMONS_NAMESPACE=" + namespace,
                            "-e",
                            "DYNAMOSYNC_HTTP_PORT=" + port),
                    FRONT_IMAGE,
                    List.of());
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() ->
                            assertThat(get(port, "/readyz")).as(logs(name)).isEqualTo(200));
            // The collection as the hosted service's API lists it, read from the API server by the image.
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> listed = HTTP.send(
                                HttpRequest.newBuilder(URI.create(
                                                "http://127.0.0.1:" + port + "/v1/orgs/self/ws/commons/collections"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
                        assertThat(JSON.readTree(listed.body()).path("data").findValuesAsText("name"))
                                .contains("orders");
                    });
            assertStopsCleanly(name);
        } finally {
            Podman.remove(name);
        }
    }

    @Test
    @Order(4)
    void operatorRunsACollectionWhoseWorkerIsAContainerOfTheImage(LocalAws aws, @TempDir Path work) {
        String table = LocalAws.uniqueName("Customers");
        createTable(aws, table, ITEMS);
        String namespace = LocalCluster.namespace("container");
        try (LocalCluster cluster = new LocalCluster(client, aws, work, LocalKubelet.Mode.CONTAINER)) {
            cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
            cluster.apply("collection-scan.yaml", namespace, o -> cluster.atLocalAws(o, table));
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        var status = cluster.collection(namespace, "customers").getStatus();
                        assertThat(LocalCluster.isTrue(status, "Ready"))
                                .as("%s", status == null ? null : status.getConditions())
                                .isTrue();
                    });
            assertThat(cluster.query(namespace, "customers", "SELECT count(*) AS n FROM customers")
                            .path(0)
                            .path("n")
                            .asLong())
                    .isEqualTo(ITEMS);
            // The pod ran the image, as the user the pod template names, not a process on the host.
            String podman = "local-kubelet-" + namespace + "-customers-worker-0";
            assertThat(Podman.run(List.of("inspect", "--format", "{{.ImageName}} {{.Config.User}}", podman), 60)
                            .orThrow("inspect")
                            .output()
                            .trim())
                    .isEqualTo(WORKER_IMAGE + " 10001:10001");
        }
    }

    /** Stops the container as a pod's termination does: it exits by itself, not killed at the grace period's end. */
    private static void assertStopsCleanly(String name) {
        Podman.run(List.of("stop", "-t", "30", name), 90).orThrow("podman stop");
        String exit = Podman.run(List.of("inspect", "--format", "{{.State.ExitCode}}", name), 60)
                .orThrow("inspect")
                .output()
                .trim();
        assertThat(exit).as(logs(name)).isIn("0", "143");
    }

    private void installCrds() throws IOException {
        for (String file :
                List.of("dynamointegrations.dynamosync.io-v1.yml", "dynamocollections.dynamosync.io-v1.yml")) {
            try (InputStream in =
                    Files.newInputStream(ROOT.resolve("crds/generated").resolve(file))) {
                CustomResourceDefinition crd = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(in)
                        .item();
                if (client.apiextensions()
                                .v1()
                                .customResourceDefinitions()
                                .withName(crd.getMetadata().getName())
                                .get()
                        == null) {
                    client.resource(crd).create();
                }
            }
        }
    }

    private static void createTable(LocalAws aws, String table, int items) {
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("orderId").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("orderId").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                st -> st.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (int i = 0; i < items; i++) {
            Map<String, AttributeValue> item = Map.of(
                    "orderId", AttributeValue.fromS(String.format("O-%05d", i)),
                    "total", AttributeValue.fromN(i + ".25"),
                    "status", AttributeValue.fromS(i % 3 == 0 ? "PAID" : "OPEN"));
            aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
        }
    }

    private static void awaitLoaded(int port, String container) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .failFast(() -> assertThat(
                                Podman.run(List.of("inspect", "--format", "{{.State.Status}}", container), 60)
                                        .output()
                                        .trim())
                        .as("the worker stopped: %s", logs(container))
                        .isEqualTo("running"))
                .untilAsserted(() -> {
                    JsonNode status = status(port);
                    assertThat(status).as(logs(container)).isNotNull();
                    assertThat(status.path("load").path("complete").asBoolean())
                            .as(status.toString())
                            .isTrue();
                });
    }

    private static JsonNode status(int port) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long count(int port) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("sql", Map.of("query", "SELECT count(*) AS n FROM orders")));
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/orgs/self/queries"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("results").path(0).path("n").asLong();
    }

    private static int get(int port, String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String logs(String container) {
        return Podman.run(List.of("logs", container), 60).output();
    }
}
