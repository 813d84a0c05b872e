package io.dynamosync.operator;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's {@code /status} in the states a real worker goes through, made with its own {@link WorkerStatus}
 * records and kept to the rules the worker's code follows ({@code Worker.status()}, {@code LoadProgress},
 * {@code StreamProgress}, {@code Store}), so that operator tests cannot report what no worker sends:
 * <ul>
 *   <li>{@code synced} only with {@code lagMillis} 0, {@code recordsWaiting} 0 and a {@code syncedAsOf};</li>
 *   <li>while a load runs, stream records are journaled and wait (a lag) and {@code following} is false;</li>
 *   <li>a lost stream is a re-bootstrap (reason {@code "StreamTrimmed: ..."}, never an error) and a new load, while
 *       the store keeps serving the previous one;</li>
 *   <li>re-bootstraps are listed oldest first, refused items newest first, the latest 20, forgotten by a
 *       re-load;</li>
 *   <li>a stream whose reads keep failing is an error while the phase stays {@code Streaming}.</li>
 * </ul>
 * Steps change the state and return it; {@link #build()} gives the document.
 */
public final class WorkerAnswer {

    /** How many refused items the worker keeps ({@code History.REFUSED_KEPT}). */
    public static final int REFUSED_KEPT = 20;

    /** When a first load begins. */
    public static final Instant FIRST_LOAD = Instant.parse("2026-01-02T00:00:00Z");

    private final String collection;
    private final String table;
    private final String streamArn;
    private String phase = "Pending";
    private WorkerStatus.Load load;
    private WorkerStatus.Stream stream;
    private WorkerStatus.Store store;
    private WorkerStatus.Error error;
    private final List<WorkerStatus.Rebootstrap> rebootstraps = new ArrayList<>();
    private final List<WorkerStatus.RefusedItem> refused = new ArrayList<>();
    private long throttles;
    private WorkerStatus.Verification verification;
    private Instant loadStarted = FIRST_LOAD;
    private Instant lastEventTime;
    private long applied;
    private long journaled;

    private WorkerAnswer(String collection, String table) {
        this.collection = collection;
        this.table = table;
        this.streamArn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + table + "/stream/2026-01-01T00:00:00.000";
    }

    /** A worker that has just started: phase Pending, its store open and empty. */
    public static WorkerAnswer of(String collection, String table) {
        WorkerAnswer answer = new WorkerAnswer(collection, table);
        answer.store = new WorkerStatus.Store(0, 12_288);
        return answer;
    }

    /** The re-bootstrap reason the worker gives for records trimmed before it read them. */
    public static String streamTrimmed(String shard) {
        return "StreamTrimmed: records of shard " + shard + " were trimmed before they were read";
    }

    /** The re-bootstrap reason the worker gives when the operator raised the load generation. */
    public static String rebuildRequested(long from, long to) {
        return "RebuildRequested: load generation " + from + " became " + to;
    }

    /** The stream ARN this worker reports. */
    public String streamArn() {
        return streamArn;
    }

    /**
     * Scanning: {@code loaded} of about {@code estimated} items committed; a first load's store holds them, a
     * re-load's keeps serving the previous load.
     */
    public WorkerAnswer scanning(long loaded, long estimated) {
        phase = "Scanning";
        int percent = estimated == 0 ? 0 : (int) Math.min(99, loaded * 100 / estimated);
        load = new WorkerStatus.Load(
                "Scan",
                false,
                loaded,
                estimated,
                percent,
                1,
                4,
                null,
                null,
                loaded / 2.0,
                null,
                null,
                loadStarted,
                null,
                loaded);
        if (rebootstraps.isEmpty()) {
            store = new WorkerStatus.Store(loaded, 12_288 + loaded * 64);
        }
        journaling(0, null);
        return this;
    }

    /** Exporting the table to S3 ({@code exportArn}); nothing is loaded until the export's files are read. */
    public WorkerAnswer exporting(long estimated, String exportArn) {
        phase = "Exporting";
        load = new WorkerStatus.Load(
                "Export", false, 0, estimated, 0, null, null, 0, null, 0.0, null, exportArn, loadStarted, null, 0L);
        journaling(0, null);
        return this;
    }

    /**
     * During the load: {@code records} read from the stream are journaled and wait for the load to commit, the
     * oldest for {@code lagMillis} (absent while none waits).
     */
    public WorkerAnswer journaling(long records, Long lagMillis) {
        if (records > 0 && (lagMillis == null || lagMillis <= 0)) {
            throw new IllegalArgumentException("records that wait have an age");
        }
        journaled = records;
        applied = 0;
        lastEventTime = records > 0 ? loadStarted.plusSeconds(60) : null;
        stream = new WorkerStatus.Stream(
                streamArn,
                false,
                1,
                0,
                0,
                journaled,
                lastEventTime,
                records > 0 ? lagMillis : null,
                null,
                records,
                false);
        return this;
    }

    /**
     * The load committed: phase Streaming, the journal being replayed ({@code waiting} records, the oldest
     * {@code lagMillis} old).
     */
    public WorkerAnswer replaying(long waiting, long lagMillis) {
        loaded();
        if (waiting <= 0 || lagMillis <= 0) {
            throw new IllegalArgumentException("a replay has records waiting, of some age");
        }
        applied = Math.max(0, journaled - waiting);
        stream = new WorkerStatus.Stream(
                streamArn, false, 1, 0, applied, journaled, lastEventTime, lagMillis, null, waiting, false);
        return this;
    }

    /**
     * Following changes with nothing waiting and every shard read to its tip as of {@code asOf}: the only state in
     * which the worker says synced, and then with a lag of 0.
     */
    public WorkerAnswer synced(Instant asOf) {
        loaded();
        stream = new WorkerStatus.Stream(streamArn, true, 1, 0, applied, journaled, lastEventTime, 0L, asOf, 0L, true);
        return this;
    }

    /** Following changes, {@code waiting} records read and not yet queryable, the oldest {@code lagMillis} old. */
    public WorkerAnswer behind(long lagMillis, long waiting) {
        loaded();
        if (waiting <= 0 || lagMillis <= 0) {
            throw new IllegalArgumentException("a worker behind has records waiting, of some age");
        }
        stream = new WorkerStatus.Stream(
                streamArn, false, 1, 0, applied, journaled, lastEventTime, lagMillis, null, waiting, true);
        return this;
    }

    /** {@code records} more stream records applied, the newest recorded by DynamoDB at {@code eventTime}. */
    public WorkerAnswer applied(long records, Instant eventTime) {
        applied += records;
        lastEventTime = eventTime;
        store = new WorkerStatus.Store(store.documents() + records, store.bytes() + records * 64);
        return this;
    }

    /**
     * The worker lost its place in the stream (or was asked to rebuild) at {@code at}, with the worker's
     * {@code reason} ("Word: sentence"), and scans again; the store keeps serving the previous load meanwhile, and
     * forgets the items it refused.
     */
    public WorkerAnswer reloading(String reason, Instant at, long loaded, long estimated) {
        rebootstraps.add(new WorkerStatus.Rebootstrap(at, reason));
        // A new generation refuses its items anew.
        refused.clear();
        error = null;
        loadStarted = at.plusSeconds(1);
        return scanning(loaded, estimated);
    }

    /** The store refused an item, named by its key, at {@code at}; listed before earlier ones, as the worker does. */
    public WorkerAnswer refused(String key, String reason, Instant at) {
        refused.add(0, new WorkerStatus.RefusedItem(key, reason, at));
        if (refused.size() > REFUSED_KEPT) {
            refused.remove(REFUSED_KEPT);
        }
        return this;
    }

    /** Requests AWS throttled since the worker started. */
    public WorkerAnswer throttled(long requests) {
        throttles = requests;
        return this;
    }

    /**
     * Reads of the stream have been denied since {@code since}: reported as the error while the phase stays
     * Streaming and what was loaded keeps being served ({@code StreamProgress.readError}).
     */
    public WorkerAnswer streamReadDenied(Instant since) {
        error = new WorkerStatus.Error(
                "AccessDenied",
                "the worker may not read the stream " + streamArn
                        + ": grant dynamodb:GetRecords and dynamodb:GetShardIterator on it. AWS said: User: "
                        + "arn:aws:iam::000000000000:user/sync is not authorized to perform: dynamodb:GetRecords on resource: "
                        + streamArn + " because no identity-based policy allows the dynamodb:GetRecords action",
                since);
        return this;
    }

    /** Reads work again: the error goes with the next read that succeeds. */
    public WorkerAnswer streamReadsWork() {
        error = null;
        return this;
    }

    /** A snapshot collection's load committed: phase Loaded, and no stream read at all. */
    public WorkerAnswer snapshotLoaded() {
        loaded();
        phase = "Loaded";
        stream = null;
        return this;
    }

    /** The worker stopped on {@code reason} ({@code Worker.fail}): phase Error, retried with a growing pause. */
    public WorkerAnswer stopped(String reason, String message, Instant at) {
        phase = "Error";
        error = new WorkerStatus.Error(reason, message, at);
        return this;
    }

    /** The worker has taken a verification request, which runs. */
    public WorkerAnswer verifying(String token) {
        verification =
                new WorkerStatus.Verification(token, true, verification == null ? null : verification.last(), 0, 0);
        return this;
    }

    /** The worker's last verification ended at {@code at}, finding (and repairing) the documents of {@code keys}. */
    public WorkerAnswer verified(String token, Instant at, List<String> keys) {
        WorkerStatus.VerificationRun run = new WorkerStatus.VerificationRun(
                token == null ? "Schedule" : "Request",
                token,
                at.minusSeconds(60),
                at,
                10,
                100,
                5_000,
                keys.size(),
                keys,
                keys.size(),
                null);
        long before = verification == null ? 0 : verification.differencesTotal();
        verification = new WorkerStatus.Verification(
                token != null ? token : verification == null ? null : verification.requestToken(),
                false,
                run,
                before + keys.size(),
                before + keys.size());
        return this;
    }

    /** The document the worker serves now. */
    public WorkerStatus build() {
        return new WorkerStatus(
                phase,
                collection,
                table,
                load,
                stream,
                store,
                error,
                List.copyOf(rebootstraps),
                List.copyOf(refused),
                throttles,
                verification,
                null);
    }

    private void loaded() {
        if (load == null) {
            scanning(0, 0);
        }
        if (!load.complete()) {
            long items = load.itemsEstimated() == null
                    ? load.itemsLoaded()
                    : Math.max(load.itemsLoaded(), load.itemsEstimated());
            load = new WorkerStatus.Load(
                    load.method(),
                    true,
                    items,
                    load.itemsEstimated(),
                    100,
                    load.segmentsDone() == null ? null : load.segmentsTotal(),
                    load.segmentsTotal(),
                    load.filesTotal(),
                    load.filesTotal(),
                    load.consumedReadCapacity(),
                    load.readCapacityLimit(),
                    load.exportArn(),
                    load.startedAt(),
                    load.startedAt().plus(Duration.ofMinutes(10)),
                    items);
            store = new WorkerStatus.Store(items + applied, 12_288 + (items + applied) * 64);
        }
        phase = "Streaming";
    }
}
