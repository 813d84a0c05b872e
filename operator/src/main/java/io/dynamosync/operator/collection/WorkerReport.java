package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.api.v1alpha1.Conditions.Type;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.v1alpha1.VerificationResult;
import io.dynamosync.api.v1alpha1.WorkerEvent;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.status.StatusDraft;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns what a worker reports on {@code /status} (or its silence, or a suspension) into the collection's status:
 * the numbers copied as they are, and the Ready, InitialLoadComplete, Synced, Reconciling, Stalled and Verified conditions
 * kept true to what the worker does. Pure, so each situation is tested without a worker.
 */
final class WorkerReport {

    /** Worker error reasons that have a reason of their own in the API. */
    private static final Map<String, String> ERROR_REASONS = Map.of(
            "TransformationFailed", Reason.INVALID_TRANSFORMATION,
            "InvalidTransformation", Reason.INVALID_TRANSFORMATION,
            "ExportFailed", Reason.EXPORT_FAILED,
            "AccessDenied", Reason.ACCESS_DENIED,
            "AssumeRoleDenied", Reason.ASSUME_ROLE_DENIED,
            "PointInTimeRecoveryDisabled", Reason.POINT_IN_TIME_RECOVERY_OFF);

    /** What to do when STS refuses the worker the integration's role; the worker's message names its identity. */
    static final String WORKER_TRUST_FIX = " Each worker assumes the integration's role itself, so the role's trust "
            + "policy must name the worker's identity as well as the operator's: the integration's status.trustPolicy "
            + "lists every identity to trust once the operator's DYNAMOSYNC_WORKER_ROLE_ARN names the IAM role worker "
            + "pods run as (their ServiceAccount's IRSA or Pod Identity role).";

    private WorkerReport() {}

    /** The re-bootstrap reason the worker gives when the operator raised the load generation. */
    static final String REBUILD_REQUESTED = "RebuildRequested";

    /**
     * The newest {@link DynamoCollectionStatus#MAX_WORKER_EVENTS} of a worker's list, oldest first; null if none.
     * Sorted by time here, since the worker lists re-bootstraps oldest first and refused items newest first.
     */
    private static <T> List<WorkerEvent> latest(
            List<T> reported, Function<T, Instant> at, Function<T, WorkerEvent> toEvent) {
        if (reported == null || reported.isEmpty()) {
            return null;
        }
        List<T> sorted = reported.stream()
                .sorted(Comparator.comparing(at, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        int from = Math.max(0, sorted.size() - DynamoCollectionStatus.MAX_WORKER_EVENTS);
        return sorted.subList(from, sorted.size()).stream().map(toEvent).toList();
    }

    /**
     * The re-bootstrap behind the load that runs now, if it is a re-load: the newest one, when the load has not
     * completed and did not start before it (a first load has none before it; a worker restarted during a re-load
     * resumes it with its start). Before the worker has begun a load (no {@code load} yet, as for a moment at every
     * start) it cannot be told, so it is not claimed.
     */
    static Optional<WorkerStatus.Rebootstrap> reloadCause(WorkerStatus worker) {
        WorkerStatus.Load load = worker.load();
        if (worker.rebootstraps() == null || load == null || load.complete()) {
            return Optional.empty();
        }
        return worker.rebootstraps().stream()
                .filter(r -> r.at() != null)
                .max(Comparator.comparing(WorkerStatus.Rebootstrap::at))
                .filter(newest -> load.startedAt() == null || !load.startedAt().isBefore(newest.at()));
    }

    /**
     * The volume's use in whole percent and GiB to one decimal, so that the message (which Argo CD shows) changes
     * only as the volume fills, and what to do.
     */
    static String volumeMessage(WorkerStatus.Volume volume) {
        long used = volume.capacityBytes() - volume.usableBytes();
        long percent = volume.capacityBytes() == 0 ? 100 : used * 100 / volume.capacityBytes();
        return String.format(
                Locale.ROOT,
                "The store's volume is %d%% used (%.1f of %.1f GiB) and the store may soon not fit; a full volume "
                        + "stops every commit. Raise spec.storage.size: the operator expands the claim where its "
                        + "StorageClass allows (see VolumeResized).",
                percent,
                used / (double) (1L << 30),
                volume.capacityBytes() / (double) (1L << 30));
    }

    private static String instant(Instant at) {
        return at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * Sets {@code Published} and the table's fields from the worker's publishing: present only while the spec asks
     * to publish; True once the table has a snapshot and while publishing does not fail.
     */
    static void published(
            StatusDraft<DynamoCollectionStatus> draft,
            boolean asked,
            boolean catalogNamed,
            WorkerStatus.Publish publish) {
        DynamoCollectionStatus status = draft.status();
        if (!asked) {
            draft.clear(Type.PUBLISHED);
            status.setIcebergTable(null);
            status.setIcebergSnapshotId(null);
            status.setIcebergCoversUntil(null);
            return;
        }
        if (!catalogNamed) {
            draft.setFalse(
                    Type.PUBLISHED,
                    Reason.CATALOG_MISSING,
                    "spec.iceberg is set, but the integration has no spec.icebergCatalog saying which catalog and "
                            + "warehouse to publish to: add one to the DynamoIntegration.");
            return;
        }
        if (publish == null) {
            return;
        }
        status.setIcebergTable(publish.table());
        status.setIcebergSnapshotId(publish.snapshotId());
        status.setIcebergCoversUntil(publish.coversUntil() == null ? null : instant(publish.coversUntil()));
        if (publish.error() != null) {
            draft.setFalse(
                    Type.PUBLISHED, publish.error().reason(), publish.error().message());
        } else if (publish.snapshotId() == null) {
            draft.setFalse(
                    Type.PUBLISHED,
                    Reason.FIRST_SNAPSHOT_PENDING,
                    "The Iceberg table " + publish.table() + " gets its first snapshot once the initial load "
                            + "completes.");
        } else {
            draft.setTrue(
                    Type.PUBLISHED,
                    Reason.TABLE_CURRENT,
                    "The Iceberg table " + publish.table() + " is kept current from the replica; "
                            + "status.icebergCoversUntil says up to when.");
        }
    }

    /** Copies a worker's status into the collection's and sets the conditions it implies. */
    static void apply(StatusDraft<DynamoCollectionStatus> draft, WorkerStatus worker) {
        DynamoCollectionStatus status = draft.status();
        status.setPhase(phase(worker.phase()));
        WorkerStatus.Load load = worker.load();
        if (load != null) {
            status.setItemsLoaded(load.itemsLoaded());
            status.setItemsEstimated(load.itemsEstimated());
            status.setLoadPercent(load.complete() ? Integer.valueOf(100) : load.percent());
            if (load.exportArn() != null) {
                status.setExportArn(load.exportArn());
            }
        }
        WorkerStatus.Stream stream = worker.stream();
        if (stream != null) {
            if (stream.streamArn() != null) {
                status.setStreamArn(stream.streamArn());
            }
            status.setSyncLagMs(stream.lagMillis());
            status.setLag(stream.lagMillis() == null ? null : lag(stream.lagMillis()));
            status.setLastEventTime(
                    stream.lastEventTime() == null
                            ? null
                            : DateTimeFormatter.ISO_INSTANT.format(
                                    stream.lastEventTime().truncatedTo(ChronoUnit.MILLIS)));
        }
        if (worker.store() != null) {
            status.setDocuments(worker.store().documents());
            status.setStoreBytes(worker.store().bytes());
            WorkerStatus.Volume volume = worker.store().volume();
            if (volume != null && volume.nearlyFull()) {
                draft.setTrue(Type.VOLUME_NEARLY_FULL, Reason.LOW_ON_SPACE, volumeMessage(volume));
            } else if (volume != null) {
                draft.clear(Type.VOLUME_NEARLY_FULL);
            }
            status.setRetention(worker.store().retention());
            status.setOldestEventTime(
                    worker.store().oldestEventTime() == null
                            ? null
                            : DateTimeFormatter.ISO_INSTANT.format(
                                    worker.store().oldestEventTime().truncatedTo(ChronoUnit.MILLIS)));
        }
        status.setRebootstraps(latest(
                worker.rebootstraps(),
                WorkerStatus.Rebootstrap::at,
                r -> new WorkerEvent(instant(r.at()), null, r.reason())));
        status.setRefusedItems(latest(
                worker.refusedItems(),
                WorkerStatus.RefusedItem::at,
                r -> new WorkerEvent(instant(r.at()), r.key(), r.reason())));

        if (worker.error() != null) {
            String reason = ERROR_REASONS.getOrDefault(
                    worker.error().reason(), worker.error().reason());
            String message = Reason.ASSUME_ROLE_DENIED.equals(reason)
                    ? worker.error().message() + WORKER_TRUST_FIX
                    : worker.error().message();
            status.setPhase(Phase.ERROR);
            if (Reason.EXPORT_FAILED.equals(reason)) {
                draft.setFalse(
                        Type.INITIAL_LOAD_COMPLETE, reason, worker.error().message());
            }
            draft.stalled(reason, message);
            return;
        }
        draft.clear(Type.STALLED);

        if (load == null || !load.complete()) {
            String reason =
                    load != null && "Export".equalsIgnoreCase(load.method()) || status.getPhase() == Phase.EXPORTING
                            ? Reason.EXPORTING
                            : Reason.SCANNING;
            String message = loadMessage(reason, load);
            draft.setFalse(Type.INITIAL_LOAD_COMPLETE, reason, message);
            Optional<WorkerStatus.Rebootstrap> cause = reloadCause(worker);
            if (cause.isPresent()) {
                // A re-load: say why, since the collection was loaded before. A stream that lost changes has a
                // reason of its own (an Event a user can search for); a rebuild the spec asked for was announced.
                String why = Objects.requireNonNullElse(cause.get().reason(), "");
                String word = why.contains(":") ? why.substring(0, why.indexOf(':')) : why;
                String reloadReason = REBUILD_REQUESTED.equals(word) ? reason : Reason.STREAM_TRIMMED;
                String reload =
                        "Loading the table again since " + instant(cause.get().at()) + " (" + why
                                + "); until the load completes, queries answer from the previous one. " + message;
                draft.setFalse(Type.SYNCED, reloadReason, reload);
                draft.progressing(reloadReason, reload);
                return;
            }
            draft.setFalse(
                    Type.SYNCED,
                    reason,
                    "Stream records are journaled while the initial load runs, and " + "applied once it commits.");
            draft.progressing(reason, message);
            return;
        }
        draft.setTrue(
                Type.INITIAL_LOAD_COMPLETE,
                Reason.LOADED,
                load.itemsLoaded() + " items loaded by "
                        + (load.method() == null
                                ? "the initial load"
                                : load.method().toLowerCase(Locale.ROOT)) + ".");
        if (status.getPhase() == Phase.LOADED) {
            String message = "A snapshot of the table, as the load read it"
                    + (load.completedAt() == null ? "" : " (completed " + instant(load.completedAt()) + ")")
                    + "; mode is Snapshot, so no stream is followed and later changes to the table are not applied.";
            draft.setFalse(Type.SYNCED, Reason.SNAPSHOT, message);
            draft.setTrue(Type.READY, Reason.SNAPSHOT, message);
            draft.clear(Type.RECONCILING);
            return;
        }
        if (stream == null || !stream.followsChanges()) {
            String message = "Applying the stream records journaled during the initial load"
                    + (stream == null
                            ? "."
                            : " (" + stream.recordsJournaled() + " journaled, " + stream.recordsApplied()
                                    + " applied).");
            draft.setFalse(Type.SYNCED, Reason.REPLAYING, message);
            draft.progressing(Reason.REPLAYING, message);
            return;
        }
        // The worker's own "synced" is strict (nothing read waits, every shard's newest read was empty), so a busy
        // table is seldom exactly there; under a second behind counts as caught up, or Synced would flip, with an
        // Event, at nearly every poll.
        boolean caughtUp = stream.synced() || stream.lagMillis() != null && stream.lagMillis() < SYNCED_WITHIN_MILLIS;
        // The messages name no number that moves at every poll (the lag, the open shards): status.lag and
        // status.syncLagMs carry the lag, and a message that changed at every poll would rewrite the status, and the
        // health message of every Argo CD Application showing it, for nothing a user must act on.
        if (caughtUp) {
            String message = "Following the table's stream, less than a second behind DynamoDB; status.lag says by "
                    + "how much.";
            draft.setTrue(Type.SYNCED, Reason.CAUGHT_UP, message);
            draft.setTrue(Type.READY, Reason.CAUGHT_UP, message);
        } else {
            String message = "Following the table's stream, a second or more behind DynamoDB; status.lag says by "
                    + "how much. Queries see every change up to that long ago.";
            draft.setFalse(Type.SYNCED, Reason.BEHIND, message);
            draft.setTrue(Type.READY, Reason.BEHIND, message);
        }
        draft.clear(Type.RECONCILING);
    }

    /**
     * The refused items in {@code now} that {@code before} did not have: those refused after the newest one it
     * listed (a worker that restarts lists the same ones again; a re-load forgets them, and refuses anew).
     */
    /**
     * Copies the worker's last verification into {@code status.verification} and sets the Verified condition from it.
     * A worker that reports none (restarted since, or not verified yet) leaves both as they were: a verification's
     * finding stays true of the replica until the next one.
     */
    static void verification(StatusDraft<DynamoCollectionStatus> draft, WorkerStatus worker) {
        WorkerStatus.VerificationRun run =
                worker.verification() == null ? null : worker.verification().last();
        if (run == null) {
            return;
        }
        VerificationResult result = new VerificationResult();
        result.setCompletedAt(instant(run.completedAt()));
        result.setTrigger(run.trigger());
        result.setRequestToken(run.requestToken());
        result.setSegmentsChecked(run.segmentsChecked());
        result.setTotalSegments(run.totalSegments());
        result.setItemsChecked(run.itemsChecked());
        result.setDifferences(run.differences());
        result.setDifferingKeys(
                run.differingKeys() == null || run.differingKeys().isEmpty() ? null : run.differingKeys());
        result.setRepaired(run.repaired());
        result.setError(run.error());
        draft.status().setVerification(result);
        String when = instant(run.completedAt());
        if (run.error() != null) {
            draft.set(
                    Type.VERIFIED,
                    Conditions.UNKNOWN,
                    Reason.VERIFICATION_FAILED,
                    "The verification of " + when + " stopped before its end: " + run.error()
                            + " The next one tries again.");
        } else if (run.differences() > 0) {
            draft.setFalse(
                    Type.VERIFIED,
                    Reason.DIFFERENCES_REPAIRED,
                    "The verification of " + when + " found " + run.differences() + " document(s) differing from the "
                            + "table once the stream had passed them, and repaired " + run.repaired()
                            + " from the table; status.verification.differingKeys names them. Differences mean changes "
                            + "the stream did not bring: look for writes to the store or a stream gap in the worker's log.");
        } else {
            draft.setTrue(
                    Type.VERIFIED,
                    Reason.NO_DIFFERENCES,
                    "The verification of " + when + " read " + run.itemsChecked() + " items in " + run.segmentsChecked()
                            + " of " + run.totalSegments()
                            + " scan segments and found every document equal to the table.");
        }
    }

    /**
     * The Warning to announce for a verification that ended since {@code before} and found differences; empty when
     * none did. Each verification is announced once, as its end time tells it apart.
     */
    static Optional<String> newDifferences(VerificationResult before, VerificationResult now) {
        if (now == null
                || now.getDifferences() == null
                || now.getDifferences() == 0
                || before != null && Objects.equals(before.getCompletedAt(), now.getCompletedAt())) {
            return Optional.empty();
        }
        return Optional.of("Verification found " + now.getDifferences() + " document(s) differing from the table and "
                + "repaired " + now.getRepaired() + ": "
                + String.join("; ", now.getDifferingKeys() == null ? List.of() : now.getDifferingKeys()) + ".");
    }

    static List<WorkerEvent> newlyRefused(List<WorkerEvent> before, List<WorkerEvent> now) {
        if (now == null) {
            return List.of();
        }
        Instant newestBefore = before == null
                ? null
                : before.stream()
                        .map(e -> parse(e.getAt()))
                        .filter(Objects::nonNull)
                        .max(Comparator.naturalOrder())
                        .orElse(null);
        return now.stream()
                .filter(e -> {
                    Instant at = parse(e.getAt());
                    return newestBefore == null || at != null && at.isAfter(newestBefore);
                })
                .toList();
    }

    private static Instant parse(String at) {
        try {
            return at == null ? null : Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** How far behind the newest record read a worker may be and still count as caught up. */
    static final long SYNCED_WITHIN_MILLIS = 1_000;

    /** The worker did not answer: it is starting, restarting or broken. */
    static void unavailable(StatusDraft<DynamoCollectionStatus> draft, String statusUrl) {
        String message = "The worker did not answer at " + statusUrl + "; it may still be starting. See the pod's "
                + "events and logs if this lasts.";
        if (draft.status().getPhase() == null || draft.status().getPhase() == Phase.VALIDATING) {
            draft.status().setPhase(Phase.PENDING);
        }
        draft.setFalse(Type.READY, Reason.WORKER_UNAVAILABLE, message);
        draft.setFalse(Type.SYNCED, Reason.WORKER_UNAVAILABLE, message);
        draft.setTrue(
                Type.RECONCILING,
                Reason.PROVISIONING,
                "The worker's StatefulSet, Service and ConfigMap are " + "in place; waiting for the worker to answer.");
        draft.clear(Type.STALLED);
    }

    /**
     * The worker cannot run, for a reason Kubernetes gives ({@link WorkerPod}): Stalled, so that kstatus and Argo CD
     * show a fault (Degraded), not a worker still starting. A vaguer report of the same fault (a back-off after the
     * error it repeats) keeps the message, which would otherwise flip at every retry.
     */
    static void cannotRun(StatusDraft<DynamoCollectionStatus> draft, WorkerPod.Problem problem) {
        String message = problem.message();
        if (!problem.refined()) {
            message = draft.condition(Type.STALLED)
                    .filter(c -> problem.reason().equals(c.getReason()))
                    .map(c -> c.getMessage())
                    .orElse(message);
        }
        if (draft.status().getPhase() == null || draft.status().getPhase() == Phase.VALIDATING) {
            draft.status().setPhase(Phase.PENDING);
        }
        draft.setFalse(Type.SYNCED, Reason.WORKER_UNAVAILABLE, "The worker is not running: " + problem.reason() + ".");
        draft.stalled(problem.reason(), message);
    }

    /**
     * The worker is scaled to zero on purpose. Synced warns once the suspension has lasted most of the stream's
     * retention, after which the checkpoint is trimmed away and resuming loads the table again.
     */
    static void suspended(StatusDraft<DynamoCollectionStatus> draft, Instant since, Instant now, Duration retention) {
        draft.setFalse(
                Type.READY,
                Reason.SUSPENDED,
                "Suspended: the worker is stopped and its volume kept. Set "
                        + "spec.suspend to false to resume from the checkpoint.");
        Duration suspendedFor = Duration.between(since, now);
        Instant deadline = since.plus(retention);
        // A sixth of the retention (4 hours of 24) leaves time to act on the warning.
        if (suspendedFor.compareTo(retention.minus(retention.dividedBy(6))) >= 0) {
            draft.setFalse(
                    Type.SYNCED,
                    Reason.SUSPENSION_NEARS_RETENTION,
                    "Suspended since " + since + "; the "
                            + "stream keeps changes for " + lag(retention.toMillis()) + ". Resume before " + deadline
                            + " or the collection loads the table again.");
        } else {
            draft.setFalse(
                    Type.SYNCED,
                    Reason.SUSPENDED,
                    "Suspended since " + since + "; resume before " + deadline + " to continue from the checkpoint.");
        }
        draft.clear(Type.RECONCILING);
        draft.clear(Type.STALLED);
    }

    private static String loadMessage(String reason, WorkerStatus.Load load) {
        String what = Reason.EXPORTING.equals(reason) ? "Exporting the table to S3" : "Scanning the table";
        if (load == null) {
            return what + ".";
        }
        return what + ": " + load.itemsLoaded()
                + (load.itemsEstimated() == null ? "" : " of about " + load.itemsEstimated()) + " items loaded"
                + (load.percent() == null ? "" : " (" + load.percent() + "%)")
                + ".";
    }

    private static Phase phase(String worker) {
        if (worker == null) {
            return Phase.PENDING;
        }
        for (Phase p : List.of(Phase.values())) {
            if (p.name().equalsIgnoreCase(worker)) {
                return p;
            }
        }
        return Phase.PENDING;
    }

    /** A lag for people: 850ms, 3s, 2m10s, 5h3m. */
    static String lag(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
    }
}
