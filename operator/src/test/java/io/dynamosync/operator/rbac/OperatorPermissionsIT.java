package io.dynamosync.operator.rbac;

import static io.dynamosync.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.OperatorHarness;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Runs the real operator through a collection's whole life against the mock API server and records every request
 * it makes there, as the RBAC permissions each needs. They must equal {@code operator/rbac-rules.txt}, which the
 * Helm chart's RBAC must equal in turn (the charts module checks that): a call the code starts making without a
 * grant fails the build here, and so does a grant left behind after the code stops using it.
 * {@code -Drbac.update} rewrites the file from this run instead of comparing.
 *
 * <p>The operator watches one namespace, as with the chart's {@code watchNamespaces} list, which also shows that
 * Roles in the watched namespaces (and one for the Lease in its own) are all it needs, and that it leaves alone
 * resources in a namespace it does not watch.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(LocalAwsExtension.class)
class OperatorPermissionsIT {

    private static final String OPERATOR_NAMESPACE = "dynamo-sync-system";
    private static final String WATCHED = "team-a";
    private static final String UNWATCHED = "team-b";
    /** Marks the operator's own requests, so that the test's set-up and reads are not counted. */
    private static final String AGENT = "dynamo-sync-operator-under-test";

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void theOperatorUsesExactlyTheCommittedPermissions(LocalAws aws) throws Exception {
        // JOSDK checks with a SelfSubjectRulesReview that it may use Leases before it competes; the CRUD mock
        // cannot answer that, so answer as RBAC would for the chart's Role (see LeaderElectionIT).
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(
                        201,
                        new SelfSubjectRulesReviewBuilder()
                                .withNewStatus()
                                .withIncomplete(false)
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withVerbs("get", "create", "update")
                                .endResourceRule()
                                .endStatus()
                                .build())
                .always();
        KubernetesClient operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withUserAgent(AGENT)
                        .build())
                .build();
        OperatorHarness harness = new OperatorHarness(
                client,
                operatorClient,
                aws,
                Duration.ofSeconds(1),
                s -> s.withWatchNamespaces(Set.of(WATCHED))
                        .withLeaderElection(OperatorSettings.LeaderElection.in(OPERATOR_NAMESPACE, "operator-0")
                                .withTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500))));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> holder().equals("operator-0"));
            lifecycle(harness, aws);
        } finally {
            // Stopping releases the Lease, which is part of what is recorded.
            harness.close();
        }

        Set<ApiPermission> used = new TreeSet<>();
        List<String> requests = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
                r != null;
                r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            if (AGENT.equals(r.getHeader("User-Agent"))) {
                requests.add(r.getMethod() + " " + r.getPath());
                ApiPermission.of(r.getMethod(), r.getPath(), OPERATOR_NAMESPACE, Set.of(WATCHED))
                        .ifPresent(used::add);
            }
        }
        assertThat(requests)
                .as("requests by the operator; is the User-Agent not sent?")
                .isNotEmpty();
        assertThat(requests)
                .as("the operator stays out of namespaces it does not watch")
                .noneMatch(r -> r.contains("/namespaces/" + UNWATCHED + "/"));
        List<String> lines = used.stream().map(ApiPermission::line).toList();
        Path target = Path.of(System.getProperty("rbac.used", "target/rbac-used.txt"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, lines);

        Path committed = Path.of(System.getProperty("rbac.rules", "rbac-rules.txt"));
        if (Boolean.getBoolean("rbac.update")) {
            List<String> file = new ArrayList<>(HEADER);
            file.addAll(lines);
            Files.write(committed, file);
            System.out.println("Wrote " + committed + "; commit it.");
        }
        assertThat(lines)
                .as(
                        "what the operator did (all in %s) against %s; if the change is intended, run `./mvnw -pl "
                                + "operator -am verify -Dit.test=OperatorPermissionsIT -Drbac.update` and commit the file, "
                                + "and the charts module's test then tells what the chart must grant",
                        target, committed)
                .containsExactlyElementsOf(committedRules(committed));
    }

    /**
     * What a cluster sees of an operator: keys in a Secret, an integration, a collection created, reconciled into
     * a worker, its objects changed by an upgrade, the collection changed (suspended, its load settings changed) and
     * deleted with its volume, the integration deleted;
     * meanwhile an integration in a namespace it does not watch.
     */
    private static void lifecycle(OperatorHarness harness, LocalAws aws) {
        StsService.Identity user = aws.sts().addUser("000000000000", "rbac-sync");
        harness.keySecret(UNWATCHED, "aws-keys", user.accessKeyId(), user.secretAccessKey());
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(UNWATCHED, "prod", "us-east-1", "aws-keys")))
                .create();
        harness.keySecret(WATCHED, "aws-keys", user.accessKeyId(), user.secretAccessKey());
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(WATCHED, "prod", "us-east-1", "aws-keys")))
                .create();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> harness.integration(WATCHED, "prod").getStatus(),
                        s -> condition(s, Conditions.Type.READY)
                                .filter(c -> Conditions.TRUE.equals(c.getStatus()))
                                .isPresent());

        String table = LocalAws.uniqueName("orders");
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
                        // The operator turns a stream on only where the collection allows it; this table has its own.
                        .streamSpecification(st -> st.streamEnabled(true)
                                .streamViewType(
                                        software.amazon.awssdk.services.dynamodb.model.StreamViewType
                                                .NEW_AND_OLD_IMAGES)));
        DynamoCollection orders = Fixtures.collection(WATCHED, "orders", "prod", table);
        orders.getSpec().setDeletionPolicy(DeletionPolicy.DELETE);
        client.resource(orders).create();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.apps()
                                        .statefulSets()
                                        .inNamespace(WATCHED)
                                        .withName("orders-worker")
                                        .get()
                                != null
                        && client.services()
                                        .inNamespace(WATCHED)
                                        .withName("orders-worker")
                                        .get()
                                != null);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> harness.collection(WATCHED, "orders").getStatus(),
                        s -> s != null && s.getObservedGeneration() != null);

        // As after an upgrade of the operator that changes the worker's objects: each is updated in place.
        client.services().inNamespace(WATCHED).withName("orders-worker").edit(OperatorPermissionsIT::olderOperator);
        client.configMaps().inNamespace(WATCHED).withName("orders-worker").edit(OperatorPermissionsIT::olderOperator);
        client.apps()
                .statefulSets()
                .inNamespace(WATCHED)
                .withName("orders-worker")
                .edit(OperatorPermissionsIT::olderOperator);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Stream.of(
                                client.services()
                                        .inNamespace(WATCHED)
                                        .withName("orders-worker")
                                        .get(),
                                client.configMaps()
                                        .inNamespace(WATCHED)
                                        .withName("orders-worker")
                                        .get(),
                                client.apps()
                                        .statefulSets()
                                        .inNamespace(WATCHED)
                                        .withName("orders-worker")
                                        .get())
                        .noneMatch(o -> o.getMetadata().getAnnotations().containsValue("from-an-older-operator")));

        // A larger volume: the claim (which the StatefulSet controller would have made) is expanded where its
        // StorageClass allows it.
        client.resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                        .withNewMetadata()
                        .withName("rbac-growable")
                        .endMetadata()
                        .withProvisioner("example.com/disk")
                        .withAllowVolumeExpansion(true)
                        .build())
                .create();
        client.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withNamespace(WATCHED)
                        .withName("data-orders-worker-0")
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withStorageClassName("rbac-growable")
                        .withNewResources()
                        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("10Gi"))
                        .endResources()
                        .endSpec()
                        .build())
                .create();
        editCollection(spec -> {
            io.dynamosync.api.v1alpha1.Storage storage = new io.dynamosync.api.v1alpha1.Storage();
            storage.setSize("20Gi");
            spec.setStorage(storage);
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.persistentVolumeClaims()
                        .inNamespace(WATCHED)
                        .withName("data-orders-worker-0")
                        .get()
                        .getSpec()
                        .getResources()
                        .getRequests()
                        .get("storage")
                        .equals(new io.fabric8.kubernetes.api.model.Quantity("20Gi")));

        editCollection(spec -> {
            spec.setSuspend(true);
            spec.setScanSegments(4);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            StatefulSet sts = client.apps()
                    .statefulSets()
                    .inNamespace(WATCHED)
                    .withName("orders-worker")
                    .get();
            ConfigMap settings = client.configMaps()
                    .inNamespace(WATCHED)
                    .withName("orders-worker")
                    .get();
            return sts.getSpec().getReplicas() == 0
                    && settings.getData().values().stream().anyMatch(json -> json.contains("\"scanSegments\" : 4"));
        });

        client.resources(DynamoCollection.class)
                .inNamespace(WATCHED)
                .withName("orders")
                .delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.collection(WATCHED, "orders") == null);
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(WATCHED)
                        .withName("orders-worker")
                        .get())
                .isNull();
        client.resources(DynamoIntegration.class)
                .inNamespace(WATCHED)
                .withName("prod")
                .delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.integration(WATCHED, "prod") == null);

        assertThat(harness.integration(UNWATCHED, "prod").getStatus())
                .as("an integration outside the watched namespaces is not reconciled")
                .isNull();
    }

    /** Marks an object as written by an operator that asked for something else, so that it is updated. */
    private static <T extends HasMetadata> T olderOperator(T owned) {
        owned.getMetadata().getAnnotations().put("dynamosync.io/desired-hash", "from-an-older-operator");
        return owned;
    }

    private static String holder() {
        Lease lease = client.leases()
                .inNamespace(OPERATOR_NAMESPACE)
                .withName(OperatorSettings.LeaderElection.DEFAULT_LEASE_NAME)
                .get();
        return lease == null || lease.getSpec() == null
                ? ""
                : String.valueOf(lease.getSpec().getHolderIdentity());
    }

    private static final List<String> HEADER = List.of(
            "# Every Kubernetes API permission the operator uses, one a line: scope apiGroup resource verb.",
            "# scope: watched = in each watched namespace (or cluster-wide when all are watched), operator = in the",
            "# operator's own namespace, cluster = not namespaced. Written by OperatorPermissionsIT from what the",
            "# operator did against the API server (-Drbac.update); charts/dynamo-sync's RBAC must grant exactly this.");

    private static List<String> committedRules(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    /**
     * Edits the collection's spec, again when the operator's own write came between the read and the patch (the
     * mock API server then answers 409, which failed this test now and then).
     */
    private static void editCollection(
            java.util.function.Consumer<io.dynamosync.api.v1alpha1.DynamoCollectionSpec> change) {
        await().atMost(Duration.ofSeconds(10))
                .ignoreException(KubernetesClientException.class)
                .until(() -> {
                    client.resources(DynamoCollection.class)
                            .inNamespace(WATCHED)
                            .withName("orders")
                            .edit(c -> {
                                change.accept(c.getSpec());
                                return c;
                            });
                    return true;
                });
    }
}
