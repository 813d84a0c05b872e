package io.dynamosync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.api.v1alpha1.Status;
import io.dynamosync.operator.DynamoSyncOperator;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.cluster.LocalKubelet;
import io.dynamosync.testkit.cluster.ServiceProxy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cluster on loopback, as the end-to-end tests use it: the CRDs in Fabric8's mock API server, the real operator
 * against it, the test kit's local kubelet running workers from the runnable application, and the Service network
 * the operator reaches them through. AWS is the test kit's.
 */
final class LocalCluster implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("dynamosync.root", ".."))
            .toAbsolutePath()
            .normalize();
    // Every digit of a number the query API answers with is kept, as a user's client would want.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicLong NAMESPACES = new AtomicLong();
    /** The integrations of examples/: the role one that README's walkthrough uses, and the access-keys one. */
    static final String ROLE_INTEGRATION = "prod-account";

    static final String KEYS_INTEGRATION = "dev-keys";

    private final KubernetesClient client;
    private final LocalAws aws;
    private final LocalKubelet kubelet;
    private final ServiceProxy services;
    private final List<Watch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private DynamoSyncOperator operator;

    LocalCluster(KubernetesClient client, LocalAws aws, Path workDirectory) {
        this(client, aws, workDirectory, LocalKubelet.Mode.PROCESS);
    }

    /** A cluster whose kubelet runs workers in {@code mode}: child processes, or containers of the image. */
    LocalCluster(KubernetesClient client, LocalAws aws, Path workDirectory, LocalKubelet.Mode mode) {
        this.client = client;
        this.aws = aws;
        installCrds();
        kubelet = new LocalKubelet(
                        client,
                        workDirectory,
                        mode,
                        Map.of(OperatorSettings.DEFAULT_WORKER_REPOSITORY, ROOT.resolve("worker/target/dist")))
                .start();
        services = new ServiceProxy(client, kubelet);
        startOperator();
    }

    /**
     * A cluster whose kubelet runs workers as processes, for a test class; skipped where that cannot run (it
     * mounts each pod's volumes in a private mount namespace, which needs root).
     */
    static LocalCluster forTests(KubernetesClient client, LocalAws aws, Path workDirectory) {
        io.dynamosync.testkit.tier.Tiers.require(
                io.dynamosync.testkit.tier.Tiers.root(),
                "the local cluster tests",
                "the local kubelet mounts each pod's volumes in a private mount namespace, which needs root");
        org.assertj.core.api.Assertions.assertThat(ROOT.resolve("worker/target/dist/bin/worker"))
                .isExecutable();
        return new LocalCluster(client, aws, workDirectory);
    }

    /** Starts the operator (again, after {@link #stopOperator}). */
    void startOperator() {
        OperatorSettings settings = OperatorSettings.defaults()
                .withWorkerAddressTemplate(services.addressTemplate())
                .withPeriods(Duration.ofSeconds(1), Duration.ofMinutes(5))
                .withHttpPort(0);
        // The operator closes its client when it stops, so it gets one of its own: the kubelet, the Service network
        // and the tests keep theirs across an operator restart.
        KubernetesClient own = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
        operator = new DynamoSyncOperator(own, settings, LocalAws.CREDENTIALS).start();
    }

    /** Stops the operator as SIGTERM does. */
    void stopOperator() {
        operator.close();
    }

    KubernetesClient client() {
        return client;
    }

    LocalKubelet kubelet() {
        return kubelet;
    }

    /** Where workers are reached, as the operator's and the front's worker address template. */
    String workerAddressTemplate() {
        return services.addressTemplate();
    }

    /** The base URL of a collection's worker Service. */
    String worker(String namespace, String collection) {
        return services.address(namespace, collection + "-worker");
    }

    static String namespace(String prefix) {
        return prefix + "-" + NAMESPACES.incrementAndGet();
    }

    /**
     * Applies the objects of an example manifest in {@code namespace}, as {@code kubectl apply -f} would, after
     * {@code edit} has pointed them at the test kit; objects {@code edit} turns into null are left out.
     */
    List<HasMetadata> apply(String example, String namespace, java.util.function.UnaryOperator<HasMetadata> edit) {
        List<HasMetadata> applied = new ArrayList<>();
        try (InputStream in = Files.newInputStream(ROOT.resolve("examples").resolve(example))) {
            for (HasMetadata item : client.load(in).items()) {
                HasMetadata typed = switch (item.getKind()) {
                    case "DynamoIntegration" -> convert(item, DynamoIntegration.class);
                    case "DynamoCollection" -> convert(item, DynamoCollection.class);
                    default -> item;
                };
                typed.getMetadata().setNamespace(namespace);
                HasMetadata edited = edit.apply(typed);
                if (edited != null) {
                    applied.add(client.resource(edited).create());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return applied;
    }

    private <T> T convert(HasMetadata item, Class<T> type) {
        var serialization = client.getKubernetesSerialization();
        return serialization.unmarshal(serialization.asJson(item), type);
    }

    /**
     * An example's objects aimed at the kit: keys the kit accepts, its endpoints and region, our table. The
     * collections of the examples name the walkthrough's role integration ({@code prod-account}); these tests connect
     * with the access-keys example instead ({@code dev-keys}), so collections are pointed at it. (WalkthroughIT runs
     * the role integration as README does.)
     */
    HasMetadata atLocalAws(HasMetadata object, String table) {
        if (object instanceof Secret secret) {
            secret.setStringData(Map.of("accessKeyId", "local", "secretAccessKey", "local-secret"));
        } else if (object instanceof DynamoIntegration integration) {
            Endpoints endpoints = new Endpoints();
            endpoints.setDynamodb(aws.dynamoDbEndpoint().toString());
            endpoints.setStreams(aws.streamsEndpoint().toString());
            endpoints.setS3(aws.s3Endpoint().toString());
            endpoints.setSts(aws.stsEndpoint().toString());
            integration.getSpec().setEndpoints(endpoints);
            integration.getSpec().setRegion(LocalAws.REGION.id());
        } else if (object instanceof DynamoCollection collection) {
            collection.getSpec().setTable(table);
            keysIntegration(collection);
        }
        return object;
    }

    /** Points a collection of the examples that names the role integration at the access-keys one. */
    static DynamoCollection keysIntegration(DynamoCollection collection) {
        if (ROLE_INTEGRATION.equals(collection.getSpec().getIntegrationRef().getName())) {
            collection.getSpec().getIntegrationRef().setName(KEYS_INTEGRATION);
        }
        return collection;
    }

    DynamoCollection collection(String namespace, String name) {
        return client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    DynamoIntegration integration(String namespace, String name) {
        return client.resources(DynamoIntegration.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    static Optional<Condition> condition(Status status, String type) {
        return status == null || status.getConditions() == null
                ? Optional.empty()
                : status.getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .findFirst();
    }

    static boolean isTrue(Status status, String type) {
        return condition(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Runs SQL through the collection's Service, as a user's client does. */
    JsonNode query(String namespace, String collection, String sql) {
        try {
            String body = JSON.writeValueAsString(Map.of("sql", Map.of("query", sql)));
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(worker(namespace, collection) + "/v1/orgs/self/queries"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("query answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body()).path("results");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response of the query API: its HTTP status and JSON body. */
    record Answer(int status, JsonNode body) {}

    /** Posts {@code body} as it is to the collection's query API, as a user's client (or an attacker) would. */
    Answer post(String namespace, String collection, String body) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(worker(namespace, collection) + "/v1/orgs/self/queries"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = JSON.getNodeFactory().textNode(response.body());
            }
            return new Answer(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts one SQL statement to the collection's query API. */
    Answer ask(String namespace, String collection, String sql) {
        try {
            return post(namespace, collection, JSON.writeValueAsString(Map.of("sql", Map.of("query", sql))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The worker's {@code /status}, read through its Service. */
    JsonNode workerStatus(String namespace, String collection) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(worker(namespace, collection) + "/status"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Events recorded about one object, oldest first, as {@code kubectl describe} lists them. */
    List<Event> events(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null
                        && name.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
    }

    /** Whether an Event of this type and reason was recorded about the object. */
    boolean hasEvent(String namespace, String name, String type, String reason) {
        return events(namespace, name).stream().anyMatch(e -> type.equals(e.getType()) && reason.equals(e.getReason()));
    }

    /**
     * Watches a resource's conditions from now on and keeps every distinct one it saw, so that a test can say what
     * the conditions reported while a fault lasted, not only after.
     */
    <T extends CustomResource<?, ? extends Status>> ConditionLog watch(Class<T> kind, String namespace, String name) {
        ConditionLog log = new ConditionLog();
        Watch watch = client.resources(kind)
                .inNamespace(namespace)
                .withName(name)
                .watch(new Watcher<T>() {
                    @Override
                    public void eventReceived(Action action, T resource) {
                        log.add(resource.getStatus());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                });
        log.watch = watch;
        watches.add(watch);
        return log;
    }

    /** Every distinct condition (type, status, reason and message) a watched resource reported. */
    static final class ConditionLog implements AutoCloseable {
        private final List<Condition> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private Watch watch;

        private void add(Status status) {
            if (status == null || status.getConditions() == null) {
                return;
            }
            for (Condition c : status.getConditions()) {
                boolean known = seen.stream()
                        .anyMatch(s -> s.getType().equals(c.getType())
                                && s.getStatus().equals(c.getStatus())
                                && java.util.Objects.equals(s.getReason(), c.getReason()));
                if (!known) {
                    seen.add(c);
                }
            }
        }

        /** The first condition seen of this type, status and reason. */
        Optional<Condition> find(String type, String status, String reason) {
            return seen.stream()
                    .filter(c ->
                            c.getType().equals(type) && c.getStatus().equals(status) && reason.equals(c.getReason()))
                    .findFirst();
        }

        /** Whether a condition of this type ever had this status, whatever its reason. */
        boolean saw(String type, String status) {
            return seen.stream()
                    .anyMatch(c -> c.getType().equals(type) && c.getStatus().equals(status));
        }

        @Override
        public String toString() {
            return seen.stream()
                    .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                    .toList()
                    .toString();
        }

        @Override
        public void close() {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private void installCrds() {
        installCrds(client);
    }

    /** Creates the generated CRDs in the API server, as installing the chart does, unless they are there. */
    static void installCrds(KubernetesClient client) {
        for (String file : List.of(
                "dynamointegrations.dynamosync.io-v1.yml",
                "dynamocollections.dynamosync.io-v1.yml",
                "querylambdas.dynamosync.io-v1.yml")) {
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
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
        operator.close();
        kubelet.close();
        services.close();
    }
}
