package io.dynamosync.worker.load.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.DynamoJson;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.document.ItemSize;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.ParallelParts;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Feed;
import io.dynamosync.worker.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Loads a table by a parallel scan: {@code segments} segments read by up to eight threads,
 * strongly consistent, each page committed to the store together with its segment's
 * {@code LastEvaluatedKey}, so a restarted worker resumes each segment where it stopped. The
 * read capacity all segments consume together stays under the cap ({@link CapacityLimiter});
 * the SDK's retry strategy backs off on throttling.
 */
public final class ScanLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ScanLoader.class);
    private static final int MAX_THREADS = 8;
    /** Checkpoint name prefix: one checkpoint a segment. */
    public static final String SEGMENT_CHECKPOINT = "load/scan/";

    private final DynamoDbClient dynamoDb;
    private final Store store;
    private final String table;
    private final ItemId itemId;
    private final int segments;
    private final CapacityLimiter limiter;
    private final LoadProgress progress;
    private final long averageItemBytes;

    /**
     * @param readCapacityPerSecond the cap on consumed read capacity, all segments together
     * @param averageItemBytes the table's average item size, for the first page's estimate
     */
    public ScanLoader(
            DynamoDbClient dynamoDb,
            Store store,
            String table,
            ItemId itemId,
            int segments,
            double readCapacityPerSecond,
            long averageItemBytes,
            LoadProgress progress) {
        this.dynamoDb = dynamoDb;
        this.store = store;
        this.table = table;
        this.itemId = itemId;
        this.segments = segments;
        this.limiter = new CapacityLimiter(readCapacityPerSecond);
        this.progress = progress;
        this.averageItemBytes = Math.max(1, averageItemBytes);
        progress.limit(readCapacityPerSecond);
    }

    /** Scans every segment not yet done; returns when all are committed. */
    public void run() throws InterruptedException {
        Map<String, JsonNode> done = store.checkpoints(SEGMENT_CHECKPOINT);
        List<Integer> todo = new ArrayList<>();
        for (int segment = 0; segment < segments; segment++) {
            JsonNode checkpoint = done.get(SEGMENT_CHECKPOINT + segment);
            if (checkpoint != null) {
                progress.loaded(checkpoint.path("items").asLong());
                progress.consumedBefore(checkpoint.path("consumed").asDouble(0));
            }
            if (checkpoint != null && checkpoint.path("done").asBoolean()) {
                progress.unitDone();
            } else {
                todo.add(segment);
            }
        }
        LOG.info(
                "scanning {}: {} of {} segments to go, at most {} RCU/s",
                table,
                todo.size(),
                segments,
                progress.snapshot().readCapacityLimit());
        int threads = Math.min(MAX_THREADS, Math.max(1, todo.size()));
        double pageBudget = Math.max(1, limiter.burst() / threads);
        List<ParallelParts.Part> parts = new ArrayList<>();
        for (int segment : todo) {
            JsonNode checkpoint = done.get(SEGMENT_CHECKPOINT + segment);
            parts.add(() -> scanSegment(segment, checkpoint, pageBudget));
        }
        ParallelParts.run("scan-" + table, threads, parts, "ScanFailed");
    }

    private void scanSegment(int segment, JsonNode checkpoint, double pageBudget) throws InterruptedException {
        Map<String, AttributeValue> startKey = checkpoint == null
                        || checkpoint.path("lastKey").isMissingNode()
                        || checkpoint.path("lastKey").isNull()
                ? null
                : DynamoJson.item(checkpoint.get("lastKey"));
        long items = checkpoint == null ? 0 : checkpoint.path("items").asLong();
        double consumedHere =
                checkpoint == null ? 0 : checkpoint.path("consumed").asDouble(0);
        // Units one item costs, learnt from each page; the table's average size seeds it.
        double unitsPerItem = averageItemBytes / 4096.0;
        // Pages are handed to the store's writer; the segment reads on while they commit.
        Feed feed = store.feed();
        while (!Thread.currentThread().isInterrupted()) {
            int limit = (int) Math.max(1, Math.min(10_000, Math.floor(pageBudget / Math.max(unitsPerItem, 1e-6))));
            double expected = Math.max(1, Math.ceil(limit * unitsPerItem));
            limiter.acquire(expected);
            Map<String, AttributeValue> from = startKey;
            ScanResponse page;
            try {
                page = dynamoDb.scan(b -> b.tableName(table)
                        .segment(segment)
                        .totalSegments(segments)
                        .consistentRead(true)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .limit(limit)
                        .exclusiveStartKey(from));
            } catch (SdkException e) {
                limiter.settle(expected, 0);
                throw ScanErrors.explain(table, e);
            }
            Instant readAt = Instant.now();
            double consumed = consumedUnits(page);
            limiter.settle(expected, consumed);
            progress.consumed(consumed);
            progress.read(page.count());
            if (page.count() > 0) {
                unitsPerItem = consumed / page.count();
            }
            startKey =
                    page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            items += page.count();
            Batch batch = Batch.fromSnapshot();
            for (Map<String, AttributeValue> item : page.items()) {
                batch.upsert(itemId.of(item), item, readAt, itemId.describeKey(item));
            }
            ObjectNode position = JsonNodeFactory.instance.objectNode();
            position.put("done", startKey == null);
            position.put("items", items);
            consumedHere += consumed;
            position.put("consumed", consumedHere);
            position.set("lastKey", startKey == null ? null : DynamoJson.write(startKey));
            batch.checkpoint(SEGMENT_CHECKPOINT + segment, position);
            int count = page.count();
            feed.submit(batch, written -> progress.loaded(count));
            if (startKey == null) {
                feed.flush();
                progress.unitDone();
                return;
            }
        }
        throw new InterruptedException("scan of segment " + segment + " interrupted");
    }

    /** What the page consumed: DynamoDB's own figure, or the items' size where it gives none. */
    private static double consumedUnits(ScanResponse page) {
        if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
            return page.consumedCapacity().capacityUnits();
        }
        long bytes = 0;
        for (Map<String, AttributeValue> item : page.items()) {
            bytes += ItemSize.of(item);
        }
        return ItemSize.consistentReadUnits(bytes);
    }
}
