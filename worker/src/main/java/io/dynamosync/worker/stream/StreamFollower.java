package io.dynamosync.worker.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows a table's DynamoDB stream into the store, exactly once.
 *
 * <p>A discovery thread lists the stream's shards (paginated) every few seconds, and sooner when
 * a shard closes, and starts a reader for each shard whose parent is done (a shard whose parent
 * is no longer listed is a root). Readers call GetRecords at most five times a second a shard,
 * take a fresh iterator after their last read record when one expires, and back off when
 * throttled. One committer thread commits what the readers read, with each shard's sequence
 * number, in one transaction: at once when no commit is running, else everything that arrived
 * meanwhile (up to 5,000 records) as soon as the running one ends.
 *
 * <p>While the initial load runs, records are journaled in the store rather than applied; once
 * the load has committed, {@link #goLive()} replays the journal in order and applies records
 * from then on. Records older than the load's start (less a margin for an export's fuzziness)
 * are already in the loaded data and are counted without being applied again.
 *
 * <p>A gap it cannot fill (trimmed records, a shard gone before it was finished, a replaced or
 * disabled stream) stops the follower with a {@link StreamLostException}.
 */
public final class StreamFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);
    /** The stream's own checkpoint: ARN, start, last commit, counts. */
    public static final String STREAM_CHECKPOINT = "stream";
    /** One checkpoint a shard: its last committed sequence number and whether it is finished. */
    public static final String SHARD_CHECKPOINT = "stream/shard/";

    private static final int MAX_BATCH_RECORDS = 5000;
    private static final Duration MIN_CALL_SPACING = Duration.ofMillis(200);
    /** Iterators last 15 minutes; one older than this is replaced before use. */
    private static final Duration ITERATOR_REFRESH = Duration.ofMinutes(14);
    /** Records one GetRecords call asks for: the most AWS returns. */
    private static final int PAGE = 1000;

    private final DynamoDbStreamsClient streams;
    private final DynamoDbClient dynamoDb;
    private final Store store;
    private final ItemId itemId;
    private final String table;
    private final String streamArn;
    private final Instant notBefore;
    private final boolean ignoreTtlDeletes;
    private final StreamProgress progress;
    private final Duration discoveryInterval;
    private final Duration idlePoll;
    private final Duration idleCheckpoint;

    private final BlockingQueue<Page> pages = new ArrayBlockingQueue<>(64);
    private final Map<String, ShardState> shards = new ConcurrentHashMap<>();
    private final Semaphore rediscover = new Semaphore(0);
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stream-shard");
        t.setDaemon(true);
        return t;
    });
    private final Thread discovery;
    private final Thread committer;
    private final ObjectNode streamState;
    private volatile boolean goLive;
    private volatile boolean live;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    /** A shard as the follower knows it. */
    private static final class ShardState {
        final String id;
        volatile String parent;
        volatile boolean reading;
        volatile boolean finished;
        volatile String committedSequence;
        /** The last sequence number handed to the committer, so a restarted reader skips what is queued. */
        volatile String queuedSequence;

        ShardState(String id, String parent) {
            this.id = id;
            this.parent = parent;
        }
    }

    /** Records one reader read in one call, whether the shard ended with them, and the progress's ticket for them. */
    private record Page(String shard, List<ChangeRecord> records, boolean closed, long ticket) {}

    /**
     * How often to list shards when nothing prompts it, how long an idle shard waits between reads,
     * and how often a follower with nothing to commit records that it has read everything.
     */
    public record Timing(Duration discoveryInterval, Duration idlePoll, Duration idleCheckpoint) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), MIN_CALL_SPACING, Duration.ofHours(1));

        /** These timings, recording an idle read often enough (a quarter of it) for a stream keeping records {@code retention}. */
        public Timing forRetention(Duration retention) {
            Duration quarter = retention.dividedBy(4);
            return new Timing(
                    discoveryInterval, idlePoll, quarter.compareTo(idleCheckpoint) < 0 ? quarter : idleCheckpoint);
        }
    }

    /**
     * @param notBefore records older than this are in the loaded data already
     */
    public StreamFollower(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            Store store,
            ItemId itemId,
            String table,
            String streamArn,
            Instant notBefore,
            boolean ignoreTtlDeletes,
            StreamProgress progress,
            Timing timing) {
        this.streams = streams;
        this.dynamoDb = dynamoDb;
        this.store = store;
        this.itemId = itemId;
        this.table = table;
        this.streamArn = streamArn;
        this.notBefore = notBefore;
        this.ignoreTtlDeletes = ignoreTtlDeletes;
        this.progress = progress;
        this.discoveryInterval = timing.discoveryInterval();
        this.idlePoll = timing.idlePoll();
        this.idleCheckpoint = timing.idleCheckpoint();
        this.streamState = (ObjectNode) store.checkpoint(STREAM_CHECKPOINT)
                .orElseThrow(() -> new IllegalStateException("the stream checkpoint must be begun first"));
        for (Map.Entry<String, JsonNode> checkpoint :
                store.checkpoints(SHARD_CHECKPOINT).entrySet()) {
            String id = checkpoint.getKey().substring(SHARD_CHECKPOINT.length());
            ShardState shard =
                    new ShardState(id, checkpoint.getValue().path("parent").asText(null));
            shard.finished = checkpoint.getValue().path("closed").asBoolean();
            shard.committedSequence = checkpoint.getValue().path("sequence").asText(null);
            shard.queuedSequence = shard.committedSequence;
            shards.put(id, shard);
        }
        progress.stream(streamArn);
        progress.counts(
                streamState.path("applied").asLong(),
                streamState.path("journaled").asLong());
        this.discovery = new Thread(this::discoverUntilStopped, "stream-discovery");
        this.committer = new Thread(this::commitUntilStopped, "stream-commit");
        discovery.setDaemon(true);
        committer.setDaemon(true);
    }

    /**
     * Checks that following can go on from the committed checkpoint, or begins one: the stream
     * must be the one followed before, and the last commit younger than the stream's retention.
     */
    public static void begin(Store store, String streamArn, Duration retention) {
        Optional<JsonNode> existing = store.checkpoint(STREAM_CHECKPOINT);
        Instant now = Instant.now();
        if (existing.isPresent()) {
            JsonNode state = existing.get();
            if (!streamArn.equals(state.path("streamArn").asText())) {
                throw new StreamLostException(
                        "StreamReplaced",
                        "the table's stream is now " + streamArn + ", not the "
                                + state.path("streamArn").asText()
                                + " this collection followed; changes in between are lost");
            }
            Instant last = Instant.parse(state.get("lastCommitAt").asText());
            if (last.plus(retention).isBefore(now)) {
                throw new StreamLostException(
                        "CheckpointOlderThanRetention",
                        "the collection last read the stream at " + last
                                + ", longer ago than the stream keeps records (" + hours(retention) + " hours)");
            }
            return;
        }
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put("streamArn", streamArn);
        state.put("startedAt", now.toString());
        state.put("lastCommitAt", now.toString());
        state.put("applied", 0);
        state.put("journaled", 0);
        store.commit(new Batch().checkpoint(STREAM_CHECKPOINT, state));
    }

    /** A retention in hours as the settings give it: 24, or 0.5 (not 0). */
    private static String hours(Duration retention) {
        return java.math.BigDecimal.valueOf(retention.toMillis())
                .divide(java.math.BigDecimal.valueOf(3_600_000), java.math.MathContext.DECIMAL64)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** Starts discovery, readers and the committer. */
    public void start() {
        discovery.start();
        committer.start();
    }

    /** The load has committed: replay the journal, then apply records as they come. */
    public void goLive() {
        goLive = true;
    }

    /** Why the follower stopped, or null while it runs. */
    public RuntimeException failure() {
        return failure;
    }

    private void fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
        stopping = true;
        rediscover.release();
    }

    // ---- discovery ----

    private void discoverUntilStopped() {
        while (!stopping) {
            try {
                discover();
            } catch (StreamLostException e) {
                fail(e);
                return;
            } catch (SdkException e) {
                LOG.warn("listing the shards of {} failed, will retry: {}", streamArn, e.getMessage());
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            try {
                rediscover.tryAcquire(discoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
                rediscover.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void discover() {
        TableDescription described =
                dynamoDb.describeTable(b -> b.tableName(table)).table();
        boolean enabled = described.streamSpecification() != null
                && Boolean.TRUE.equals(described.streamSpecification().streamEnabled());
        if (!enabled) {
            throw new StreamLostException(
                    "StreamDisabled",
                    "the stream of table " + table + " was turned off; changes are no longer recorded");
        }
        if (!streamArn.equals(described.latestStreamArn())) {
            throw new StreamLostException(
                    "StreamReplaced",
                    "the stream of table " + table + " was replaced by " + described.latestStreamArn()
                            + "; changes made in between are lost");
        }
        List<Shard> listed = new ArrayList<>();
        String start = null;
        do {
            String from = start;
            StreamDescription page;
            try {
                page = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(from))
                        .streamDescription();
            } catch (ResourceNotFoundException e) {
                throw new StreamLostException("StreamReplaced", "stream " + streamArn + " no longer exists");
            }
            listed.addAll(page.shards());
            start = page.lastEvaluatedShardId();
        } while (start != null);
        Set<String> listedIds = new HashSet<>();
        List<String> unfinished = new ArrayList<>();
        for (Shard shard : listed) {
            listedIds.add(shard.shardId());
            if (!shards.computeIfAbsent(shard.shardId(), id -> new ShardState(id, shard.parentShardId())).finished) {
                unfinished.add(shard.shardId());
            }
        }
        progress.open(unfinished);
        for (ShardState shard : shards.values()) {
            if (!shard.finished && shard.committedSequence != null && !listedIds.contains(shard.id)) {
                throw new StreamLostException(
                        "ShardTrimmed",
                        "shard " + shard.id + " of " + streamArn + " was trimmed before all its records were read");
            }
        }
        for (Shard listedShard : listed) {
            ShardState shard = shards.get(listedShard.shardId());
            if (shard.finished || shard.reading || !parentDone(shard, listedIds)) {
                continue;
            }
            shard.reading = true;
            progress.reading(shard.id);
            readers.submit(() -> read(shard));
        }
    }

    /** A shard may be read once its parent is finished; a parent no longer listed counts as done. */
    private boolean parentDone(ShardState shard, Set<String> listedIds) {
        if (shard.parent == null) {
            return true;
        }
        ShardState parent = shards.get(shard.parent);
        return parent == null
                || parent.finished
                || !listedIds.contains(shard.parent) && parent.committedSequence == null;
    }

    // ---- reading ----

    private void read(ShardState shard) {
        boolean ended = false;
        try {
            ended = readShard(shard);
        } catch (StreamLostException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warn("reading shard {} failed, will start again: {}", shard.id, e.toString());
                progress.readFailed(shard.id, e);
            }
        } finally {
            // A shard read to its end stays taken until the committer marks it finished;
            // released earlier, discovery would read it again before its end is committed.
            if (!ended) {
                shard.reading = false;
                progress.stopped(shard.id);
                rediscover.release();
            }
        }
    }

    /** Reads a shard until it ends (returns true) or the follower stops (returns false). */
    private boolean readShard(ShardState shard) throws InterruptedException {
        String lastRead = shard.queuedSequence;
        String iterator = iterator(shard.id, lastRead);
        Instant iteratorAt = Instant.now();
        Duration backoff = Duration.ofMillis(100);
        while (!stopping) {
            if (Duration.between(iteratorAt, Instant.now()).compareTo(ITERATOR_REFRESH) > 0) {
                iterator = iterator(shard.id, lastRead);
                iteratorAt = Instant.now();
            }
            long callStart = System.nanoTime();
            Instant sentAt = Instant.now();
            GetRecordsResponse response;
            try {
                String current = iterator;
                response = streams.getRecords(b -> b.shardIterator(current).limit(PAGE));
            } catch (ExpiredIteratorException e) {
                LOG.info("iterator of shard {} expired; continuing after {}", shard.id, lastRead);
                iterator = iterator(shard.id, lastRead);
                iteratorAt = Instant.now();
                continue;
            } catch (TrimmedDataAccessException e) {
                throw new StreamLostException(
                        "StreamTrimmed", "records of shard " + shard.id + " were trimmed before they were read");
            } catch (LimitExceededException e) {
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                        ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
                continue;
            } catch (ResourceNotFoundException e) {
                throw new StreamLostException("ShardTrimmed", "shard " + shard.id + " disappeared while it was read");
            }
            backoff = Duration.ofMillis(100);
            progress.readSucceeded(shard.id);
            List<ChangeRecord> records = new ArrayList<>(response.records().size());
            for (Record record : response.records()) {
                records.add(ChangeRecord.of(shard.id, record));
            }
            boolean closed = response.nextShardIterator() == null;
            if (!records.isEmpty()) {
                lastRead = records.get(records.size() - 1).sequence();
            }
            // Told before the committer can have them, so nothing read is ever unaccounted for.
            long ticket = progress.read(shard.id, records.size(), closed, sentAt, records.size() < PAGE);
            if (!records.isEmpty() || closed) {
                pages.put(new Page(shard.id, records, closed, ticket));
                shard.queuedSequence = lastRead;
            }
            if (closed) {
                return true;
            }
            iterator = response.nextShardIterator();
            iteratorAt = Instant.now();
            long spentNanos = System.nanoTime() - callStart;
            long pause = records.isEmpty() ? idlePoll.toNanos() : MIN_CALL_SPACING.toNanos() - spentNanos;
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
        return false;
    }

    private String iterator(String shard, String afterSequence) {
        try {
            return streams.getShardIterator(b -> {
                        b.streamArn(streamArn).shardId(shard);
                        if (afterSequence == null) {
                            b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                        } else {
                            b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                    .sequenceNumber(afterSequence);
                        }
                    })
                    .shardIterator();
        } catch (TrimmedDataAccessException e) {
            throw new StreamLostException(
                    "StreamTrimmed",
                    "records of shard " + shard + " after " + afterSequence + " were trimmed before they were read");
        } catch (ResourceNotFoundException e) {
            throw new StreamLostException("ShardTrimmed", "shard " + shard + " of " + streamArn + " no longer exists");
        }
    }

    // ---- committing ----

    private void commitUntilStopped() {
        try {
            while (!stopping) {
                if (goLive && !live) {
                    replayJournal();
                    live = true;
                    progress.live();
                    LOG.info("journal replayed; applying changes of {} as they come", table);
                    continue;
                }
                Page first = pages.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    recordIdleRead();
                    continue;
                }
                // Group commit: what arrived while the last commit ran goes now, without waiting for more.
                List<Page> taken = new ArrayList<>();
                taken.add(first);
                int records = first.records().size();
                for (Page next; records < MAX_BATCH_RECORDS && (next = pages.poll()) != null; ) {
                    taken.add(next);
                    records += next.records().size();
                }
                commit(taken);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void commit(List<Page> taken) {
        Batch batch = new Batch();
        long applied = 0;
        long journaled = 0;
        Instant newest = null;
        Map<String, ObjectNode> shardCheckpoints = new java.util.LinkedHashMap<>();
        for (Page page : taken) {
            ShardState shard = shards.get(page.shard());
            String sequence = shard.committedSequence;
            for (ChangeRecord record : page.records()) {
                sequence = record.sequence();
                if (record.time().isBefore(notBefore)) {
                    applied++;
                } else if (live) {
                    record.applyTo(batch, itemId, ignoreTtlDeletes);
                    applied++;
                    newest = newest == null || record.time().isAfter(newest) ? record.time() : newest;
                } else {
                    batch.journal(record.toJson());
                    journaled++;
                }
            }
            ObjectNode checkpoint = JsonNodeFactory.instance.objectNode();
            checkpoint.put("sequence", sequence);
            checkpoint.put(
                    "closed",
                    page.closed()
                            || (shardCheckpoints.containsKey(page.shard())
                                    && shardCheckpoints
                                            .get(page.shard())
                                            .path("closed")
                                            .asBoolean()));
            checkpoint.put("parent", shard.parent);
            shardCheckpoints.put(page.shard(), checkpoint);
        }
        shardCheckpoints.forEach((shard, checkpoint) -> batch.checkpoint(SHARD_CHECKPOINT + shard, checkpoint));
        ObjectNode state = streamState.deepCopy();
        state.put("lastCommitAt", Instant.now().toString());
        state.put("applied", state.path("applied").asLong() + applied);
        state.put("journaled", state.path("journaled").asLong() + journaled);
        batch.checkpoint(STREAM_CHECKPOINT, state);
        store.commit(batch);
        streamState.setAll(state);
        for (Page page : taken) {
            progress.committed(page.ticket(), !live);
        }
        progress.counts(state.get("applied").asLong(), state.get("journaled").asLong());
        if (newest != null) {
            progress.event(newest);
        }
        for (Map.Entry<String, ObjectNode> checkpoint : shardCheckpoints.entrySet()) {
            ShardState shard = shards.get(checkpoint.getKey());
            shard.committedSequence = checkpoint.getValue().get("sequence").asText(null);
            if (checkpoint.getValue().get("closed").asBoolean()) {
                shard.finished = true;
                shard.reading = false;
                progress.closed(shard.id);
                rediscover.release();
            }
        }
    }

    /**
     * While nothing comes, records now and then (every {@code idleCheckpoint}) that everything the
     * stream published up to the last empty reads is committed: {@link #begin} compares that time
     * with the retention, and without it a restart after a quiet spell longer than the retention
     * would load the whole table again although no record was missed.
     */
    private void recordIdleRead() {
        Instant readUpTo = live ? progress.syncedAsOf() : null;
        if (readUpTo == null) {
            return;
        }
        Instant recorded = Instant.parse(streamState.get("lastCommitAt").asText());
        if (Duration.between(recorded, readUpTo).compareTo(idleCheckpoint) < 0) {
            return;
        }
        ObjectNode state = streamState.deepCopy();
        state.put("lastCommitAt", readUpTo.toString());
        store.commit(new Batch().checkpoint(STREAM_CHECKPOINT, state));
        streamState.setAll(state);
    }

    /** Applies the journal in order, a batch at a time, each batch forgetting what it applied. */
    private void replayJournal() {
        while (!stopping) {
            List<Store.JournalEntry> entries = store.journal(MAX_BATCH_RECORDS);
            if (entries.isEmpty()) {
                return;
            }
            Batch batch = new Batch();
            Instant newest = null;
            for (Store.JournalEntry entry : entries) {
                ChangeRecord record = ChangeRecord.fromJson(entry.entry());
                record.applyTo(batch, itemId, ignoreTtlDeletes);
                newest = newest == null || record.time().isAfter(newest) ? record.time() : newest;
            }
            batch.forgetJournal(entries.get(entries.size() - 1).position());
            ObjectNode state = streamState.deepCopy();
            state.put("lastCommitAt", Instant.now().toString());
            state.put("applied", state.path("applied").asLong() + entries.size());
            batch.checkpoint(STREAM_CHECKPOINT, state);
            store.commit(batch);
            streamState.setAll(state);
            progress.counts(
                    state.get("applied").asLong(), state.get("journaled").asLong());
            progress.event(newest);
        }
    }

    /** Stops reading and committing; what was committed stays. */
    @Override
    public void close() {
        stopping = true;
        rediscover.release();
        discovery.interrupt();
        readers.shutdownNow();
        try {
            committer.join(5000);
            discovery.join(5000);
            readers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
