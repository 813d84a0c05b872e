package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection loaded again (after trimmed stream records, or for a new transformation) keeps
 * answering queries from the last complete load while the next generation is built beside it: no
 * query fails, none finds the collection empty or half loaded, the worker stays ready, and once the
 * new generation has caught up it is served. A worker is ready only once a generation is complete,
 * and a stream turned off leaves the data queryable while the status says changes are no longer
 * followed.
 */
@ExtendWith(LocalAwsExtension.class)
class ReloadWhileQueryingIT {

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    /**
     * Queries, readiness probes and status reads in a loop against one worker, recording every
     * failure, the fewest documents a query saw, and the generations the status showed.
     */
    private static final class Throughout implements AutoCloseable {
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> notReady = new CopyOnWriteArrayList<>();
        final AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong answered = new AtomicLong();
        final AtomicBoolean sawBuildingBesideServed = new AtomicBoolean();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Throughout(Worker worker, int port, String sql, long expectedServing, long expectedBuilding) {
            thread = new Thread(
                    () -> {
                        while (!stop.get()) {
                            try {
                                WorkerStatus.Store store = worker.status().store();
                                if (store != null
                                        && Long.valueOf(expectedServing).equals(store.servingGeneration())
                                        && Long.valueOf(expectedBuilding).equals(store.buildingGeneration())) {
                                    sawBuildingBesideServed.set(true);
                                }
                                ServedWorker.Answer ready = ServedWorker.get(port, "/readyz", null);
                                if (ready.status() != 200) {
                                    notReady.add(ready.status() + " " + ready.body());
                                }
                                ServedWorker.Answer answer =
                                        ServedWorker.post(port, ServedWorker.request(sql, null), null);
                                if (answer.status() != 200) {
                                    failures.add(answer.status() + " " + answer.body());
                                    continue;
                                }
                                JsonNode row = answer.json().get("results").get(0);
                                fewest.accumulateAndGet(row.get("n").asLong(), Math::min);
                                if (row.get("with_status").asLong()
                                        != row.get("n").asLong()) {
                                    failures.add("documents without their attributes: " + row);
                                }
                                answered.incrementAndGet();
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                    },
                    "queries-throughout");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    private static final String COUNT = "SELECT count(*) AS n, count(status) AS with_status FROM orders";

    @Test
    void queriesKeepAnsweringFromTheServedLoadWhileTheNextIsBuilt(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);

        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(
                        WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
                WorkerServer server = new WorkerServer(running.worker(), 0, ApiKey.of(null))) {
            WorkerStatus synced = running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            assertThat(synced.store().servingGeneration()).isEqualTo(1L);
            assertThat(synced.store().buildingGeneration()).isNull();
            Throughout throughout = new Throughout(running.worker(), server.port(), COUNT, 1, 2);
            try (throughout) {
                aws.faults()
                        .on("GetRecords")
                        .forTable(table)
                        .error(AwsError.TRIMMED_DATA_ACCESS)
                        .times(1);
                SampleItems.fill(aws.dynamoDb(), table, 300, 400);
                running.await(
                        s -> !s.rebootstraps().isEmpty()
                                && StreamSyncIT.synced(s)
                                && s.store().documents() == 400,
                        Duration.ofSeconds(90));
            }

            WorkerStatus after = running.worker().status();
            assertThat(after.rebootstraps().get(0).reason()).startsWith("StreamTrimmed");
            assertThat(after.store().servingGeneration())
                    .as("the re-load's generation is served")
                    .isEqualTo(2L);
            assertThat(after.store().buildingGeneration()).isNull();
            assertThat(throughout.failures)
                    .as("queries that failed or saw a partial document")
                    .isEmpty();
            assertThat(throughout.notReady)
                    .as("readiness answers other than 200 during the re-load")
                    .isEmpty();
            assertThat(throughout.answered.get())
                    .as("queries answered during the reload")
                    .isPositive();
            assertThat(throughout.fewest.get())
                    .as("the fewest documents a query saw")
                    .isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void aTransformationChangeIsBuiltBesideTheServedCollectionAndSwappedIn(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 600);
        Map<String, Object> first = WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan"));
        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(first)) {
            running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
        }
        Map<String, Object> second = new LinkedHashMap<>(first);
        second.put("loadGeneration", 2);
        second.put("ingestTransformation", "SELECT _id, customer, status, upper(status) AS state FROM _input");

        // Opened and served before it starts, so the queries begin before the re-load does.
        try (Opened opened = Opened.of(second);
                WorkerServer server = new WorkerServer(opened.worker(), 0, ApiKey.of(null))) {
            Throughout throughout = new Throughout(opened.worker(), server.port(), COUNT, 1, 2);
            try (throughout) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> throughout.answered.get() > 0);
                opened.worker().start();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            WorkerStatus s = opened.worker().status();
                            return StreamSyncIT.synced(s)
                                    && Long.valueOf(2).equals(s.store().servingGeneration());
                        });
            }

            assertThat(throughout.failures)
                    .as("queries that failed or saw a partial document")
                    .isEmpty();
            assertThat(throughout.notReady)
                    .as("readiness answers other than 200 during the re-load")
                    .isEmpty();
            assertThat(throughout.fewest.get())
                    .as("the fewest documents a query saw")
                    .isEqualTo(600);
            assertThat(throughout.sawBuildingBesideServed)
                    .as("a status showing generation 2 built beside 1")
                    .isTrue();
            JsonNode row = ServedWorker.post(
                            server.port(),
                            ServedWorker.request(
                                    "SELECT count(*) AS n, count(*) FILTER (WHERE state = upper(status)) AS transformed FROM orders",
                                    null),
                            null)
                    .json()
                    .get("results")
                    .get(0);
            assertThat(row.get("n").asLong()).isEqualTo(600);
            assertThat(row.get("transformed").asLong())
                    .as("documents of the new transformation")
                    .isEqualTo(600);
        }
    }

    @Test
    void aWorkerIsReadyOnlyOnceItsFirstLoadIsComplete(LocalAws aws, @TempDir Path data) throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 200);

        try (Opened opened = Opened.of(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
                WorkerServer server = new WorkerServer(opened.worker(), 0, ApiKey.of(null))) {
            ServedWorker.Answer before = ServedWorker.get(server.port(), "/readyz", null);
            assertThat(before.status()).isEqualTo(503);
            assertThat(before.json().get("reason").asText()).isEqualTo("NoCompleteGeneration");
            assertThat(before.json().get("message").asText()).contains("first load is not complete");
            WorkerStatus.Store store = opened.worker().status().store();
            assertThat(store.servingGeneration()).isNull();
            assertThat(store.buildingGeneration()).isEqualTo(1L);

            opened.worker().start();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> StreamSyncIT.synced(opened.worker().status()));
            assertThat(ServedWorker.get(server.port(), "/readyz", null).status())
                    .isEqualTo(200);
            assertThat(opened.worker().status().store().servingGeneration()).isEqualTo(1L);
        }
        // The served generation is kept in the store: a restarted worker is ready before it reads anything.
        try (Opened again = Opened.of(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            assertThat(again.worker().ready()).isTrue();
        }
    }

    @Test
    void aStreamTurnedOffLeavesTheDataQueryableAndSaysChangesAreNoLongerFollowed(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 250);

        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(
                        WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
                WorkerServer server = new WorkerServer(running.worker(), 0, ApiKey.of(null))) {
            WorkerStatus synced = running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
            assertThat(synced.stream().followsChanges()).isTrue();

            aws.dynamoDb().updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(false)));
            WorkerStatus off = running.await(
                    s -> s.error() != null && "StreamDisabled".equals(s.error().reason()), Duration.ofSeconds(60));

            assertThat(off.stream().followsChanges()).as("following changes").isFalse();
            assertThat(off.stream().synced()).as("synced").isFalse();
            assertThat(off.error().message()).contains("--stream-specification StreamEnabled=true");
            assertThat(off.store().servingGeneration()).isEqualTo(1L);
            assertThat(ServedWorker.get(server.port(), "/readyz", null).status())
                    .isEqualTo(200);
            JsonNode row = ServedWorker.post(server.port(), ServedWorker.request(COUNT, null), null)
                    .json()
                    .get("results")
                    .get(0);
            assertThat(row.get("n").asLong()).as("documents still queryable").isEqualTo(250);
            assertThat(row.get("with_status").asLong()).isEqualTo(250);
        }
    }

    /** A worker whose store is open and served, not yet started. */
    private record Opened(Worker worker, AwsClients clients) implements AutoCloseable {
        static Opened of(Map<String, Object> raw) {
            Settings settings = InitialLoadIT.settings(raw);
            AwsClients clients = new AwsClients(settings);
            return new Opened(new Worker(settings, clients).open(), clients);
        }

        @Override
        public void close() {
            worker.close();
            clients.close();
        }
    }
}
