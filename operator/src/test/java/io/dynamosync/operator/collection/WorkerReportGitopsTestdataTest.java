package io.dynamosync.operator.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.status.StatusDraft;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health checks in gitops/ are tested on sample statuses; these cases hold those samples to what this
 * code writes. Each sample is a fixed point: reporting the worker's matching {@code /status} onto it changes
 * nothing, so a change to how the operator words or sets conditions fails here until the samples (and the health
 * checks' expectations) follow.
 */
class WorkerReportGitopsTestdataTest {

    private static final Path TESTDATA = Path.of(System.getProperty("basedir", "."))
            .resolve("../gitops/argocd/resource_customizations/dynamosync.io/DynamoCollection/testdata")
            .normalize();
    private static final String TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";
    private static final String STREAM = TABLE + "/stream/2026-11-20T08:00:05.123";
    private static final String EXPORT = TABLE + "/export/01763625605123-1a2b3c4d";
    private static final Instant LAST_EVENT = Instant.parse("2026-11-29T09:12:41.318Z");
    private static final WorkerStatus.Load LOADED = new WorkerStatus.Load(
            "Export", true, 48213, 48000L, 100, null, null, 10, 10, null, null, EXPORT, null, null);
    private static final WorkerStatus.Store STORE = new WorkerStatus.Store(48377, 21495808);
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Instant SUSPENDED_AT = Instant.parse("2026-11-29T08:00:00Z");

    @Test
    void caughtUp() {
        // Following a busy table: records wait, so not strictly synced, but under a second behind.
        holds(
                "healthy.yaml",
                report(new WorkerStatus(
                        "Streaming",
                        "orders",
                        "Orders",
                        LOADED,
                        new WorkerStatus.Stream(STREAM, false, 4, 0, 2100, 1893, LAST_EVENT, 850L, null, 3L, true),
                        STORE,
                        null,
                        List.of(),
                        List.of())));
    }

    @Test
    void behindBySecondsOrByMinutesReadsTheSame() {
        // Two polls of a worker falling behind write the same conditions: only status.lag moves.
        holds(
                "healthy_behind.yaml",
                report(new WorkerStatus(
                        "Streaming",
                        "orders",
                        "Orders",
                        LOADED,
                        new WorkerStatus.Stream(STREAM, false, 4, 0, 2100, 1893, LAST_EVENT, 4_200L, null, 3L, true),
                        STORE,
                        null,
                        List.of(),
                        List.of())));
        holds(
                "healthy_behindMinutes.yaml",
                report(new WorkerStatus(
                        "Streaming",
                        "orders",
                        "Orders",
                        LOADED,
                        new WorkerStatus.Stream(STREAM, false, 4, 0, 2100, 1893, LAST_EVENT, 185_000L, null, 3L, true),
                        STORE,
                        null,
                        List.of(),
                        List.of())));
    }

    @Test
    void workerCrashLooping() {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("orders-worker-0")
                .withNamespace("analytics")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewContainerStatus()
                .withName("worker")
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 2m40s " + "restarting failed container=worker pod=orders-worker-0_analytics")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(1)
                .withReason("Error")
                .withMessage("Could not " + "open the store at /data/store.duckdb: No space left on device")
                .endTerminated()
                .endLastState()
                .endContainerStatus()
                .endStatus()
                .build();
        holds(
                "degraded_workerCrashLooping.yaml",
                (draft, now) ->
                        WorkerReport.cannotRun(draft, WorkerPod.problem(pod).orElseThrow()));
    }

    @Test
    void replayingTheJournal() {
        holds(
                "progressing_replaying.yaml",
                report(new WorkerStatus(
                        "Streaming",
                        "orders",
                        "Orders",
                        LOADED,
                        new WorkerStatus.Stream(STREAM, false, 4, 0, 1204, 1893, LAST_EVENT, 850L, null, 689L, false),
                        STORE,
                        null,
                        List.of(),
                        List.of())));
    }

    @Test
    void scanning() {
        holds(
                "progressing_scanning.yaml",
                report(new WorkerStatus(
                        "Scanning",
                        "orders",
                        "Orders",
                        new WorkerStatus.Load(
                                "Scan", false, 12000, 48000L, 25, 2, 8, null, null, 40.0, 50.0, null, null, null),
                        null,
                        new WorkerStatus.Store(12000, 5349376),
                        null,
                        List.of(),
                        List.of())));
    }

    @Test
    void exporting() {
        holds(
                "progressing_exporting.yaml",
                report(new WorkerStatus(
                        "Exporting",
                        "orders",
                        "Orders",
                        new WorkerStatus.Load(
                                "Export", false, 0, 48000L, 0, null, null, null, null, null, null, EXPORT, null, null),
                        null,
                        null,
                        null,
                        List.of(),
                        List.of())));
    }

    @Test
    void trimmedStreamReloads() {
        // Records trimmed before the worker read them: a re-bootstrap (not an error) and a new export, while the
        // store serves the previous load and the stream's records are journaled for the new one.
        Instant trimmed = Instant.parse("2026-11-29T09:01:00Z");
        holds(
                "progressing_streamTrimmed.yaml",
                report(new WorkerStatus(
                        "Exporting",
                        "orders",
                        "Orders",
                        new WorkerStatus.Load(
                                "Export",
                                false,
                                0,
                                48000L,
                                0,
                                null,
                                null,
                                0,
                                null,
                                0.0,
                                null,
                                TABLE + "/export/01764406861000-5e6f7a8b",
                                trimmed.plusSeconds(1),
                                null,
                                0L),
                        new WorkerStatus.Stream(STREAM, false, 4, 0, 0, 57, LAST_EVENT, 42_000L, null, 57L, false),
                        STORE,
                        null,
                        List.of(new WorkerStatus.Rebootstrap(
                                trimmed,
                                "StreamTrimmed: records of shard "
                                        + "shardId-00001763625605123-8c2d1e0f were trimmed before they were read")),
                        List.of())));
    }

    @Test
    void transformationRefused() {
        holds(
                "degraded_invalidTransformation.yaml",
                report(new WorkerStatus(
                        "Error",
                        "orders",
                        "Orders",
                        null,
                        null,
                        null,
                        new WorkerStatus.Error(
                                "TransformationFailed",
                                "the ingest transformation failed: Binder Error: "
                                        + "Referenced column \"amount\" not found in FROM clause!",
                                LAST_EVENT),
                        List.of(),
                        List.of())));
    }

    @Test
    void workerNotAnsweringYet() {
        holds(
                "progressing_pending.yaml",
                (draft, now) -> WorkerReport.unavailable(draft, "http://orders-worker.analytics.svc:8080/status"));
    }

    @Test
    void suspended() {
        holds(
                "progressing_suspended.yaml",
                (draft, now) ->
                        WorkerReport.suspended(draft, SUSPENDED_AT, SUSPENDED_AT.plus(Duration.ofHours(1)), RETENTION));
    }

    @Test
    void suspendedNearTheStreamsRetention() {
        holds(
                "progressing_suspensionNearsRetention.yaml",
                (draft, now) -> WorkerReport.suspended(
                        draft, SUSPENDED_AT, SUSPENDED_AT.plus(Duration.ofHours(21)), RETENTION));
    }

    private static BiConsumer<StatusDraft<DynamoCollectionStatus>, Instant> report(WorkerStatus worker) {
        return (draft, now) -> WorkerReport.apply(draft, worker);
    }

    private static void holds(String file, BiConsumer<StatusDraft<DynamoCollectionStatus>, Instant> report) {
        DynamoCollection collection = read(TESTDATA.resolve(file));
        DynamoCollectionStatus before = collection.getStatus();
        Instant now = Instant.parse("2026-11-29T09:15:00Z");
        StatusDraft<DynamoCollectionStatus> draft =
                new StatusDraft<>(collection, before, Serialization.clone(before), Clock.fixed(now, ZoneOffset.UTC));

        report.accept(draft, now);
        draft.observed();

        assertThat(draft.status().getConditions())
                .as("conditions of %s", file)
                .containsExactlyInAnyOrderElementsOf(before.getConditions());
        assertThat(draft.status().getPhase()).as("phase of %s", file).isEqualTo(before.getPhase());
        assertThat(draft.changed())
                .as("%s: the operator would write %s", file, draft.status())
                .isFalse();
    }

    private static DynamoCollection read(Path file) {
        assertThat(file).isRegularFile();
        try (InputStream in = Files.newInputStream(file)) {
            return Serialization.unmarshal(in, DynamoCollection.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
