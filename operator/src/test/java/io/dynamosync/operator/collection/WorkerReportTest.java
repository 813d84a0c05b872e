package io.dynamosync.operator.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.WorkerAnswer;
import io.dynamosync.operator.status.StatusDraft;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerReportTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final DynamoCollection collection = Fixtures.collection("shop", "orders", "prod", "Orders");
    private final StatusDraft<DynamoCollectionStatus> draft =
            new StatusDraft<>(collection, null, new DynamoCollectionStatus(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void publishedFollowsTheWorkersPublishingAndIsAbsentWhenTheSpecDoesNotAsk() {
        WorkerReport.published(draft, true, false, null);
        assertThat(reason(Conditions.Type.PUBLISHED)).isEqualTo(Conditions.Reason.CATALOG_MISSING);

        WorkerReport.published(
                draft,
                true,
                true,
                new WorkerStatus.Publish("sales.orders", null, null, null, 0, 0, 0, null, null, null));
        assertThat(reason(Conditions.Type.PUBLISHED)).isEqualTo(Conditions.Reason.FIRST_SNAPSHOT_PENDING);

        WorkerReport.published(
                draft, true, true, new WorkerStatus.Publish("sales.orders", 42L, NOW, NOW, 3, 5, 1000, 0L, 0L, null));
        assertThat(draft.condition(Conditions.Type.PUBLISHED).get().getStatus()).isEqualTo("True");
        assertThat(draft.status().getIcebergSnapshotId()).isEqualTo(42L);
        assertThat(draft.status().getIcebergCoversUntil()).isEqualTo("2026-03-01T12:00:00Z");

        WorkerReport.published(
                draft,
                true,
                true,
                new WorkerStatus.Publish(
                        "sales.orders",
                        42L,
                        NOW,
                        NOW,
                        3,
                        5,
                        1000,
                        0L,
                        0L,
                        new WorkerStatus.Error("PublishFailed", "the catalog refused the connection", NOW)));
        assertThat(reason(Conditions.Type.PUBLISHED)).isEqualTo("PublishFailed");
        assertThat(draft.condition(Conditions.Type.PUBLISHED).get().getMessage())
                .contains("catalog refused");

        WorkerReport.published(draft, false, true, null);
        assertThat(draft.condition(Conditions.Type.PUBLISHED)).isEmpty();
        assertThat(draft.status().getIcebergTable()).isNull();
    }

    @Test
    void workerRefusedTheRoleIsStalledNamingItsIdentityAndTheFix() {
        String sts = "User: arn:aws:sts::111122223333:assumed-role/node-role/i-0abc is not authorized to perform: "
                + "sts:AssumeRole on resource: arn:aws:iam::210987654321:role/sync";
        WorkerReport.apply(
                draft,
                new WorkerStatus(
                        "Error",
                        "orders",
                        "Orders",
                        null,
                        null,
                        null,
                        new WorkerStatus.Error("AssumeRoleDenied", sts, NOW),
                        List.of(),
                        List.of()));

        Condition ready = draft.condition(Conditions.Type.READY).get();
        assertThat(ready.getReason()).isEqualTo(Conditions.Reason.ASSUME_ROLE_DENIED);
        assertThat(ready.getMessage()).contains("assumed-role/node-role", "trust policy", "DYNAMOSYNC_WORKER_ROLE_ARN");
        assertThat(reason(Conditions.Type.STALLED)).isEqualTo(Conditions.Reason.ASSUME_ROLE_DENIED);
    }

    @Test
    void exportInProgressIsReconcilingWithTheExportingReason() {
        WorkerReport.apply(
                draft,
                new WorkerStatus(
                        "Exporting",
                        "orders",
                        "Orders",
                        new WorkerStatus.Load(
                                "Export", false, 0, 5000L, 10, null, null, 1, 10, null, null, "arn:export", NOW, null),
                        null,
                        null,
                        null,
                        List.of(),
                        List.of()));

        assertThat(draft.status().getPhase()).isEqualTo(Phase.EXPORTING);
        assertThat(draft.status().getExportArn()).isEqualTo("arn:export");
        assertThat(reason(Conditions.Type.INITIAL_LOAD_COMPLETE)).isEqualTo(Conditions.Reason.EXPORTING);
        assertThat(reason(Conditions.Type.RECONCILING)).isEqualTo(Conditions.Reason.EXPORTING);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage()).contains("about 5000", "10%");
    }

    @Test
    void aWorkerFollowingABusyTableIsReadyAndCaughtUpUnderASecondBehindElseBehind() {
        // A busy table keeps the worker's strict "synced" false; the journal is replayed, so it follows changes.
        for (long lag : new long[] {300, 4_000}) {
            WorkerReport.apply(
                    draft,
                    new WorkerStatus(
                            "Streaming",
                            "orders",
                            "Orders",
                            new WorkerStatus.Load(
                                    "Scan", true, 100, 100L, 100, null, null, null, null, null, null, null, NOW, NOW),
                            new WorkerStatus.Stream("arn:s", false, 1, 0, 5, 20, NOW, lag, null, 12L, true),
                            new WorkerStatus.Store(100, 1),
                            null,
                            List.of(),
                            List.of()));

            assertThat(draft.condition(Conditions.Type.READY).get().getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(draft.condition(Conditions.Type.RECONCILING)).isEmpty();
            assertThat(reason(Conditions.Type.SYNCED))
                    .isEqualTo(lag < 1_000 ? Conditions.Reason.CAUGHT_UP : Conditions.Reason.BEHIND);
            assertThat(draft.condition(Conditions.Type.SYNCED).get().getStatus())
                    .isEqualTo(lag < 1_000 ? Conditions.TRUE : Conditions.FALSE);
        }
    }

    @Test
    void retentionAndTheOldestEventTimeHeldReachTheStatus() {
        Instant oldest = Instant.parse("2026-02-01T08:30:00.123456Z");
        WorkerReport.apply(
                draft,
                new WorkerStatus(
                        "Streaming",
                        "orders",
                        "Orders",
                        new WorkerStatus.Load(
                                "Scan", true, 100, 100L, 100, null, null, null, null, null, null, null, NOW, NOW),
                        new WorkerStatus.Stream("arn:s", true, 1, 0, 5, 20, NOW, 0L, NOW, 0L, true),
                        new WorkerStatus.Store(100, 1, null, 1L, null, 0L, null, "30d", oldest),
                        null,
                        List.of(),
                        List.of()));

        assertThat(draft.status().getRetention()).isEqualTo("30d");
        assertThat(draft.status().getOldestEventTime()).isEqualTo("2026-02-01T08:30:00.123Z");
    }

    @Test
    void loadedButNotSyncedIsReplaying() {
        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .journaling(20, 30_000L)
                        .replaying(12, 9_000)
                        .build());

        assertThat(draft.condition(Conditions.Type.INITIAL_LOAD_COMPLETE).get().getStatus())
                .isEqualTo(Conditions.TRUE);
        assertThat(reason(Conditions.Type.SYNCED)).isEqualTo(Conditions.Reason.REPLAYING);
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.REPLAYING);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage()).contains("20 journaled, 8 applied");
        assertThat(draft.status().getLag()).isEqualTo("9s");
    }

    @Test
    void aNearlyFullVolumeIsAWarningConditionUntilThereIsRoomAgain() {
        WorkerStatus full = withVolume(
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .synced(NOW)
                        .build(),
                new WorkerStatus.Volume(10L << 30, 1L << 30, true, "the volume holding the store is 90% used"));
        WorkerReport.apply(draft, full);

        assertThat(draft.condition(Conditions.Type.VOLUME_NEARLY_FULL)).hasValueSatisfying(c -> {
            assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.LOW_ON_SPACE);
            assertThat(c.getMessage()).contains("90% used (9.0 of 10.0 GiB)").contains("spec.storage.size");
        });
        assertThat(draft.condition(Conditions.Type.READY).get().getStatus())
                .as("the collection still runs")
                .isEqualTo(Conditions.TRUE);

        WorkerReport.apply(draft, withVolume(full, new WorkerStatus.Volume(20L << 30, 11L << 30, false, null)));
        assertThat(draft.condition(Conditions.Type.VOLUME_NEARLY_FULL)).isEmpty();
    }

    private static WorkerStatus withVolume(WorkerStatus status, WorkerStatus.Volume volume) {
        WorkerStatus.Store store = status.store();
        return new WorkerStatus(
                status.phase(),
                status.collection(),
                status.table(),
                status.load(),
                status.stream(),
                new WorkerStatus.Store(store.documents(), store.bytes(), null, 1L, null, 0L, volume),
                status.error(),
                status.rebootstraps(),
                status.refusedItems(),
                status.throttles(),
                status.verification(),
                status.publish());
    }

    @Test
    void aLoadedSnapshotIsReadyButNotSynced() {
        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .snapshotLoaded()
                        .build());

        assertThat(draft.status().getPhase()).isEqualTo(Phase.LOADED);
        assertThat(draft.condition(Conditions.Type.READY).get().getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.SNAPSHOT);
        assertThat(draft.condition(Conditions.Type.SYNCED).get().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(draft.condition(Conditions.Type.SYNCED).get().getMessage()).contains("no stream is followed");
        assertThat(draft.condition(Conditions.Type.RECONCILING)).isEmpty();
    }

    @Test
    void aStreamGapWithTheFailPolicyIsStalledAndSaysHowToLoadAgain() {
        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .synced(NOW)
                        .stopped(
                                "StreamGap",
                                "StreamTrimmed: records of shard s-1 were trimmed before they were read. The stream "
                                        + "gap policy is Fail, so the collection no longer follows the table and keeps "
                                        + "serving the replica as it was; set onStreamGap to Reload to load the table "
                                        + "again.",
                                NOW)
                        .build());

        assertThat(draft.status().getPhase()).isEqualTo(Phase.ERROR);
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.STREAM_GAP);
        assertThat(reason(Conditions.Type.STALLED)).isEqualTo(Conditions.Reason.STREAM_GAP);
        assertThat(draft.condition(Conditions.Type.STALLED).get().getMessage()).contains("onStreamGap to Reload");
    }

    @Test
    void reBootstrapsAndRefusedItemsReachTheStatusBoundedNewestLast() {
        // The worker lists re-bootstraps oldest first and refused items newest first (at most 20).
        WorkerAnswer worker =
                WorkerAnswer.of("orders", "Orders").scanning(100, 100).synced(NOW);
        worker.reloading(WorkerAnswer.streamTrimmed("shardId-1"), NOW.plusSeconds(60), 0, 100)
                .synced(NOW);
        worker.reloading(WorkerAnswer.rebuildRequested(1, 2), NOW.plusSeconds(120), 0, 100)
                .synced(NOW);
        for (int i = 0; i < 25; i++) {
            worker.refused("id=" + i, "Conversion Error: Could not convert string 'x' to INT64", NOW.plusSeconds(i));
        }
        assertThat(worker.build().refusedItems())
                .hasSize(WorkerAnswer.REFUSED_KEPT)
                .first()
                .satisfies(newest -> assertThat(newest.key()).isEqualTo("id=24"));
        WorkerReport.apply(draft, worker.build());

        assertThat(draft.status().getRebootstraps())
                .extracting(io.dynamosync.api.v1alpha1.WorkerEvent::getReason)
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("StreamTrimmed: "),
                        r -> assertThat(r).startsWith("RebuildRequested: "));
        assertThat(draft.status().getRebootstraps().get(0).getAt()).isEqualTo("2026-03-01T12:01:00Z");
        assertThat(draft.status().getRefusedItems())
                .hasSize(DynamoCollectionStatus.MAX_WORKER_EVENTS)
                .extracting(io.dynamosync.api.v1alpha1.WorkerEvent::getKey)
                .startsWith("id=15")
                .endsWith("id=24");
    }

    @Test
    void newlyRefusedItemsAreThoseAfterTheNewestReportedBefore() {
        List<io.dynamosync.api.v1alpha1.WorkerEvent> before = List.of(
                new io.dynamosync.api.v1alpha1.WorkerEvent("2026-03-01T12:00:00Z", "id=1", "x"),
                new io.dynamosync.api.v1alpha1.WorkerEvent("2026-03-01T12:00:00.500Z", "id=2", "x"));
        List<io.dynamosync.api.v1alpha1.WorkerEvent> now = List.of(
                before.get(0),
                before.get(1),
                new io.dynamosync.api.v1alpha1.WorkerEvent("2026-03-01T12:00:01Z", "id=3", "x"));

        assertThat(WorkerReport.newlyRefused(before, now))
                .extracting(io.dynamosync.api.v1alpha1.WorkerEvent::getKey)
                .containsExactly("id=3");
        assertThat(WorkerReport.newlyRefused(now, now)).isEmpty();
        assertThat(WorkerReport.newlyRefused(null, before)).hasSize(2);
        assertThat(WorkerReport.newlyRefused(before, null)).isEmpty();
    }

    @Test
    void aReloadAfterTheStreamWasLostIsProgressThatSaysWhy() {
        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .synced(NOW)
                        .reloading(
                                "CheckpointOlderThanRetention: the collection last read the stream at "
                                        + "2026-02-27T11:00:00Z, longer ago than the stream keeps records (24 hours)",
                                NOW,
                                25,
                                100)
                        .build());

        for (String type : List.of(Conditions.Type.READY, Conditions.Type.SYNCED, Conditions.Type.RECONCILING)) {
            assertThat(reason(type)).as(type).isEqualTo(Conditions.Reason.STREAM_TRIMMED);
            assertThat(draft.condition(type).get().getMessage())
                    .as(type)
                    .contains(
                            "since 2026-03-01T12:00:00Z",
                            "CheckpointOlderThanRetention: the collection last read",
                            "25 of about 100 items loaded (25%)");
        }
        assertThat(draft.condition(Conditions.Type.RECONCILING).get().getStatus())
                .isEqualTo(Conditions.TRUE);
        assertThat(reason(Conditions.Type.INITIAL_LOAD_COMPLETE)).isEqualTo(Conditions.Reason.SCANNING);
        assertThat(draft.condition(Conditions.Type.STALLED)).isEmpty();
        assertThat(draft.status().getPhase()).isEqualTo(Phase.SCANNING);
    }

    @Test
    void aRebuildTheSpecAskedForKeepsTheLoadsReasonAndSaysWhy() {
        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .synced(NOW)
                        .reloading(WorkerAnswer.rebuildRequested(1, 2), NOW, 25, 100)
                        .build());

        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.SCANNING);
        assertThat(reason(Conditions.Type.RECONCILING)).isEqualTo(Conditions.Reason.SCANNING);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage())
                .contains("RebuildRequested: load generation 1 became 2");
    }

    @Test
    void aFirstLoadIsNotAReloadNorIsOneThatCompleted() {
        WorkerReport.apply(
                draft, WorkerAnswer.of("orders", "Orders").scanning(25, 100).build());
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage()).doesNotContain("again");

        WorkerReport.apply(
                draft,
                WorkerAnswer.of("orders", "Orders")
                        .scanning(100, 100)
                        .synced(NOW)
                        .reloading(WorkerAnswer.streamTrimmed("shardId-1"), NOW, 25, 100)
                        .synced(NOW)
                        .build());
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.CAUGHT_UP);
        assertThat(draft.condition(Conditions.Type.RECONCILING)).isEmpty();
    }

    @Test
    void streamReadsDeniedWhileStreamingAreStalled() {
        WorkerAnswer worker =
                WorkerAnswer.of("orders", "Orders").scanning(100, 100).synced(NOW);
        WorkerReport.apply(draft, worker.streamReadDenied(NOW).build());

        assertThat(reason(Conditions.Type.STALLED)).isEqualTo(Conditions.Reason.ACCESS_DENIED);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage()).contains("dynamodb:GetRecords");
        assertThat(draft.status().getPhase()).isEqualTo(Phase.ERROR);

        WorkerReport.apply(draft, worker.streamReadsWork().build());
        assertThat(draft.condition(Conditions.Type.STALLED)).isEmpty();
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.CAUGHT_UP);
    }

    @Test
    void suspensionWarnsOnlyWhenItNearsTheStreamsRetention() {
        WorkerReport.suspended(draft, NOW.minus(Duration.ofHours(2)), NOW, Duration.ofHours(24));
        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.SUSPENDED);
        assertThat(reason(Conditions.Type.SYNCED)).isEqualTo(Conditions.Reason.SUSPENDED);

        WorkerReport.suspended(draft, NOW.minus(Duration.ofHours(21)), NOW, Duration.ofHours(24));
        Condition synced = draft.condition(Conditions.Type.SYNCED).get();
        assertThat(synced.getReason()).isEqualTo(Conditions.Reason.SUSPENSION_NEARS_RETENTION);
        assertThat(synced.getMessage()).contains("2026-03-01T15:00:00Z");
    }

    @Test
    void silentWorkerIsUnavailableAndNamesTheAddress() {
        WorkerReport.unavailable(draft, "http://orders-worker.shop.svc:8080/status");

        assertThat(reason(Conditions.Type.READY)).isEqualTo(Conditions.Reason.WORKER_UNAVAILABLE);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage())
                .contains("http://orders-worker.shop.svc:8080/status");
        assertThat(draft.status().getPhase()).isEqualTo(Phase.PENDING);
    }

    @Test
    void lagReadsAsPeopleWriteIt() {
        assertThat(WorkerReport.lag(850)).isEqualTo("850ms");
        assertThat(WorkerReport.lag(3_400)).isEqualTo("3s");
        assertThat(WorkerReport.lag(130_000)).isEqualTo("2m10s");
        assertThat(WorkerReport.lag(18_180_000)).isEqualTo("5h3m");
    }

    private String reason(String type) {
        return draft.condition(type).map(Condition::getReason).orElse(null);
    }
}
