package io.dynamosync.operator;

import static io.dynamosync.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.testkit.LocalAws;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.Counter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the real operator against one API server, electing a leader through a Lease as they do in a
 * cluster, with timings short enough for a test.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration RENEW = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(500);

    static KubernetesMockServer server;
    static KubernetesClient client;

    // Each test competes for a Lease of its own; they share the API server.
    private final String leaseNamespace = OperatorHarness.namespace("dynamo-sync-system");
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Replica> replicas = new ArrayList<>();

    /** One operator replica: its HTTP port and how often it took the path that ends the process on a lost lease. */
    private record Replica(String identity, DynamoSyncOperator operator, int port, AtomicInteger lostLeadership) {}

    @BeforeAll
    static void apiServer() {
        OperatorHarness.installCrds(client);
        // JOSDK checks with a SelfSubjectRulesReview that it may get, create and update Leases before it competes.
        // A real API server answers from RBAC; the CRUD mock treats the review as an object to store and refuses it
        // (422, metadata is required), so JOSDK 5.2.3 fails to start. Answer as RBAC would for the operator's Role.
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
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(r -> r.operator().close());
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        Replica a = replica("operator-a");
        Replica b = replica("operator-b");

        await().atMost(Duration.ofSeconds(15))
                .until(() -> holder().filter(h -> !h.isEmpty()).isPresent());
        String leaderIdentity = holder().orElseThrow();
        Replica leader = leaderIdentity.equals(a.identity()) ? a : b;
        Replica standby = leader == a ? b : a;
        assertThat(leaderIdentity).isIn(a.identity(), b.identity());

        String ns = OperatorHarness.namespace("leader");
        client.resource(Fixtures.keyIntegration(ns, "first", "us-east-1", "keys-v1"))
                .create();
        awaitSecretNotFound(ns, "first", "keys-v1");
        // Both replicas' informers saw the integration at the same moment; give the standby every chance to act.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> reconciles(standby) == 0 && holder().equals(Optional.of(leader.identity())));
        assertThat(reconciles(leader)).isPositive();
        // A standby stays Ready (its informers are warm), so a rolling update is not held up by it.
        for (Replica r : List.of(leader, standby)) {
            assertThat(get(r, "/healthz")).isEqualTo(200);
            assertThat(get(r, "/readyz")).isEqualTo(200);
        }

        // As the JVM shutdown hook does. Close must neither end the JVM (JOSDK's own exit on stop) nor hang.
        long stopping = System.nanoTime();
        leader.operator().close();
        replicas.remove(leader);
        Map<Counter, Double> leaderCounts = counts(leader);
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));

        // Released rather than left to expire: without that it would still name the stopped leader for a whole
        // lease duration after its last renewal.
        assertThat(holder()).isNotEqualTo(Optional.of(leader.identity()));
        await().atMost(LEASE).until(() -> holder().equals(Optional.of(standby.identity())));
        assertThatThrownBy(() -> get(leader, "/healthz")).isInstanceOf(ConnectException.class);

        // The new leader reconciles a resource created after the takeover and a change to one it never reconciled.
        String later = OperatorHarness.namespace("leader");
        client.resource(Fixtures.keyIntegration(later, "second", "us-east-1", "keys-v1"))
                .create();
        awaitSecretNotFound(later, "second", "keys-v1");
        client.resources(DynamoIntegration.class)
                .inNamespace(ns)
                .withName("first")
                .edit(i -> {
                    i.getSpec().getAccessKeySecretRef().setName("keys-v2");
                    return i;
                });
        awaitSecretNotFound(ns, "first", "keys-v2");
        assertThat(reconciles(standby)).isPositive();
        // Nothing the stopped replica had counted moved: it reconciled nothing after it stopped.
        assertThat(counts(leader)).isEqualTo(leaderCounts);
        // Stopping is not losing the lease: the stopped leader did not take the path that ends the process.
        assertThat(leader.lostLeadership()).hasValue(0);
        assertThat(standby.lostLeadership()).hasValue(0);
    }

    @Test
    void aLeaderWhoseLeaseIsTakenStopsAndDoesNotHandTheLeaseBack() {
        Replica only = replica("operator-c");
        await().atMost(Duration.ofSeconds(15)).until(() -> holder().equals(Optional.of(only.identity())));

        // As if the API server had been out of reach for longer than the lease and another replica had taken it.
        // The leader renews meanwhile, and the API server refuses a write of the Lease as read before that (409):
        // read and write again, as that replica would.
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    client.leases()
                            .inNamespace(leaseNamespace)
                            .withName(OperatorSettings.LeaderElection.DEFAULT_LEASE_NAME)
                            .edit(l -> {
                                l.getSpec().setHolderIdentity("operator-elsewhere");
                                l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
                                l.getSpec().setLeaseDurationSeconds(60);
                                return l;
                            });
                    return true;
                });

        // In a cluster this ends the process, so that it stops reconciling alongside the new leader.
        await().atMost(RENEW.plus(RETRY.multipliedBy(3)))
                .until(() -> only.lostLeadership().get() == 1);
        only.operator().close();
        replicas.remove(only);
        assertThat(holder()).contains("operator-elsewhere");
        assertThat(only.lostLeadership()).hasValue(1);
    }

    private Replica replica(String identity) {
        OperatorSettings settings = OperatorSettings.defaults()
                .withHttpPort(0)
                .withLeaderElection(OperatorSettings.LeaderElection.in(leaseNamespace, identity)
                        .withTimings(LEASE, RENEW, RETRY));
        AtomicInteger lost = new AtomicInteger();
        // Each replica has a client of its own, as each pod does; closing one leaves the others connected.
        DynamoSyncOperator operator = new DynamoSyncOperator(
                        server.createClient(), settings, LocalAws.CREDENTIALS, lost::incrementAndGet)
                .start();
        Replica replica = new Replica(identity, operator, operator.port(), lost);
        replicas.add(replica);
        return replica;
    }

    private Optional<String> holder() {
        Lease lease = client.leases()
                .inNamespace(leaseNamespace)
                .withName(OperatorSettings.LeaderElection.DEFAULT_LEASE_NAME)
                .get();
        return lease == null || lease.getSpec() == null
                ? Optional.empty()
                : Optional.ofNullable(lease.getSpec().getHolderIdentity());
    }

    private static void awaitSecretNotFound(String namespace, String name, String secret) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            DynamoIntegration i = client.resources(DynamoIntegration.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
            Optional<Condition> valid = condition(i.getStatus(), Conditions.Type.CREDENTIALS_VALID);
            return valid.filter(c -> Conditions.Reason.SECRET_NOT_FOUND.equals(c.getReason())
                            && c.getMessage().contains(secret))
                    .isPresent();
        });
    }

    /** Reconciles this replica started, every kind and resource together. */
    private static double reconciles(Replica replica) {
        return counts(replica).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    private static Map<Counter, Double> counts(Replica replica) {
        Map<Counter, Double> counts = new ConcurrentHashMap<>();
        replica.operator()
                .registry()
                .find("operator.sdk.reconciliations.started")
                .counters()
                .forEach(c -> counts.put(c, c.count()));
        return counts;
    }

    private int get(Replica replica, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
