package io.dynamosync.api.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The worker's {@code GET /status} document: the contract between the worker, which serves it,
 * and the operator, which copies it into the collection's status.
 *
 * @param phase Pending, Exporting, Scanning, Streaming or Error
 * @param collection the collection's name
 * @param table the table being replicated
 * @param load the initial load's progress; null before it starts
 * @param stream the stream follower's progress; null before it starts
 * @param store what the store holds
 * @param error why the worker stopped making progress; null while it makes progress
 * @param rebootstraps times the worker started over from a new load, and why
 * @param refusedItems the latest items the store refused, and why
 * @param throttles requests DynamoDB or DynamoDB Streams throttled since the worker started (the
 *     SDK's retries on throttling included); null from workers that do not count them
 * @param verification the replica's verifications against the table; null from workers that do not verify
 * @param publish the collection's Iceberg table, when it is published; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerStatus(
        String phase,
        String collection,
        String table,
        Load load,
        Stream stream,
        Store store,
        Error error,
        List<Rebootstrap> rebootstraps,
        List<RefusedItem> refusedItems,
        Long throttles,
        Verification verification,
        Publish publish) {

    /** A status without verification or publishing, as workers before them reported. */
    public WorkerStatus(
            String phase,
            String collection,
            String table,
            Load load,
            Stream stream,
            Store store,
            Error error,
            List<Rebootstrap> rebootstraps,
            List<RefusedItem> refusedItems,
            Long throttles) {
        this(phase, collection, table, load, stream, store, error, rebootstraps, refusedItems, throttles, null, null);
    }

    /** A status without a throttle count, as workers before it reported. */
    public WorkerStatus(
            String phase,
            String collection,
            String table,
            Load load,
            Stream stream,
            Store store,
            Error error,
            List<Rebootstrap> rebootstraps,
            List<RefusedItem> refusedItems) {
        this(phase, collection, table, load, stream, store, error, rebootstraps, refusedItems, null, null, null);
    }

    /**
     * Initial load progress; {@code itemsRead} counts what this run of the worker read, which
     * after a restart is less than {@code itemsLoaded}, since committed work is not read again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Load(
            String method,
            boolean complete,
            long itemsLoaded,
            Long itemsEstimated,
            Integer percent,
            Integer segmentsDone,
            Integer segmentsTotal,
            Integer filesDone,
            Integer filesTotal,
            Double consumedReadCapacity,
            Double readCapacityLimit,
            String exportArn,
            Instant startedAt,
            Instant completedAt,
            Long itemsRead) {

        /** Progress without {@code itemsRead}, as workers before it reported. */
        public Load(
                String method,
                boolean complete,
                long itemsLoaded,
                Long itemsEstimated,
                Integer percent,
                Integer segmentsDone,
                Integer segmentsTotal,
                Integer filesDone,
                Integer filesTotal,
                Double consumedReadCapacity,
                Double readCapacityLimit,
                String exportArn,
                Instant startedAt,
                Instant completedAt) {
            this(
                    method,
                    complete,
                    itemsLoaded,
                    itemsEstimated,
                    percent,
                    segmentsDone,
                    segmentsTotal,
                    filesDone,
                    filesTotal,
                    consumedReadCapacity,
                    readCapacityLimit,
                    exportArn,
                    startedAt,
                    completedAt,
                    null);
        }
    }

    /**
     * Stream follower progress.
     *
     * <p>{@code synced} holds when every record the worker has read is committed (queryable) and
     * the newest read of every open shard found nothing newer. {@code syncedAsOf} is the newest
     * instant as of which every change the stream had published is known to be queryable: when
     * synced, when the oldest of those reads was sent; under steady writes, which keep a busy table
     * from being synced, the last instant every open shard was read through and committed. {@code lagMillis} is zero only when no record read waits to be committed;
     * otherwise the age of the oldest such record, counted from when the worker read it (stream
     * record times are too coarse: whole seconds on AWS, whole minutes on DynamoDB Local); null
     * while a load runs and nothing waits. {@code recordsWaiting} counts records read and not yet
     * queryable (journaled records wait until the load ends).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stream(
            String streamArn,
            boolean synced,
            int shardsOpen,
            int shardsClosed,
            long recordsApplied,
            long recordsJournaled,
            Instant lastEventTime,
            Long lagMillis,
            Instant syncedAsOf,
            Long recordsWaiting,
            Boolean following) {

        /** Progress without {@code syncedAsOf} and {@code recordsWaiting}, as workers before them reported. */
        public Stream(
                String streamArn,
                boolean synced,
                int shardsOpen,
                int shardsClosed,
                long recordsApplied,
                long recordsJournaled,
                Instant lastEventTime,
                Long lagMillis) {
            this(
                    streamArn,
                    synced,
                    shardsOpen,
                    shardsClosed,
                    recordsApplied,
                    recordsJournaled,
                    lastEventTime,
                    lagMillis,
                    null,
                    null,
                    null);
        }

        /** Progress without {@code following}, as workers before it reported. */
        public Stream(
                String streamArn,
                boolean synced,
                int shardsOpen,
                int shardsClosed,
                long recordsApplied,
                long recordsJournaled,
                Instant lastEventTime,
                Long lagMillis,
                Instant syncedAsOf,
                Long recordsWaiting) {
            this(
                    streamArn,
                    synced,
                    shardsOpen,
                    shardsClosed,
                    recordsApplied,
                    recordsJournaled,
                    lastEventTime,
                    lagMillis,
                    syncedAsOf,
                    recordsWaiting,
                    null);
        }

        /**
         * Whether the worker applies changes as they come: the journal of the load is replayed. Unlike
         * {@code synced}, which a busy table keeps false most of the time, this stays true while the worker keeps
         * up; null from workers before it, which then count as following once synced.
         */
        public boolean followsChanges() {
            return following != null ? following : synced;
        }
    }

    /**
     * What the store holds and serves.
     *
     * @param documents documents in the served table
     * @param bytes the store's size on disk, its write-ahead log included
     * @param reclaimableBytes bytes of the store's file that are free for reuse (freed by updates and
     *     deletes, and reused by later writes); null from workers that do not report it
     * @param servingGeneration the load generation queries are answered from: 1 for the first load,
     *     one more for each re-load; null until the first load is complete (the worker is not ready)
     * @param buildingGeneration the generation being loaded (the first, or a re-load's beside the
     *     served one, whose progress is {@code load}); null when the served one is the newest
     * @param compactions tables the worker copied, since it started, to give back the space of rows
     *     that changes replaced; null from workers that do not report it
     * @param volume the filesystem holding the store; null from workers that do not report it
     * @param retention how long documents are kept, counted from their {@code _event_time}, as the settings say it
     *     ({@code 30d}); null when they are kept for good
     * @param oldestEventTime the oldest {@code _event_time} the served table holds (documents past the retention
     *     included until the writer has deleted them, which it does soon after they leave query answers); null when
     *     no document has one, or from workers that do not report it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Store(
            long documents,
            long bytes,
            Long reclaimableBytes,
            Long servingGeneration,
            Long buildingGeneration,
            Long compactions,
            Volume volume,
            String retention,
            Instant oldestEventTime) {

        /** Documents and bytes only, as workers before generations reported. */
        public Store(long documents, long bytes) {
            this(documents, bytes, null, null, null);
        }

        /** Without compactions and volume, as workers before them reported. */
        public Store(
                long documents, long bytes, Long reclaimableBytes, Long servingGeneration, Long buildingGeneration) {
            this(documents, bytes, reclaimableBytes, servingGeneration, buildingGeneration, null, null);
        }

        /** Without retention and oldest event time, as workers before them reported. */
        public Store(
                long documents,
                long bytes,
                Long reclaimableBytes,
                Long servingGeneration,
                Long buildingGeneration,
                Long compactions,
                Volume volume) {
            this(
                    documents,
                    bytes,
                    reclaimableBytes,
                    servingGeneration,
                    buildingGeneration,
                    compactions,
                    volume,
                    null,
                    null);
        }
    }

    /**
     * The filesystem (the collection's volume) that holds the store.
     *
     * @param capacityBytes its size
     * @param usableBytes what is left on it for the worker
     * @param nearlyFull true once the store may soon not fit: more than {@link #NEARLY_FULL_SHARE} of it used, or less
     *     left than the store's own size (a checkpoint can need about that much again)
     * @param warning what to do, when {@code nearlyFull}; null otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Volume(long capacityBytes, long usableBytes, boolean nearlyFull, String warning) {
        /** The share of the volume used from which it counts as nearly full. */
        public static final double NEARLY_FULL_SHARE = 0.8;
    }

    /**
     * A stop: {@code reason} is one CamelCase word (e.g. {@code TransformationFailed},
     * {@code AccessDenied}), {@code message} a sentence a user can act on. The operator gives some
     * reasons a condition reason of their own: {@code AssumeRoleDenied} (STS refused the worker the
     * integration's role; the message carries STS's, which names the worker's identity),
     * {@code PointInTimeRecoveryDisabled}, {@code ExportFailed}, {@code TransformationFailed} and
     * {@code AccessDenied}. A lost stream is no error: it is a {@link Rebootstrap}, whose reason
     * starts with {@code StreamTrimmed}, {@code ShardTrimmed}, {@code StreamReplaced} and the like.
     */
    public record Error(String reason, String message, Instant at) {}

    /**
     * Publishing to Iceberg.
     *
     * @param table the table, {@code namespace.table} in the catalog
     * @param snapshotId the newest snapshot this worker committed or found; null before the first
     * @param coversUntil every change the replica committed before this time is in that snapshot
     * @param lastCommitAt when the newest snapshot was committed
     * @param commits snapshots committed since the worker started
     * @param filesWritten data and delete files written since the worker started
     * @param bytesWritten bytes of those files
     * @param rewrites commits since the worker started that rewrote the whole table from the replica, folding in the
     *     deletes that piled up; null from workers that do not rewrite
     * @param snapshotsExpired snapshots expired since the worker started, with the files only they used; null from
     *     workers that do not expire them
     * @param error why publishing is behind (the catalog or S3 failing); null while it keeps up. The replica
     *     keeps serving meanwhile, and publishing catches up once the cause is gone.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Publish(
            String table,
            Long snapshotId,
            Instant coversUntil,
            Instant lastCommitAt,
            long commits,
            long filesWritten,
            long bytesWritten,
            Long rewrites,
            Long snapshotsExpired,
            Error error) {}

    /** One start-over from a new load. */
    public record Rebootstrap(Instant at, String reason) {}

    /** An item the store did not take, named by its key. */
    public record RefusedItem(String key, String reason, Instant at) {}

    /**
     * The replica's verification against the table: whether one runs now, the latest request token the worker took
     * ({@code POST /verify}), and the last verification that ended.
     *
     * @param requestToken the token of the latest verification asked for on request, taken whether it waits, runs or
     *     ended; null when none was asked for since the worker started
     * @param running whether a verification runs now
     * @param last the last verification that ended; null before the first
     * @param differencesTotal differences found since the worker started, all verifications together
     * @param repairedTotal documents repaired since the worker started
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Verification(
            String requestToken, boolean running, VerificationRun last, long differencesTotal, long repairedTotal) {}

    /**
     * One verification that ended.
     *
     * @param trigger {@code Schedule} or {@code Request}
     * @param requestToken the request's token, for a verification asked for
     * @param startedAt when it began
     * @param completedAt when it ended
     * @param segmentsChecked scan segments read, of {@code totalSegments}
     * @param totalSegments the segments the table was divided into
     * @param itemsChecked items read from the table and compared with their documents
     * @param differences items (or documents) that still differed from the table once the stream had passed the
     *     time they were read
     * @param differingKeys the keys of the first differences ({@link #MAX_KEYS} at most), never their values
     * @param repaired documents rewritten (or removed) from the table's reading
     * @param error why it stopped before the end; null when it ran to the end
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VerificationRun(
            String trigger,
            String requestToken,
            Instant startedAt,
            Instant completedAt,
            int segmentsChecked,
            int totalSegments,
            long itemsChecked,
            long differences,
            List<String> differingKeys,
            long repaired,
            String error) {

        /** The most keys a verification lists. */
        public static final int MAX_KEYS = 20;
    }
}
