package io.dynamosync.operator;

import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.api.v1alpha1.Status;
import io.dynamosync.testkit.LocalAws;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The operator as tests run it: the CRDs installed in Fabric8's mock API server, the real {@link DynamoSyncOperator}
 * wired to LocalAws (its identity is the kit's own keys), and a {@link WorkerStandIn} for the workers' {@code /status}.
 */
public final class OperatorHarness implements AutoCloseable {

    private static final AtomicLong NAMESPACES = new AtomicLong();

    private final KubernetesClient client;
    private final LocalAws aws;
    private final WorkerStandIn workers;
    private final DynamoSyncOperator operator;

    /** Starts the operator against {@code client}, polling workers every {@code pollPeriod}. */
    public OperatorHarness(KubernetesClient client, LocalAws aws, Duration pollPeriod) {
        this(client, client, aws, pollPeriod, UnaryOperator.identity());
    }

    /** As the other constructors, with the operator's settings changed by {@code adjust}. */
    public OperatorHarness(
            KubernetesClient client, LocalAws aws, Duration pollPeriod, UnaryOperator<OperatorSettings> adjust) {
        this(client, client, aws, pollPeriod, adjust);
    }

    /**
     * Starts the operator on a client of its own, closed with it, and with its settings changed by {@code adjust};
     * the harness reads and writes through {@code client}, so that the API server can tell the two apart.
     */
    public OperatorHarness(
            KubernetesClient client,
            KubernetesClient operatorClient,
            LocalAws aws,
            Duration pollPeriod,
            UnaryOperator<OperatorSettings> adjust) {
        this.client = client;
        this.aws = aws;
        installCrds(client);
        workers = new WorkerStandIn();
        OperatorSettings settings = OperatorSettings.defaults()
                .withWorkerAddressTemplate(workers.addressTemplate())
                .withPeriods(pollPeriod, Duration.ofMinutes(5))
                .withHttpPort(0);
        operator = new DynamoSyncOperator(operatorClient, adjust.apply(settings), LocalAws.CREDENTIALS).start();
    }

    /** Installs the DynamoIntegration and DynamoCollection CRDs, as a cluster has them before the operator runs. */
    public static void installCrds(KubernetesClient client) {
        for (String file :
                List.of("dynamointegrations.dynamosync.io-v1.yml", "dynamocollections.dynamosync.io-v1.yml")) {
            try (InputStream in = OperatorHarness.class.getResourceAsStream("/META-INF/dynamosync/crds/" + file)) {
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

    /** A namespace no other test uses. */
    public static String namespace(String prefix) {
        return prefix + "-" + NAMESPACES.incrementAndGet();
    }

    /** The operator under test. */
    public DynamoSyncOperator operator() {
        return operator;
    }

    /** Makes the worker of a collection answer {@code /status} as {@code answer} stands now; null makes it silent. */
    public void workerAnswers(String namespace, String collection, WorkerAnswer answer) {
        workers.answer(namespace, collection, answer);
    }

    /** The tokens of the verifications the operator asked a collection's worker for, in order. */
    public List<String> verifyRequests(String namespace, String collection) {
        return workers.verifyRequests(namespace, collection);
    }

    /** A Secret holding access keys under the default key names. */
    public Secret keySecret(String namespace, String name, String accessKeyId, String secretAccessKey) {
        return client.resource(new SecretBuilder()
                        .withMetadata(new ObjectMetaBuilder()
                                .withNamespace(namespace)
                                .withName(name)
                                .build())
                        .withStringData(Map.of(
                                AccessKeySecretRef.DEFAULT_ACCESS_KEY_ID_KEY,
                                accessKeyId,
                                AccessKeySecretRef.DEFAULT_SECRET_ACCESS_KEY_KEY,
                                secretAccessKey))
                        .build())
                .create();
    }

    /** Points an integration's endpoints at LocalAws. */
    public DynamoIntegration atLocalAws(DynamoIntegration integration) {
        DynamoIntegrationSpec spec = integration.getSpec();
        Endpoints endpoints = new Endpoints();
        endpoints.setDynamodb(aws.dynamoDbEndpoint().toString());
        endpoints.setStreams(aws.streamsEndpoint().toString());
        endpoints.setS3(aws.s3Endpoint().toString());
        endpoints.setSts(aws.stsEndpoint().toString());
        spec.setEndpoints(endpoints);
        return integration;
    }

    /** The integration as the API server holds it now. */
    public DynamoIntegration integration(String namespace, String name) {
        return client.resources(DynamoIntegration.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /** The collection as the API server holds it now. */
    public DynamoCollection collection(String namespace, String name) {
        return client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /**
     * Changes a collection's spec the way {@code kubectl edit} does: a patch of what changed, tried again on a
     * conflict with the operator's own writes in the meantime (status, finalizers).
     */
    public DynamoCollection editCollection(String namespace, String name, Consumer<DynamoCollectionSpec> change) {
        return retryingConflicts(() -> client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(c -> {
                    change.accept(c.getSpec());
                    return c;
                }));
    }

    /**
     * Runs an edit again when the API server answers 409: the patch carries the resource version it read, and an
     * operator write between the read and the patch (a status, a finalizer) makes it stale, as {@code kubectl edit}
     * then asks its user to try again.
     */
    private static <T> T retryingConflicts(java.util.function.Supplier<T> edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return edit.get();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Changes an integration's spec with a patch; see {@link #editCollection}. */
    public DynamoIntegration editIntegration(String namespace, String name, Consumer<DynamoIntegrationSpec> change) {
        return retryingConflicts(() -> client.resources(DynamoIntegration.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(i -> {
                    change.accept(i.getSpec());
                    return i;
                }));
    }

    /** A condition of a status, if present. */
    public static Optional<Condition> condition(Status status, String type) {
        return status == null ? Optional.empty() : status.findCondition(type);
    }

    /** The events recorded about an object in a namespace. */
    public List<Event> events(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Override
    public void close() {
        operator.close();
        workers.close();
    }
}
