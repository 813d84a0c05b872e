package io.dynamosync.worker.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows a table's DynamoDB stream into the store, exactly once.
 *
 * <p>Three parts, each a class of its own: {@link ShardDiscovery}, on a thread, lists the stream's
 * shards (paginated) every few seconds, and sooner when a shard closes, and starts a
 * {@link ShardReader} for each shard whose parent is done (a shard whose parent is no longer
 * listed is a root). Readers call GetRecords at most five times a second a shard,
 * take a fresh iterator after their last read record when one expires, and back off when
 * throttled. One {@link StreamCommitter} thread commits what the readers read, with each shard's sequence
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

    /** The stream's own checkpoint: ARN, start, last commit, counts. */
    public static final String STREAM_CHECKPOINT = "stream";
    /** One checkpoint a shard: its last committed sequence number and whether it is finished. */
    public static final String SHARD_CHECKPOINT = "stream/shard/";

    private final FollowerControl control = new FollowerControl();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stream-shard");
        t.setDaemon(true);
        return t;
    });
    private final StreamCommitter commits;
    private final Thread discovery;
    private final Thread committer;

    /**
     * How often to list shards when nothing prompts it, how long an idle shard waits between reads,
     * and how often a follower with nothing to commit records that it has read everything.
     */
    public record Timing(Duration discoveryInterval, Duration idlePoll, Duration idleCheckpoint) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(10), ShardReader.MIN_CALL_SPACING, Duration.ofHours(1));

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
        ObjectNode streamState = (ObjectNode) store.checkpoint(STREAM_CHECKPOINT)
                .orElseThrow(() -> new IllegalStateException("the stream checkpoint must be begun first"));
        Map<String, ShardState> shards = new ConcurrentHashMap<>();
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
        BlockingQueue<ShardPage> pages = new ArrayBlockingQueue<>(64);
        ShardReader reader = new ShardReader(streams, streamArn, pages, progress, timing.idlePoll(), control);
        this.commits = new StreamCommitter(
                store,
                itemId,
                table,
                notBefore,
                ignoreTtlDeletes,
                progress,
                timing.idleCheckpoint(),
                pages,
                shards,
                streamState,
                control);
        ShardDiscovery discovering = new ShardDiscovery(
                streams,
                dynamoDb,
                table,
                streamArn,
                shards,
                progress,
                timing.discoveryInterval(),
                control,
                shard -> readers.submit(() -> reader.read(shard)));
        this.discovery = new Thread(discovering, "stream-discovery");
        this.committer = new Thread(commits, "stream-commit");
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
        commits.goLive();
    }

    /** Why the follower stopped, or null while it runs. */
    public RuntimeException failure() {
        return control.failure();
    }

    /** Stops reading and committing; what was committed stays. */
    @Override
    public void close() {
        control.stop();
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
