package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The soak test (issue 14): minutes of a steady stream of puts, updates and deletes through a collection the
 * operator made on the local cluster, with the lag measured from outside through the worker's Service and the
 * worker's heap after garbage collection; off unless {@code -Dsoak.minutes} is given ({@code bench/soak} runs it).
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
@EnabledIfSystemProperty(
        named = "soak.minutes",
        matches = "\\d+(\\.\\d+)?",
        disabledReason = "the soak test runs for minutes; bench/soak runs it (or -Dsoak.minutes=10)")
class SoakIT {

    private static final double MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "0"));
    private static final double RATE = Double.parseDouble(System.getProperty("soak.rate", "300"));
    private static final int WRITERS = Integer.getInteger("soak.writers", 8);
    private static final int INITIAL_ITEMS = Integer.getInteger("soak.items", 1000);
    private static final long LAG_LIMIT_MILLIS = 1000;
    /** The heap after GC at the end may exceed the baseline's by this share plus {@link #HEAP_SLACK_BYTES}. */
    private static final double HEAP_GROWTH = 0.20;

    private static final long HEAP_SLACK_BYTES = 16L << 20;
    private static final Duration LAG_SAMPLE = Duration.ofMillis(200);
    private static final int CHECK_CHUNK = 400;
    private static final double MIB = 1 << 20;

    static KubernetesMockServer server;
    static KubernetesClient client;

    private enum Kind {
        PUT,
        UPDATE,
        DELETE
    }

    /** One write DynamoDB acknowledged; {@code n} is the value it left (or the delete's sequence number). */
    private record Write(long n, String id, Kind kind, long doneNanos) {}

    private final ConcurrentSkipListMap<Long, Write> pending = new ConcurrentSkipListMap<>();
    /** Ids present in the replica with no write in flight: the only ones updated or deleted, so each check is exact. */
    private final List<String> settled = new ArrayList<>();

    private final List<Double> lagSamples = new ArrayList<>();
    /** How long each lag sample's query took: the lag includes it, as a user's query would. */
    private final List<Double> queryMillis = new ArrayList<>();
    /** The same lag to when each sample's query was sent: a lower bound, without the query's own time. */
    private final List<Double> lagToAskSamples = new ArrayList<>();

    private final AtomicLong sampleErrors = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();

    @Test
    void aSteadyStreamOfWritesForMinutesKeepsLagUnderASecondAndTheHeapFlat(LocalAws aws, @TempDir Path work)
            throws Exception {
        try (LocalCluster cluster = LocalCluster.forTests(client, aws, work)) {
            soak(cluster, aws);
        }
    }

    private void soak(LocalCluster cluster, LocalAws aws) throws Exception {
        String namespace = LocalCluster.namespace("soak");
        String table = Tables.create(aws, "Soak");
        // The writers go to DynamoDB Local directly, not through the kit's fault proxy (which the worker's reads
        // still take): on a small machine the proxy's CPU in this JVM would cap the write rate.
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.endpointOverride(aws.dynamoDbLocalEndpoint()));
        for (int i = 0; i < INITIAL_ITEMS; i++) {
            String id = String.format("item-%06d", i);
            put(dynamoDb, table, id, i);
            settled.add(id);
        }
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> cluster.atLocalAws(o, table));
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    DynamoCollection c = cluster.collection(namespace, "customers");
                    assertThat(isTrue(c.getStatus(), "Ready"))
                            .as(
                                    "%s",
                                    c.getStatus() == null ? null : c.getStatus().getConditions())
                            .isTrue();
                });
        String service = cluster.worker(namespace, "customers");
        long workerPid = workerPid(cluster.kubelet()
                .pod(namespace, "customers-worker")
                .orElseThrow()
                .port());

        long total = Math.round(MINUTES * 60 * RATE);
        Duration length = Duration.ofMillis(Math.round(MINUTES * 60_000));
        // The baseline is taken once the worker has run warm: after the second minute, or half way on a short run.
        Duration baselineAt =
                length.compareTo(Duration.ofMinutes(4)) >= 0 ? Duration.ofMinutes(2) : length.dividedBy(2);
        List<long[]> heap = new ArrayList<>(); // {seconds since start, heap used}
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong ticket = new AtomicLong();
        AtomicLong seq = new AtomicLong(INITIAL_ITEMS);
        long start = System.nanoTime();
        AtomicLong lastDone = new AtomicLong(start);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(pool.submit(() -> {
                for (long k = ticket.getAndIncrement(); k < total; k = ticket.getAndIncrement()) {
                    long wait = start + (long) (k * 1e9 / RATE) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    write(dynamoDb, table, seq.getAndIncrement());
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return null;
            }));
        }
        Future<?> lag = pool.submit(() -> {
            while (writing.get()) {
                long next = System.nanoTime() + LAG_SAMPLE.toNanos();
                sampleLag(cluster, namespace);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            }
            return null;
        });
        Future<?> heapSampler = pool.submit(() -> {
            while (writing.get()) {
                Long used = heapUsed(service);
                if (used != null) {
                    synchronized (heap) {
                        heap.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, used});
                    }
                }
                Thread.sleep(1000);
            }
            return null;
        });

        long[] baseline;
        long[] end;
        try {
            // Both heaps are taken under the same load: the end's a little before the writers finish.
            sleepUntil(start + baselineAt.toNanos());
            baseline = heapAfterGc(workerPid, service);
            sleepUntil(
                    start + length.toNanos() - Math.min(Duration.ofSeconds(10).toNanos(), length.toNanos() / 6));
            end = heapAfterGc(workerPid, service);
            for (Future<?> writer : writers) {
                writer.get();
            }
            writing.set(false);
            lag.get();
            heapSampler.get();
        } finally {
            // A writer that failed (or this thread interrupted) must not leave the samplers running.
            writing.set(false);
            pool.shutdownNow();
        }
        double seconds = (lastDone.get() - start) / 1e9;
        // The writes still unseen are checked until the replica shows them all (or a minute passes).
        long caughtUpBy = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!pending.isEmpty() && System.nanoTime() < caughtUpBy) {
            checkPending(cluster, namespace);
            Thread.sleep(200);
        }
        Map<String, String> items = Tables.items(aws, table);
        Map<String, String> rows = rows(cluster, namespace);

        double achieved = total / seconds;
        double p50 = percentile(lagSamples, 50);
        double p99 = percentile(lagSamples, 99);
        double max = lagSamples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        Map<Long, Long> floors = floorsPerMinute(heap, length);
        String heapMeasure = baseline[1] == 1 && end[1] == 1 ? "after a full GC" : "floor of its minute (no forced GC)";
        String summary = String.format(
                "SOAK %.1f min, %.0f writes/s asked, %.1f achieved by %d writers: "
                        + "%,d writes (%,d puts, %,d updates, %,d deletes); lag p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                        + "over %d samples (%d failed; their queries took %.0f ms at p50, %.0f ms at p99; to the query's start, "
                        + "lag p50 %.0f ms, p99 %.0f ms); heap %s: "
                        + "%.1f MiB after %d s, %.1f MiB near the end; heap floor per minute %s MiB; %,d items, %s",
                MINUTES,
                RATE,
                achieved,
                WRITERS,
                total,
                puts.get(),
                updates.get(),
                deletes.get(),
                p50,
                p99,
                max,
                lagSamples.size(),
                sampleErrors.get(),
                percentile(queryMillis, 50),
                percentile(queryMillis, 99),
                percentile(lagToAskSamples, 50),
                percentile(lagToAskSamples, 99),
                heapMeasure,
                baseline[0] / MIB,
                baselineAt.toSeconds(),
                end[0] / MIB,
                floors.values().stream()
                        .map(b -> String.format("%.1f", b / MIB))
                        .toList(),
                items.size(),
                items.equals(rows) ? "the store equals the table" : "THE STORE DIFFERS FROM THE TABLE");
        System.out.println(summary);
        report(achieved, p50, p99, max, baseline, end, baselineAt, floors, items.size(), items.equals(rows), summary);

        // Every verdict at once: a run of ten minutes should say all that went wrong, not the first.
        SoftAssertions verdict = new SoftAssertions();
        verdict.assertThat(achieved)
                .as(
                        "writes/s the writers reached (DynamoDB Local may not take %s/s on this "
                                + "machine; -Dsoak.rate sets the rate)",
                        RATE)
                .isGreaterThanOrEqualTo(RATE * 0.95);
        verdict.assertThat(pending.values())
                .as("writes the replica never showed")
                .isEmpty();
        verdict.assertThat(sampleErrors.get())
                .as("lag samples whose query failed")
                .isZero();
        verdict.assertThat(p99).as("lag p99, ms").isLessThan(LAG_LIMIT_MILLIS);
        verdict.assertThat(end[0])
                .as(
                        "heap in bytes %s near the end against %.1f MiB after %d s",
                        heapMeasure, baseline[0] / MIB, baselineAt.toSeconds())
                .isLessThanOrEqualTo((long) (baseline[0] * (1 + HEAP_GROWTH)) + HEAP_SLACK_BYTES);
        verdict.assertThat(differences(items, rows))
                .as("items missing, extra or different in the store")
                .isEmpty();
        verdict.assertAll();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** One write at sequence number {@code n}: a new item, or an update or delete of a settled one. */
    private void write(DynamoDbClient dynamoDb, String table, long n) {
        double r = ThreadLocalRandom.current().nextDouble();
        String target = null;
        if (r >= 0.4) {
            synchronized (settled) {
                if (!settled.isEmpty()) {
                    // Swap-remove a random settled id: no other write touches it until its change is seen.
                    int i = ThreadLocalRandom.current().nextInt(settled.size());
                    target = settled.get(i);
                    settled.set(i, settled.get(settled.size() - 1));
                    settled.remove(settled.size() - 1);
                }
            }
        }
        Kind kind;
        String id;
        if (target == null) {
            kind = Kind.PUT;
            id = String.format("soak-%09d", n);
            put(dynamoDb, table, id, n);
            puts.incrementAndGet();
        } else if (r < 0.8) {
            kind = Kind.UPDATE;
            id = target;
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS(id)))
                    .updateExpression("SET n = :n, #name = :name")
                    .expressionAttributeNames(Map.of("#name", "name"))
                    .expressionAttributeValues(Map.of(
                            ":n",
                            AttributeValue.fromN(Long.toString(n)),
                            ":name",
                            AttributeValue.fromS("customer " + n))));
            updates.incrementAndGet();
        } else {
            kind = Kind.DELETE;
            id = target;
            dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(id))));
            deletes.incrementAndGet();
        }
        pending.put(n, new Write(n, id, kind, System.nanoTime()));
    }

    private static void put(DynamoDbClient dynamoDb, String table, String id, long n) {
        StringBuilder payload = new StringBuilder(200);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            payload.append((char) ('a' + random.nextInt(26)));
        }
        dynamoDb.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "id",
                        AttributeValue.fromS(id),
                        "n",
                        AttributeValue.fromN(Long.toString(n)),
                        "name",
                        AttributeValue.fromS("customer " + n),
                        "payload",
                        AttributeValue.fromS(payload.toString()))));
    }

    /** One lag sample: the age of the oldest acknowledged write the query API does not show yet (0 when none). */
    private void sampleLag(LocalCluster cluster, String namespace) {
        try {
            long[] oldest = checkPending(cluster, namespace);
            synchronized (lagSamples) {
                lagSamples.add(oldest == null ? 0.0 : (oldest[1] - oldest[0]) / 1e6);
            }
            synchronized (lagToAskSamples) {
                lagToAskSamples.add(oldest == null ? 0.0 : Math.max(0, oldest[2] - oldest[0]) / 1e6);
            }
        } catch (RuntimeException e) {
            sampleErrors.incrementAndGet();
        }
    }

    /**
     * Asks the query API for the items of the oldest pending writes, a chunk at a time, settling those it shows,
     * until one is not shown yet; returns that write's acknowledgement time, the time of the answer and the time the
     * query was sent, or null.
     */
    private long[] checkPending(LocalCluster cluster, String namespace) {
        while (true) {
            List<Write> chunk = pending.values().stream().limit(CHECK_CHUNK).toList();
            if (chunk.isEmpty()) {
                return null;
            }
            long asked = System.nanoTime();
            String ids = chunk.stream().map(w -> "'" + w.id() + "'").distinct().collect(Collectors.joining(","));
            Map<String, Long> shown = new HashMap<>();
            for (JsonNode row :
                    cluster.query(namespace, "customers", "SELECT id, n FROM customers WHERE id IN (" + ids + ")")) {
                shown.put(row.path("id").asText(), new BigDecimal(row.path("n").asText()).longValue());
            }
            long answered = System.nanoTime();
            synchronized (queryMillis) {
                queryMillis.add((answered - asked) / 1e6);
            }
            long oldestUnseen = Long.MAX_VALUE;
            for (Write w : chunk) {
                Long n = shown.get(w.id());
                boolean seen = w.kind() == Kind.DELETE ? n == null : n != null && n >= w.n();
                if (seen) {
                    pending.remove(w.n());
                    if (w.kind() != Kind.DELETE) {
                        synchronized (settled) {
                            settled.add(w.id());
                        }
                    }
                } else {
                    oldestUnseen = Math.min(oldestUnseen, w.doneNanos());
                }
            }
            if (oldestUnseen != Long.MAX_VALUE) {
                return new long[] {oldestUnseen, answered, asked};
            }
        }
    }

    /** The worker's heap in use (every heap pool), from its /metrics; null when the scrape failed. */
    private static Long heapUsed(String service) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(service + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            double used = 0;
            boolean found = false;
            for (String line : response.body().lines().toList()) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            assertThat(found)
                    .as("the worker's /metrics has jvm_memory_used_bytes{area=\"heap\"}")
                    .isTrue();
            return (long) used;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The worker's heap in use right after a full GC, asked of it with {@code jcmd GC.run} from inside its mount
     * namespace (its /tmp, where the JVM's attach socket lives, is a volume): {bytes, 1}. Where that cannot be done,
     * the floor of the heap over the last minute's samples: {bytes, 0}.
     */
    private static long[] heapAfterGc(long pid, String service) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(
                        "nsenter",
                        "--target",
                        Long.toString(pid),
                        "--mount",
                        "--",
                        jcmd.toString(),
                        Long.toString(pid),
                        "GC.run")
                .redirectErrorStream(true)
                .start();
        String output = new String(gc.getInputStream().readAllBytes());
        boolean done = gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0 && !output.contains("Exception");
        if (done) {
            Long after = heapUsed(service);
            if (after != null) {
                return new long[] {after, 1};
            }
        } else {
            System.out.println("SOAK could not force a GC in the worker (" + output.strip() + "); using floors");
        }
        long floor = Long.MAX_VALUE;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            Long used = heapUsed(service);
            if (used != null) {
                floor = Math.min(floor, used);
            }
            Thread.sleep(1000);
        }
        return new long[] {floor, 0};
    }

    /** The worker's process id: the child of this JVM running the worker on the pod's port. */
    private static long workerPid(int port) {
        List<ProcessHandle> workers = ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("io.dynamosync.worker.WorkerMain"))
                .filter(p -> {
                    try {
                        return ("\0"
                                        + new String(Files.readAllBytes(
                                                Path.of("/proc", Long.toString(p.pid()), "environ"))))
                                .contains("\0DYNAMOSYNC_HTTP_PORT=" + port + "\0");
                    } catch (IOException e) {
                        return false;
                    }
                })
                .toList();
        assertThat(workers).as("worker processes on port %d", port).hasSize(1);
        return workers.get(0).pid();
    }

    /**
     * The smallest heap in use seen in each whole minute of the run: what survived that minute's young collections
     * (the samples after the writers' schedule ended, while they caught up, are left out).
     */
    private static Map<Long, Long> floorsPerMinute(List<long[]> samples, Duration length) {
        Map<Long, Long> floors = new TreeMap<>();
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[0] < Math.max(60, length.toSeconds() / 60 * 60)) {
                    floors.merge(s[0] / 60 + 1, s[1], Math::min);
                }
            }
        }
        return floors;
    }

    /** The replica in the shape of {@link Tables#items}, page by page (the query API caps an answer's rows). */
    private static Map<String, String> rows(LocalCluster cluster, String namespace) {
        Map<String, String> rows = new TreeMap<>();
        String after = "";
        while (true) {
            JsonNode page = cluster.query(
                    namespace,
                    "customers",
                    "SELECT id, n, name, coalesce(md5(payload), '') AS h " + "FROM customers WHERE id > '" + after
                            + "' ORDER BY id LIMIT 5000");
            for (JsonNode row : page) {
                after = row.path("id").asText();
                rows.put(
                        after,
                        row.path("n").asText() + "|" + row.path("name").asText() + "|"
                                + row.path("h").asText());
            }
            if (page.size() < 5000) {
                return rows;
            }
        }
    }

    /** Up to ten items that differ, each as "id: table → store". */
    private static List<String> differences(Map<String, String> items, Map<String, String> rows) {
        List<String> diffs = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(items);
        rows.keySet().forEach(id -> all.putIfAbsent(id, null));
        for (String id : all.keySet()) {
            if (!java.util.Objects.equals(items.get(id), rows.get(id))) {
                diffs.add(id + ": " + items.get(id) + " → " + rows.get(id));
                if (diffs.size() == 10) {
                    break;
                }
            }
        }
        return diffs;
    }

    private static double percentile(List<Double> samples, double p) {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return Double.NaN;
            }
            double[] sorted =
                    samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /** Writes the figures as JSON where {@code -Dsoak.report} says (bench/soak reads them). */
    private void report(
            double achieved,
            double p50,
            double p99,
            double max,
            long[] baseline,
            long[] end,
            Duration baselineAt,
            Map<Long, Long> floors,
            int items,
            boolean equal,
            String summary)
            throws IOException {
        String where = System.getProperty("soak.report");
        if (where == null || where.isBlank()) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("minutes", MINUTES);
        json.put("rateAsked", RATE);
        json.put("rateAchieved", achieved);
        json.put("writers", WRITERS);
        json.put("puts", puts.get());
        json.put("updates", updates.get());
        json.put("deletes", deletes.get());
        json.put("lagP50Millis", p50);
        json.put("lagP99Millis", p99);
        json.put("lagMaxMillis", max);
        json.put("lagSamples", lagSamples.size());
        json.put("lagSampleErrors", sampleErrors.get());
        json.put("lagQueryP50Millis", percentile(queryMillis, 50));
        json.put("lagQueryP99Millis", percentile(queryMillis, 99));
        json.put("lagToQueryStartP50Millis", percentile(lagToAskSamples, 50));
        json.put("lagToQueryStartP99Millis", percentile(lagToAskSamples, 99));
        json.put("heapMeasure", baseline[1] == 1 && end[1] == 1 ? "after a full GC" : "floor over a minute");
        json.put("heapBaselineBytes", baseline[0]);
        json.put("heapBaselineAtSeconds", baselineAt.toSeconds());
        json.put("heapEndBytes", end[0]);
        json.put("heapFloorPerMinuteBytes", floors);
        json.put("items", items);
        json.put("storeEqualsTable", equal);
        json.put("summary", summary);
        Path path = Path.of(where);
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(
                path,
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    }
}
