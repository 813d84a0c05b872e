package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.ReadCapacity;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.cluster.LocalPod;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator and the worker together under faults: the worker killed during its load and while it streams, the
 * operator restarted in the middle of its work, and AWS throttling, failing, denying and expiring iterators through
 * the kit's fault proxy. Each test ends with the replica equal to the table, item by item, and checks what the
 * conditions and Events said while the fault lasted, and that they recovered.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
class FaultsIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

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
    void workerKilledAgainAndAgainDuringTheLoadAndWhileStreamingResumesAndLosesNothing(LocalAws aws) throws Exception {
        String namespace = LocalCluster.namespace("kill-load");
        String table = Tables.create(aws, "Customers");
        // 40 items of 200 KB: 8 MB, so 1 MB scan pages, each committed with its checkpoint, and a capped scan of
        // several seconds, slowed further by the fault proxy: time to kill the worker between pages.
        String payload = "x".repeat(200_000);
        for (int i = 0; i < 40; i++) {
            Tables.put(aws, table, String.format("big-%03d", i), i, payload + i);
        }
        aws.faults().on("Scan").forTable(table).latency(Duration.ofMillis(700)).always();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(
                () -> {
                    while (writing.get()) {
                        Tables.put(
                                aws,
                                table,
                                "small-" + ThreadLocalRandom.current().nextInt(60),
                                written.incrementAndGet());
                        sleep(50);
                    }
                },
                "writer");
        writer.start();
        try (LocalCluster.ConditionLog conditions = cluster.watch(DynamoCollection.class, namespace, "customers")) {
            apply(namespace, table, c -> {
                c.getSpec().setScanSegments(1);
                c.getSpec().setReadCapacity(readCapacityUnits(200));
            });

            int killedDuringLoad = 0;
            long committedAtLastKill = 0;
            LocalPod killed = null;
            while (killedDuringLoad < 2) {
                LocalPod pod = awaitPod(namespace, killed);
                JsonNode load = await().atMost(READY_WITHIN)
                        .pollInterval(Duration.ofMillis(100))
                        .until(
                                () -> status(pod).map(s -> s.path("load")).orElse(null),
                                l -> l != null
                                        && (l.path("complete").asBoolean()
                                                || l.path("itemsLoaded").asLong() > 0));
                if (load.path("complete").asBoolean()) {
                    break;
                }
                if (load.path("itemsLoaded").asLong() > committedAtLastKill) {
                    committedAtLastKill = load.path("itemsLoaded").asLong();
                    pod.kill();
                    killed = pod;
                    killedDuringLoad++;
                }
            }
            assertThat(killedDuringLoad)
                    .as("kills that landed while the load ran")
                    .isGreaterThanOrEqualTo(1);

            awaitReady(namespace);
            LocalPod streaming = awaitPod(namespace, killed);
            streaming.kill();
            awaitPod(namespace, streaming);
            writing.set(false);
            writer.join();

            awaitReady(namespace);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", true))
                            .isEqualTo(Tables.items(aws, table)));
            assertThat(cluster.kubelet().restarts(namespace, "customers-worker-0"))
                    .isEqualTo(killedDuringLoad + 1);
            // While the worker was down the collection said so, and went back to Ready once it answered again.
            assertThat(conditions.find("Ready", "False", "WorkerUnavailable"))
                    .as("%s", conditions)
                    .isPresent();
            assertThat(conditions.find("Reconciling", "True", "Scanning"))
                    .as("%s", conditions)
                    .isPresent();
            assertThat(conditions.saw("Stalled", "True")).as("%s", conditions).isFalse();
            assertThat(cluster.hasEvent(namespace, "customers", "Normal", "WorkerUnavailable"))
                    .isTrue();
            DynamoCollection done = cluster.collection(namespace, "customers");
            assertThat(isTrue(done.getStatus(), "Synced")).isTrue();
            assertThat(LocalCluster.condition(done.getStatus(), "Reconciling")).isEmpty();
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void operatorRestartedInTheMiddleOfItsWorkPicksUpWhereItStoppedAndWhatChangedMeanwhile(LocalAws aws) {
        String namespace = LocalCluster.namespace("operator-restart");
        String table = Tables.withCustomers(aws, 150);
        apply(namespace, table, c -> {});
        // Mid-reconcile: the worker's objects exist, the collection is not Ready yet.
        await().atMost(READY_WITHIN)
                .until(() -> client.apps()
                                .statefulSets()
                                .inNamespace(namespace)
                                .withName("customers-worker")
                                .get()
                        != null);
        cluster.stopOperator();
        try {
            edit(namespace, c -> c.getSpec().setReadCapacity(readCapacityUnits(300)));
            Tables.put(aws, table, "while-the-operator-was-away", 1);
        } finally {
            cluster.startOperator();
        }

        DynamoCollection ready = awaitReady(namespace);
        assertThat(ready.getStatus().getObservedGeneration())
                .isEqualTo(ready.getMetadata().getGeneration());
        // The change made while the operator was away reached the worker's settings, as a restart from the checkpoint.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cluster.hasEvent(namespace, "customers", "Normal", "SettingsChanged"));
        assertThat(client.configMaps()
                        .inNamespace(namespace)
                        .withName("customers-worker")
                        .get()
                        .getData()
                        .toString())
                .contains("300");
        awaitReady(namespace);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", false))
                        .isEqualTo(Tables.items(aws, table)));
        assertThat(client.apps().statefulSets().inNamespace(namespace).list().getItems())
                .hasSize(1);
        assertThat(client.services().inNamespace(namespace).list().getItems()).hasSize(1);
    }

    @Test
    void throttlingServerErrorsAndExpiredIteratorsAreRetriedAndTheReplicaStaysEqual(LocalAws aws) {
        String namespace = LocalCluster.namespace("throttle");
        String table = Tables.withCustomers(aws, 300);
        List<FaultRule> rules = List.of(
                aws.faults()
                        .on("Scan")
                        .forTable(table)
                        .error(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED)
                        .atRate(0.3),
                aws.faults()
                        .on("GetRecords")
                        .forTable(table)
                        .error(AwsError.LIMIT_EXCEEDED)
                        .atRate(0.2),
                aws.faults()
                        .on("GetRecords")
                        .forTable(table)
                        .error(AwsError.EXPIRED_ITERATOR)
                        .atRate(0.2),
                aws.faults()
                        .on("*")
                        .forTable(table)
                        .error(AwsError.INTERNAL_SERVER_ERROR)
                        .atRate(0.1));
        try (LocalCluster.ConditionLog conditions = cluster.watch(DynamoCollection.class, namespace, "customers")) {
            apply(namespace, table, c -> {});
            for (int i = 0; i < 60; i++) {
                Tables.put(
                        aws,
                        table,
                        "item-"
                                + String.format(
                                        "%05d", ThreadLocalRandom.current().nextInt(400)),
                        1000 + i);
            }
            awaitReady(namespace);
            for (int i = 0; i < 60; i++) {
                Tables.put(
                        aws,
                        table,
                        "item-"
                                + String.format(
                                        "%05d", ThreadLocalRandom.current().nextInt(400)),
                        2000 + i);
            }
            await().atMost(Duration.ofSeconds(90))
                    .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", false))
                            .isEqualTo(Tables.items(aws, table)));
            // The stream's readers keep polling, so a GetRecords rule that has not acted yet gets its chance: on a
            // quick run the replica can be equal after only a few dozen reads (one CI run saw a rule at 0.2 act on
            // none of them).
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(rules)
                            .allSatisfy(rule -> assertThat(rule.hits())
                                    .as("calls the rule acted on")
                                    .isPositive()));
            // Faults that retries absorb are no one's business: the collection never stalled.
            assertThat(conditions.saw("Stalled", "True")).as("%s", conditions).isFalse();
        }
    }

    @Test
    void scanFailingWithServerErrorsStallsTheCollectionAndItRecoversOnceAwsDoes(LocalAws aws) {
        String namespace = LocalCluster.namespace("http500");
        String table = Tables.withCustomers(aws, 120);
        try (LocalCluster.ConditionLog conditions = cluster.watch(DynamoCollection.class, namespace, "customers")) {
            // First the operator's own probes meet the outage.
            FaultRule everything = aws.faults()
                    .on("*")
                    .forTable(table)
                    .error(AwsError.INTERNAL_SERVER_ERROR)
                    .always();
            apply(namespace, table, c -> {});
            await().atMost(READY_WITHIN)
                    .untilAsserted(() -> assertThat(conditions.find("Reconciling", "True", "AwsUnreachable"))
                            .isPresent());
            assertThat(conditions.find("AccessVerified", "Unknown", "AwsUnreachable"))
                    .isPresent();
            assertThat(cluster.hasEvent(namespace, "customers", "Normal", "AwsUnreachable")
                            || cluster.hasEvent(namespace, "customers", "Warning", "AwsUnreachable"))
                    .isTrue();
            everything.remove();

            // Then, once access is verified and the worker provisioned, the worker's scan meets it.
            await().atMost(READY_WITHIN)
                    .until(() -> client.apps()
                                    .statefulSets()
                                    .inNamespace(namespace)
                                    .withName("customers-worker")
                                    .get()
                            != null);
            FaultRule scans = aws.faults()
                    .on("Scan")
                    .forTable(table)
                    .error(AwsError.INTERNAL_SERVER_ERROR)
                    .always();
            await().atMost(READY_WITHIN).untilAsserted(() -> {
                DynamoCollection c = cluster.collection(namespace, "customers");
                assertThat(LocalCluster.condition(c.getStatus(), "Stalled")).hasValueSatisfying(s -> {
                    assertThat(s.getStatus()).isEqualTo("True");
                    assertThat(s.getReason()).isEqualTo("ScanFailed");
                    assertThat(s.getMessage()).contains("InternalServerError");
                });
            });
            assertThat(cluster.hasEvent(namespace, "customers", "Warning", "ScanFailed"))
                    .isTrue();
            scans.remove();

            DynamoCollection ready = awaitReady(namespace);
            assertThat(LocalCluster.condition(ready.getStatus(), "Stalled")).isEmpty();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", false))
                            .isEqualTo(Tables.items(aws, table)));
        }
    }

    @Test
    void accessDeniedStallsTheCollectionSayingWhatToGrantAndItRecoversOnceGranted(LocalAws aws) {
        String namespace = LocalCluster.namespace("denied");
        String table = Tables.withCustomers(aws, 120);
        FaultRule denied = aws.faults()
                .on("Scan")
                .forTable(table)
                .error(AwsError.ACCESS_DENIED)
                .always();
        apply(namespace, table, c -> {});
        await().atMost(READY_WITHIN).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "customers");
            assertThat(LocalCluster.condition(c.getStatus(), "Stalled")).hasValueSatisfying(s -> {
                assertThat(s.getStatus()).isEqualTo("True");
                assertThat(s.getReason()).isEqualTo("AccessDenied");
                assertThat(s.getMessage()).contains("dynamodb:Scan");
            });
            assertThat(LocalCluster.condition(c.getStatus(), "AccessVerified"))
                    .hasValueSatisfying(s -> assertThat(s.getStatus()).isEqualTo("False"));
            assertThat(c.getStatus().getAccess()).anySatisfy(check -> {
                assertThat(check.getAction()).isEqualTo("dynamodb:Scan");
                assertThat(check.isGranted()).isFalse();
                assertThat(check.getResource()).endsWith("table/" + table);
            });
        });
        assertThat(cluster.hasEvent(namespace, "customers", "Warning", "AccessDenied"))
                .isTrue();
        assertThat(cluster.kubelet().pod(namespace, "customers-worker"))
                .as("no worker before access is granted")
                .isEmpty();

        denied.remove();
        DynamoCollection ready = awaitReady(namespace);
        assertThat(LocalCluster.condition(ready.getStatus(), "Stalled")).isEmpty();
        assertThat(isTrue(ready.getStatus(), "AccessVerified")).isTrue();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", false))
                        .isEqualTo(Tables.items(aws, table)));

        // Denied again while streaming (a policy edited under a running worker): the collection must not claim it is
        // in sync while no change can be read, and catches up once granted again.
        FaultRule streamDenied = aws.faults()
                .on("GetRecords")
                .forTable(table)
                .error(AwsError.ACCESS_DENIED)
                .always();
        Tables.put(aws, table, "written-while-denied", 7);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "customers");
            assertThat(isTrue(c.getStatus(), "Ready"))
                    .as("%s", c.getStatus().getConditions())
                    .isFalse();
            assertThat(LocalCluster.condition(c.getStatus(), "Ready")
                            .orElseThrow()
                            .getMessage())
                    .contains("dynamodb:GetRecords");
        });
        streamDenied.remove();
        awaitReady(namespace);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", false))
                        .isEqualTo(Tables.items(aws, table)));
    }

    @Test
    void streamTrimmedUnderASlowLoadIsLoadedAgainAndLosesNothing(LocalAws aws) throws Exception {
        String namespace = LocalCluster.namespace("trimmed");
        String table = Tables.create(aws, "Customers");
        String payload = "y".repeat(200_000);
        for (int i = 0; i < 24; i++) {
            Tables.put(aws, table, String.format("big-%03d", i), i, payload + i);
        }
        // Six 1 MB pages, each a second late: the load lasts long enough for its stream to be trimmed meanwhile.
        aws.faults().on("Scan").forTable(table).latency(Duration.ofSeconds(1)).always();
        try (LocalCluster.ConditionLog conditions = cluster.watch(DynamoCollection.class, namespace, "customers")) {
            apply(namespace, table, c -> {
                c.getSpec().setScanSegments(1);
                c.getSpec().setReadCapacity(readCapacityUnits(200));
            });
            LocalPod pod = awaitPod(namespace, null);
            await().atMost(READY_WITHIN)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> status(pod)
                            .map(s -> "Scanning".equals(s.path("phase").asText()))
                            .orElse(false));
            // Changes made during the load, then the stream's records trimmed before the worker read them: the
            // stream has a gap only a new load can fill.
            for (int i = 0; i < 20; i++) {
                Tables.put(aws, table, "during-load-" + i, i);
            }
            FaultRule trimmed = aws.faults()
                    .on("GetRecords")
                    .forTable(table)
                    .error(AwsError.TRIMMED_DATA_ACCESS)
                    .times(1);
            await().atMost(Duration.ofSeconds(60)).until(trimmed::exhausted);

            awaitReady(namespace);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(Tables.rows(cluster, namespace, "customers", true))
                            .isEqualTo(Tables.items(aws, table)));
            assertThat(cluster.workerStatus(namespace, "customers").path("rebootstraps"))
                    .anySatisfy(r -> assertThat(r.path("reason").asText()).startsWith("StreamTrimmed"));
            assertThat(conditions.find("Reconciling", "True", "Scanning"))
                    .as("%s", conditions)
                    .isPresent();
            // While it loaded again, the collection said why, and an Event did.
            assertThat(conditions.find("Reconciling", "True", "StreamTrimmed"))
                    .as("%s", conditions)
                    .hasValueSatisfying(c -> assertThat(c.getMessage())
                            .contains("Loading the table again", "StreamTrimmed: records of shard"));
            assertThat(cluster.hasEvent(namespace, "customers", "Warning", "StreamTrimmed"))
                    .isTrue();
            assertThat(conditions.saw("Stalled", "True")).as("%s", conditions).isFalse();
            assertThat(cluster.kubelet().restarts(namespace, "customers-worker-0"))
                    .isZero();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void apply(String namespace, String table, Consumer<DynamoCollection> change) {
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            if (o instanceof DynamoCollection c) {
                change.accept(c);
            }
            return o;
        });
    }

    private static ReadCapacity readCapacityUnits(int units) {
        ReadCapacity capacity = new ReadCapacity();
        capacity.setUnits(units);
        return capacity;
    }

    private static DynamoCollection awaitReady(String namespace) {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "customers");
            assertThat(isTrue(c.getStatus(), "Ready"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .isTrue();
        });
        return cluster.collection(namespace, "customers");
    }

    /**
     * The running worker pod answering {@code /status}, once it is another than {@code not} (one just killed). Not
     * its readiness: a worker is ready only once its first load is complete.
     */
    private static LocalPod awaitPod(String namespace, LocalPod not) {
        return await().atMost(READY_WITHIN)
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> cluster.kubelet()
                                .pod(namespace, "customers-worker")
                                .filter(p -> p != not && p.alive() && status(p).isPresent())
                                .orElse(null),
                        p -> p != null);
    }

    private static void edit(String namespace, Consumer<DynamoCollection> change) {
        client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName("customers")
                .edit(c -> {
                    change.accept(c);
                    return c;
                });
    }

    /** The pod's own {@code /status}, or empty while it does not answer. */
    private static Optional<JsonNode> status(LocalPod pod) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(pod.address() + "/status"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
