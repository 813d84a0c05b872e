package io.dynamosync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.cluster.LocalKubelet;
import io.dynamosync.testkit.cluster.LocalPod;
import io.dynamosync.testkit.cluster.LocalRegistry;
import io.dynamosync.testkit.cluster.RbacDispatcher;
import io.dynamosync.testkit.cluster.ServiceProxy;
import io.dynamosync.testkit.tier.Tiers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * README's install walkthrough, run as written ({@link Walkthrough}) on a local cluster that is as strict as a real
 * one where a newcomer would be hurt: the API server (Fabric8's mock, CRUD mode) authorizes the operator's requests
 * against the RBAC the chart rendered for its ServiceAccount ({@link RbacDispatcher}); the kubelet creates no pod
 * whose ServiceAccount is missing and runs no image that was not pushed to the cluster's registry; the operator runs
 * from the chart's rendered Deployment (its runnable application, with the Deployment's environment and its
 * ServiceAccount's token), as do the workers it creates. What the kubelet gives every pod in place of a node and a
 * network: AWS credentials of the kit standing in for the node's role, and the Service network's address for
 * workers in place of cluster DNS.
 *
 * <p>After the walkthrough, the logs: no log of the operator or a worker holds a secret. (The export example loads
 * by export in {@code LocalClusterIT}.)
 */
@ExtendWith(LocalAwsExtension.class)
class WalkthroughIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CUSTOMERS = 120;

    private static KubernetesMockServer server;
    private static RbacDispatcher rbac;
    private static KubernetesClient client;
    private static LocalKubelet kubelet;
    private static ServiceProxy services;
    private static LocalRegistry registry;

    @BeforeAll
    static void startCluster(@TempDir Path work) {
        Tiers.require(
                Tiers.root(),
                "the walkthrough test",
                "the local kubelet mounts each pod's volumes in a private mount namespace, which needs root");
        Tiers.require(
                helm().isPresent(),
                "the walkthrough test",
                "no helm binary: set HELM, or run .ci/install-helm (installs ~/.cache/dynamo-sync/helm/helm)");
        rbac = new RbacDispatcher(new KubernetesCrudDispatcher(List.of()));
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), rbac, false);
        server.init();
        client = server.createClient();
        registry = new LocalRegistry();
        // Nothing on the node: every image comes from the registry, as README's step 1 pushed it.
        kubelet = new LocalKubelet(client, work.resolve("kubelet"), LocalKubelet.Mode.PROCESS, Map.of())
                .withRegistry(registry)
                .withApiServer(server.url("/"));
        services = new ServiceProxy(client, kubelet);
        kubelet.withEnvironment(
                        Map.of(
                                "AWS_ACCESS_KEY_ID",
                                "local",
                                "AWS_SECRET_ACCESS_KEY",
                                "local-secret",
                                "AWS_REGION",
                                LocalAws.REGION.id(),
                                "JAVA_HOME",
                                System.getProperty("java.home")),
                        Map.of("DYNAMOSYNC_WORKER_ADDRESS", services.addressTemplate()))
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (kubelet != null) {
            kubelet.close();
        }
        if (services != null) {
            services.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void readmesWalkthroughRunsAsWrittenAndNoLogHoldsASecret(LocalAws aws, @TempDir Path cwd) throws Exception {
        table(aws, "Customers", CUSTOMERS);
        Walkthrough walkthrough = new Walkthrough(
                client, aws, kubelet, registry, services, rbac, LocalCluster.ROOT, cwd, helm().orElseThrow());
        List<Walkthrough.Block> blocks = Walkthrough.blocks(LocalCluster.ROOT.resolve("README.md"));
        assertThat(blocks)
                .extracting(Walkthrough.Block::step)
                .as("README's steps with commands")
                .contains(
                        "1. Build the images",
                        "2. Install the operator",
                        "3. Connect an AWS account",
                        "4. Replicate a table",
                        "5. Query it");

        walkthrough.run(blocks);

        // Step 5's query answered through the forwarded Service with the whole table.
        JsonNode answer =
                JSON.readTree(walkthrough.outputs().get(walkthrough.outputs().size() - 1));
        assertThat(answer.path("results").get(0).elements().next().asLong())
                .as(walkthrough.diagnostics())
                .isEqualTo(CUSTOMERS);
        assertThat(rbac.refusals())
                .as("requests the chart's RBAC refused the operator")
                .isEmpty();
        assertThat(rbac.authorizedUsers())
                .as("the operator ran under its ServiceAccount, held to the chart's RBAC")
                .contains("system:serviceaccount:dynamo-sync-system:dynamo-sync-operator");
        assertThat(kubelet.deploymentPod("dynamo-sync-system", "dynamo-sync-operator"))
                .isPresent();

        // No log holds a secret: the node's secret key, or the session credentials the role gave.
        List<String> secrets = new ArrayList<>(List.of("local-secret"));
        secrets.addAll(aws.sts().issuedSecrets());
        Map<String, LocalPod> pods = kubelet.pods();
        assertThat(pods.keySet()).anyMatch(k -> k.contains("operator")).anyMatch(k -> k.contains("customers-worker"));
        for (Map.Entry<String, LocalPod> pod : pods.entrySet()) {
            String log = pod.getValue().log();
            assertThat(log).as("log of " + pod.getKey()).isNotBlank();
            for (String secret : secrets) {
                assertThat(log).as("log of " + pod.getKey() + " holds a secret").doesNotContain(secret);
            }
        }
    }

    private static void table(LocalAws aws, String name, int items) {
        aws.dynamoDb()
                .createTable(b -> b.tableName(name)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (int i = 0; i < items; i++) {
            Map<String, AttributeValue> item = Map.of(
                    "id",
                    AttributeValue.fromS(String.format("%s-%04d", name, i)),
                    "n",
                    AttributeValue.fromN(Integer.toString(i)));
            aws.dynamoDb().putItem(b -> b.tableName(name).item(item));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> aws.dynamoDb().scan(b -> b.tableName(name)).count() > 0);
    }

    /** The helm binary the chart's tests use. */
    static Optional<Path> helm() {
        return Stream.concat(
                        Optional.ofNullable(System.getenv("HELM")).filter(s -> !s.isBlank()).map(Path::of).stream(),
                        Stream.of(Path.of(System.getProperty("user.home"), ".cache", "dynamo-sync", "helm", "helm")))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
