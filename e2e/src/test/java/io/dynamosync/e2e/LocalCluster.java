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
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
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

    static final Path ROOT = Path.of(System.getProperty("dynamosync.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicLong NAMESPACES = new AtomicLong();

    private final KubernetesClient client;
    private final LocalAws aws;
    private final LocalKubelet kubelet;
    private final ServiceProxy services;
    private DynamoSyncOperator operator;

    LocalCluster(KubernetesClient client, LocalAws aws, Path workDirectory) {
        this(client, aws, workDirectory, LocalKubelet.Mode.PROCESS);
    }

    /** A cluster whose kubelet runs workers in {@code mode}: child processes, or containers of the image. */
    LocalCluster(KubernetesClient client, LocalAws aws, Path workDirectory, LocalKubelet.Mode mode) {
        this.client = client;
        this.aws = aws;
        installCrds();
        kubelet = new LocalKubelet(client, workDirectory, mode,
                Map.of(OperatorSettings.DEFAULT_WORKER_REPOSITORY, ROOT.resolve("worker/target/dist"))).start();
        services = new ServiceProxy(client, kubelet);
        startOperator();
    }

    /** Starts the operator (again, after {@link #stopOperator}). */
    void startOperator() {
        OperatorSettings settings = OperatorSettings.defaults()
                .withWorkerAddressTemplate(services.addressTemplate())
                .withPeriods(Duration.ofSeconds(1), Duration.ofMinutes(5))
                .withHttpPort(0);
        operator = new DynamoSyncOperator(client, settings, LocalAws.CREDENTIALS).start();
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

    /** The base URL of a collection's worker Service. */
    String worker(String namespace, String collection) {
        return services.address(namespace, collection + "-worker");
    }

    static String namespace(String prefix) {
        return prefix + "-" + NAMESPACES.incrementAndGet();
    }

    /**
     * Applies the objects of an example manifest in {@code namespace}, as {@code kubectl apply -f} would, after
     * {@code edit} has pointed them at the test kit.
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
                applied.add(client.resource(edit.apply(typed)).create());
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

    /** An example's objects aimed at the kit: keys the kit accepts, its endpoints and region, our table. */
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
        }
        return object;
    }

    DynamoCollection collection(String namespace, String name) {
        return client.resources(DynamoCollection.class).inNamespace(namespace).withName(name).get();
    }

    DynamoIntegration integration(String namespace, String name) {
        return client.resources(DynamoIntegration.class).inNamespace(namespace).withName(name).get();
    }

    static Optional<Condition> condition(Status status, String type) {
        return status == null || status.getConditions() == null ? Optional.empty()
                : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static boolean isTrue(Status status, String type) {
        return condition(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Runs SQL through the collection's Service, as a user's client does. */
    JsonNode query(String namespace, String collection, String sql) {
        try {
            String body = JSON.writeValueAsString(Map.of("sql", Map.of("query", sql)));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(worker(namespace, collection) + "/v1/orgs/self/queries"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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

    private void installCrds() {
        for (String file : List.of("dynamointegrations.dynamosync.io-v1.yml", "dynamocollections.dynamosync.io-v1.yml")) {
            try (InputStream in = Files.newInputStream(ROOT.resolve("crds/generated").resolve(file))) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                if (client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .get() == null) {
                    client.resource(crd).create();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        operator.close();
        kubelet.close();
        services.close();
    }
}
