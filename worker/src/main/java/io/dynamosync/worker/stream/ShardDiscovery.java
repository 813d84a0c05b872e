package io.dynamosync.worker.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Lists the stream's shards (paginated) every {@code interval}, and sooner when prompted, and has each shard read
 * whose parent is done (a shard whose parent is no longer listed is a root). Checks first that the table's stream is
 * still on and still the one followed, and that no shard left unfinished has been trimmed away.
 */
final class ShardDiscovery implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardDiscovery.class);

    private final DynamoDbStreamsClient streams;
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String streamArn;
    private final Map<String, ShardState> shards;
    private final StreamProgress progress;
    private final Duration interval;
    private final FollowerControl control;
    private final Consumer<ShardState> read;

    ShardDiscovery(
            DynamoDbStreamsClient streams,
            DynamoDbClient dynamoDb,
            String table,
            String streamArn,
            Map<String, ShardState> shards,
            StreamProgress progress,
            Duration interval,
            FollowerControl control,
            Consumer<ShardState> read) {
        this.streams = streams;
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.streamArn = streamArn;
        this.shards = shards;
        this.progress = progress;
        this.interval = interval;
        this.control = control;
        this.read = read;
    }

    @Override
    public void run() {
        while (!control.stopping()) {
            try {
                discover();
            } catch (StreamLostException e) {
                control.fail(e);
                return;
            } catch (SdkException e) {
                LOG.warn("listing the shards of {} failed, will retry: {}", streamArn, e.getMessage());
            } catch (RuntimeException e) {
                control.fail(e);
                return;
            }
            try {
                control.awaitRediscover(interval.toMillis());
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
        List<Shard> listed = list();
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
            read.accept(shard);
        }
    }

    /** Every shard the stream lists, page after page. */
    private List<Shard> list() {
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
        return listed;
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
}
