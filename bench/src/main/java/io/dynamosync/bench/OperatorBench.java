package io.dynamosync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.api.v1alpha1.IntegrationRef;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.dynamosync.operator.DynamoSyncOperator;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Operator: seconds for {@code --collections} collections to reach Ready on Fabric8's mock API server (CRUD
 * mode), their workers' {@code /status} answered by a stub, reconciles per collection, and the heap afterwards.
 * The operator runs in this JVM, as the operator's own tests run it; its figures have no outside reference.
 */
final class OperatorBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The mock server logs every request through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** How long the collections get to be Ready; past it, the report names the reasons of those that are not. */
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private OperatorBench() {}

    static void run(io.dynamosync.bench.Context ctx) throws Exception {
        int collections = ctx.options.collections;
        LocalAws aws = ctx.aws;
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        long heapBefore = heapAfterGc();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        HttpServer workers = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // Every worker answers as a caught-up one: /<namespace>/<name>/status.
        workers.createContext("/", exchange -> {
            try (exchange) {
                String[] path = exchange.getRequestURI().getPath().split("/");
                ObjectNode status = JSON.createObjectNode();
                status.put("phase", "Streaming").put("collection", path.length > 2 ? path[2] : "");
                status.putObject("load")
                        .put("method", "Scan")
                        .put("complete", true)
                        .put("itemsLoaded", 10);
                status.putObject("stream")
                        .put("synced", true)
                        .put("shardsOpen", 1)
                        .put("lagMillis", 0)
                        .put("lastEventTime", Instant.now().toString());
                status.putObject("store").put("documents", 10).put("bytes", 1024);
                byte[] body = JSON.writeValueAsBytes(status);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        workers.start();
        try (KubernetesClient client = server.createClient()) {
            installCrds(client);
            OperatorSettings settings = OperatorSettings.defaults()
                    .withWorkerAddressTemplate(
                            "http://127.0.0.1:" + workers.getAddress().getPort() + "/{namespace}/{name}")
                    .withHttpPort(0);
            try (DynamoSyncOperator operator = new DynamoSyncOperator(client, settings, LocalAws.CREDENTIALS).start()) {
                String ns = "bench";
                StsService.Identity user = aws.sts().addUser("000000000000", "bench-operator");
                client.resource(new SecretBuilder()
                                .withMetadata(new ObjectMetaBuilder()
                                        .withNamespace(ns)
                                        .withName("aws-keys")
                                        .build())
                                .withStringData(Map.of(
                                        AccessKeySecretRef.DEFAULT_ACCESS_KEY_ID_KEY,
                                        user.accessKeyId(),
                                        AccessKeySecretRef.DEFAULT_SECRET_ACCESS_KEY_KEY,
                                        user.secretAccessKey()))
                                .build())
                        .create();
                client.resource(integration(aws, ns)).create();
                List<String> tables = new ArrayList<>();
                for (int i = 0; i < collections; i++) {
                    String table = LocalAws.uniqueName("op");
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
                                    // A collection needs its table's stream (the operator would turn it on only if
                                    // asked).
                                    .streamSpecification(StreamSpecification.builder()
                                            .streamEnabled(true)
                                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                                            .build()));
                    tables.add(table);
                }
                long start = System.nanoTime();
                for (int i = 0; i < collections; i++) {
                    client.resource(collection(ns, "c" + i, tables.get(i))).create();
                }
                int ready = 0;
                Map<String, Long> waiting = Map.of();
                long deadline = start + DEADLINE.toNanos();
                long nextLine = start + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                    // Why each collection is not Ready yet: its Ready condition's reason (or that it has none yet).
                    waiting = client.resources(DynamoCollection.class).inNamespace(ns).list().getItems().stream()
                            .map(c -> c.getStatus() == null
                                    ? Optional.<Condition>empty()
                                    : c.getStatus().findCondition(Conditions.Type.READY))
                            .filter(r -> r.map(c -> !Conditions.TRUE.equals(c.getStatus()))
                                    .orElse(true))
                            .collect(Collectors.groupingBy(
                                    r -> r.map(Condition::getReason).orElse("no Ready condition yet"),
                                    TreeMap::new,
                                    Collectors.counting()));
                    ready = collections
                            - (int) waiting.values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum();
                    if (ready == collections) {
                        break;
                    }
                    if (System.nanoTime() > nextLine) {
                        Progress.line(
                                "operator: %d of %d collections Ready; the others: %s", ready, collections, waiting);
                        nextLine += 30_000_000_000L;
                    }
                    Thread.sleep(200);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double reconciles = operator
                        .registry()
                        .find("operator.sdk.reconciliations.started")
                        .tag("kind", "DynamoCollection")
                        .counters()
                        .stream()
                        .mapToDouble(Counter::count)
                        .sum();
                long heap = heapAfterGc();
                Progress.line(
                        "operator: %d of %d collections Ready in %.1f s, %.1f reconciles each, heap %.0f MiB after GC (%.0f MiB before the operator)",
                        ready,
                        collections,
                        seconds,
                        reconciles / collections,
                        heap / 1048576.0,
                        heapBefore / 1048576.0);
                if (ready < collections) {
                    ctx.report.note("Operator: only " + ready + " of " + collections + " collections were Ready after "
                            + DEADLINE.toMinutes() + " minutes; the others: " + waiting);
                }
                String none = "none: no outside limit; read against earlier runs";
                ctx.report.add(
                        new Figure("Operator", collections + " collections to Ready", seconds, Double.NaN, "s", none));
                ctx.report.add(new Figure(
                        "Operator", "reconciles per collection", reconciles / collections, Double.NaN, "", none));
                ctx.report.add(new Figure(
                        "Operator",
                        "heap after GC, less the harness's before",
                        (heap - heapBefore) / 1048576.0,
                        Double.NaN,
                        "MiB",
                        none));
            }
        } finally {
            workers.stop(0);
            server.destroy();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void installCrds(KubernetesClient client) throws Exception {
        for (String file :
                List.of("dynamointegrations.dynamosync.io-v1.yml", "dynamocollections.dynamosync.io-v1.yml")) {
            try (InputStream in = OperatorBench.class.getResourceAsStream("/META-INF/dynamosync/crds/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("no CRD " + file + " on the classpath");
                }
                CustomResourceDefinition crd = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(new java.io.ByteArrayInputStream(in.readAllBytes()))
                        .item();
                client.resource(crd).create();
            }
        }
    }

    private static DynamoIntegration integration(LocalAws aws, String ns) {
        DynamoIntegrationSpec spec = new DynamoIntegrationSpec();
        spec.setRegion(LocalAws.REGION.id());
        AccessKeySecretRef ref = new AccessKeySecretRef();
        ref.setName("aws-keys");
        spec.setAccessKeySecretRef(ref);
        Endpoints endpoints = new Endpoints();
        endpoints.setDynamodb(aws.dynamoDbEndpoint().toString());
        endpoints.setStreams(aws.streamsEndpoint().toString());
        endpoints.setS3(aws.s3Endpoint().toString());
        endpoints.setSts(aws.stsEndpoint().toString());
        spec.setEndpoints(endpoints);
        DynamoIntegration integration = new DynamoIntegration();
        integration.setMetadata(
                new ObjectMetaBuilder().withNamespace(ns).withName("prod").build());
        integration.setSpec(spec);
        return integration;
    }

    private static DynamoCollection collection(String ns, String name, String table) {
        DynamoCollectionSpec spec = new DynamoCollectionSpec();
        spec.setIntegrationRef(new IntegrationRef("prod"));
        spec.setTable(table);
        spec.setLoadMethod(LoadMethod.SCAN);
        DynamoCollection collection = new DynamoCollection();
        collection.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withUid(UUID.randomUUID().toString())
                .withGeneration(1L)
                .build());
        collection.setSpec(spec);
        return collection;
    }
}
