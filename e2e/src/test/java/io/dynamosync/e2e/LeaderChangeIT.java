package io.dynamosync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.process.ChildJvm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A leader change with two operator replicas, each a process of the runnable application ({@code operator/target/dist})
 * configured from the environment as its pod would be, against one API server (Fabric8's mock, CRUD mode, the
 * generated CRDs) with leader election on. One replica leads and reconciles while the other stands by; the leader is
 * killed with SIGKILL, so it cannot release its Lease, and the standby takes the Lease once it expires and reconciles
 * what is created after. Processes rather than two operators in this JVM: a replica that loses its lease ends its
 * process. No workers run here: a collection's worker never answers, which the operator reports.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
class LeaderChangeIT {

    private static final Path OPERATOR = LocalCluster.ROOT.resolve("operator/target/dist/bin/operator");
    // Shorter than the defaults (15 s, 10 s, 2 s), as DYNAMOSYNC_LEADER_ELECTION_* allow, so that a takeover takes
    // seconds; a renew deadline of a few seconds leaves a leader on a busy machine time to renew.
    private static final Duration LEASE = Duration.ofSeconds(8);
    private static final Duration RENEW = Duration.ofSeconds(6);
    private static final Duration RETRY = Duration.ofSeconds(1);
    // A JVM starting on a busy machine; not what is tested.
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(90);
    private static final Duration RECONCILED_WITHIN = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static KubernetesMockServer server;
    static KubernetesClient client;

    private final String leaseNamespace = LocalCluster.namespace("dynamo-sync-system");
    private final List<Replica> replicas = new ArrayList<>();
    // Kept after the run, for a failure's whole story.
    private final Path logs = LocalCluster.ROOT.resolve("e2e/target/leader-change");

    /**
     * One replica: a shell that runs the operator and kills it when our end of its standard input closes (so no
     * operator outlives this JVM, however it ends), the operator's own process, its HTTP port and its log.
     */
    private record Replica(String identity, Process guard, ProcessHandle operator, int port, Path log) {

        /** SIGKILL, as {@code kill -9}; returns once the process is gone (or a zombie its guard has not reaped). */
        void kill() {
            operator.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !running());
        }

        boolean running() {
            if (!operator.isAlive()) {
                return false;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(operator.pid()), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException gone) {
                return false;
            }
        }

        void stop() {
            try {
                guard.getOutputStream().close();
                guard.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                operator.destroyForcibly();
                guard.destroyForcibly();
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return identity + "'s log:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return identity + "'s log is unreadable: " + e;
            }
        }
    }

    @BeforeAll
    static void apiServer() {
        assertThat(OPERATOR)
                .as("the operator's runnable application, made by ./mvnw -pl operator -am package")
                .isExecutable();
        LocalCluster.installCrds(client);
        // JOSDK checks with a SelfSubjectRulesReview that it may get, create and update Leases before it competes.
        // The CRUD mock stores the review as an object and refuses it (422: metadata is required); answer as RBAC
        // would for the operator's Role.
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
                                .withVerbs("get", "create", "update", "patch")
                                .endResourceRule()
                                .endStatus()
                                .build())
                .always();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(Replica::stop);
    }

    @Test
    void theStandbyTakesTheLeaseOfAKilledLeaderAndReconcilesFromThen(LocalAws aws) {
        Replica a = start("operator-a");
        Replica b = start("operator-b");
        String leaderIdentity = await().atMost(STARTED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        this::holder,
                        h -> h.filter(id -> id.equals(a.identity()) || id.equals(b.identity()))
                                .isPresent())
                .orElseThrow();
        Replica leader = leaderIdentity.equals(a.identity()) ? a : b;
        Replica standby = leader == a ? b : a;
        // What the election rests on: a write of a Lease read before the holder's renewal is refused, as a real API
        // server refuses it, so two replicas cannot both take it.
        Lease read = lease();
        await().atMost(RENEW)
                .until(() -> !lease().getMetadata()
                        .getResourceVersion()
                        .equals(read.getMetadata().getResourceVersion()));
        read.getSpec().setHolderIdentity("operator-elsewhere");
        assertThatThrownBy(() -> client.resource(read).update())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(holder()).contains(leader.identity());
        // The standby keeps its informers warm and says it is ready, so a rolling update is not held up by it.
        for (Replica r : List.of(leader, standby)) {
            await().atMost(STARTED_WITHIN)
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> assertThat(get(r, "/readyz")).as(r.logTail()).isEqualTo(200));
        }

        String before = LocalCluster.namespace("before");
        createIntegrationAndCollection(aws, before);
        awaitReconciled(before, leader);
        assertThat(reconciles(leader)).isPositive();
        assertThat(reconciles(standby))
                .as("reconciles by the standby while the other leads")
                .isZero();
        // A leader starved of CPU past its renew deadline would have handed over (and exited) by now.
        assertThat(holder()).as(leader.logTail()).contains(leader.identity());

        leader.kill();
        // Killed, it could not release the Lease: it names the dead leader until it expires.
        assertThat(holder()).contains(leader.identity());
        await().atMost(LEASE.plus(RETRY).plusSeconds(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> holder().equals(Optional.of(standby.identity())));

        String after = LocalCluster.namespace("after");
        createIntegrationAndCollection(aws, after);
        awaitReconciled(after, standby);
        assertThat(reconciles(standby)).isPositive();
        assertThat(standby.running()).as(standby.logTail()).isTrue();
        assertThat(holder()).contains(standby.identity());
    }

    /** Starts a replica as its pod would run it: the runnable application, settings from the environment. */
    private Replica start(String identity) {
        int port = ChildJvm.freePort();
        Path log = logs.resolve(leaseNamespace + "-" + identity + ".log");
        // The operator in the background, killed once our end of the guard's standard input closes.
        ProcessBuilder builder = new ProcessBuilder(
                        "sh",
                        "-c",
                        "\"$0\" </dev/null & operator=$!; while read -r _; do :; done; kill -9 $operator 2>/dev/null",
                        OPERATOR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("DYNAMOSYNC_")
                        || k.startsWith("AWS_")
                        || k.startsWith("KUBE")
                        || k.equals("JAVA_OPTS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx256m -Xss1m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        env.put("KUBERNETES_MASTER", server.url("/"));
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_NAMESPACE", leaseNamespace);
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local-secret");
        env.put("AWS_REGION", LocalAws.REGION.id());
        env.put("DYNAMOSYNC_HTTP_PORT", Integer.toString(port));
        env.put("DYNAMOSYNC_STATUS_POLL_PERIOD", "PT2S");
        // No workers run here; nothing listens there, so the operator says the worker does not answer.
        env.put("DYNAMOSYNC_WORKER_ADDRESS", "http://127.0.0.1:" + ChildJvm.freePort() + "/{namespace}/{name}");
        env.put("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE", leaseNamespace);
        env.put("DYNAMOSYNC_LEADER_ELECTION_IDENTITY", identity);
        env.put("DYNAMOSYNC_LEADER_ELECTION_LEASE_DURATION", LEASE.toString());
        env.put("DYNAMOSYNC_LEADER_ELECTION_RENEW_DEADLINE", RENEW.toString());
        env.put("DYNAMOSYNC_LEADER_ELECTION_RETRY_PERIOD", RETRY.toString());
        try {
            Files.createDirectories(logs);
            Process guard = builder.start();
            ProcessHandle operator = await().atMost(Duration.ofSeconds(10))
                    .until(() -> guard.toHandle().children().findFirst(), Optional::isPresent)
                    .orElseThrow();
            Replica replica = new Replica(identity, guard, operator, port, log);
            replicas.add(replica);
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + OPERATOR, e);
        }
    }

    /** A Secret and an integration from the examples, and a collection of a new table, aimed at the kit. */
    private static void createIntegrationAndCollection(LocalAws aws, String namespace) {
        String table = Tables.create(aws, "Customers");
        apply("integration-access-keys.yaml", namespace, object -> {
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
            }
        });
        apply(
                "collection-scan.yaml",
                namespace,
                object -> LocalCluster.keysIntegration((DynamoCollection) object)
                        .getSpec()
                        .setTable(table));
    }

    /**
     * The integration verified and Ready, and the collection's worker provisioned (StatefulSet and settings
     * ConfigMap) and reported as not answering: work only a leader does.
     */
    private void awaitReconciled(String namespace, Replica by) {
        await().atMost(RECONCILED_WITHIN).untilAsserted(() -> {
            DynamoIntegration integration = client.resources(DynamoIntegration.class)
                    .inNamespace(namespace)
                    .withName("dev-keys")
                    .get();
            assertThat(condition(integration.getStatus(), "Ready"))
                    .as(by.logTail())
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
        });
        await().atMost(RECONCILED_WITHIN).untilAsserted(() -> {
            DynamoCollection collection = client.resources(DynamoCollection.class)
                    .inNamespace(namespace)
                    .withName("customers")
                    .get();
            assertThat(condition(collection.getStatus(), "Ready"))
                    .as(by.logTail())
                    .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("WorkerUnavailable"));
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(namespace)
                        .withName("customers-worker")
                        .get())
                .isNotNull();
        assertThat(client.configMaps()
                        .inNamespace(namespace)
                        .withName("customers-worker")
                        .get())
                .isNotNull();
    }

    private static Optional<Condition> condition(io.dynamosync.api.v1alpha1.Status status, String type) {
        return LocalCluster.condition(status, type);
    }

    /** Applies an example's objects in {@code namespace}, as {@code kubectl apply -f} would, after {@code edit}. */
    private static void apply(String example, String namespace, java.util.function.Consumer<HasMetadata> edit) {
        var serialization = client.getKubernetesSerialization();
        try (InputStream in =
                Files.newInputStream(LocalCluster.ROOT.resolve("examples").resolve(example))) {
            for (HasMetadata item : client.load(in).items()) {
                HasMetadata typed = switch (item.getKind()) {
                    case "DynamoIntegration" ->
                        serialization.unmarshal(serialization.asJson(item), DynamoIntegration.class);
                    case "DynamoCollection" ->
                        serialization.unmarshal(serialization.asJson(item), DynamoCollection.class);
                    default -> item;
                };
                typed.getMetadata().setNamespace(namespace);
                edit.accept(typed);
                client.resource(typed).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Lease lease() {
        return client.leases()
                .inNamespace(leaseNamespace)
                .withName(OperatorSettings.LeaderElection.DEFAULT_LEASE_NAME)
                .get();
    }

    private Optional<String> holder() {
        Lease lease = lease();
        return lease == null || lease.getSpec() == null
                ? Optional.empty()
                : Optional.ofNullable(lease.getSpec().getHolderIdentity());
    }

    /** Reconciles a replica has started, every kind and resource together, as its {@code /metrics} counts them. */
    private static double reconciles(Replica replica) {
        return body(replica, "/metrics")
                .lines()
                .filter(l -> l.startsWith("operator_sdk_reconciliations_started"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static int get(Replica replica, String path) throws Exception {
        return HTTP.send(request(replica, path), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String body(Replica replica, String path) {
        try {
            HttpResponse<String> response = HTTP.send(request(replica, path), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(replica.logTail()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(replica.logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest request(Replica replica, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .timeout(Duration.ofSeconds(5))
                .build();
    }
}
