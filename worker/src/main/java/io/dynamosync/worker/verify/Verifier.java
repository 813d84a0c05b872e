package io.dynamosync.worker.verify;

import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.document.ItemSize;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.load.scan.CapacityLimiter;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Census;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.stream.StreamProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * One verification of the replica against the table. It reads a sample of the table's
 * {@link WorkerSettings.Verify#TOTAL_SEGMENTS} scan segments (or all of them) with strongly consistent reads, under a
 * read capacity cap of its own, and asks the store which documents differ from the items read ({@link
 * Store#differing}). A difference may be a change in flight (written to the table, not yet applied from the stream), so
 * each is checked again once the stream has passed the time of the read: cleared if the document then equals the item
 * as read, or as read again now. What still differs after {@link #ROUNDS} such checks is repaired from the table's own
 * latest reading, through the store's ordinary write path, and reported by key (never by value).
 *
 * <p>A full verification (every segment) also finds documents of items the table no longer holds, by noting every id
 * read ({@link Store#census()}). A sample cannot: which segment an item falls in is DynamoDB's hash of its key, which the
 * store cannot compute, so no document can be said to belong to a sampled segment.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    /** Checks of a difference after the stream has passed its read, before it counts as one. */
    static final int ROUNDS = 3;
    /** The most documents beyond the table's items one full verification looks at. */
    static final int MAX_UNSEEN = 10_000;

    private static final int PAGE_ITEMS = 500;

    /**
     * How long to wait for the stream.
     *
     * @param publishDelay how long after a write DynamoDB Streams may publish it: the stream must have been read this
     *     long after a read before the read's differences are checked again
     * @param streamTimeout how long to wait for the stream to pass a read before giving up the verification
     */
    public record Timing(Duration publishDelay, Duration streamTimeout) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /** The table as the verifier reads it: its name, how ids are made, and its key attributes' types. */
    public record Table(String name, ItemId itemId, List<String> keyTypes) {

        /** The table {@code info} describes, with its key attributes' types from one more DescribeTable. */
        public static Table of(DynamoDbClient dynamoDb, TableInfo info) {
            List<AttributeDefinition> definitions = dynamoDb.describeTable(b -> b.tableName(info.name()))
                    .table()
                    .attributeDefinitions();
            List<String> types = new ArrayList<>();
            for (String name : info.itemId().keyAttributes()) {
                types.add(definitions.stream()
                        .filter(d -> d.attributeName().equals(name))
                        .map(AttributeDefinition::attributeTypeAsString)
                        .findFirst()
                        .orElse("S"));
            }
            return new Table(info.name(), info.itemId(), types);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final Store store;
    private final Table table;
    private final StreamProgress stream;
    private final CapacityLimiter limiter;
    private final int segmentsPercent;
    private final Timing timing;

    public Verifier(
            DynamoDbClient dynamoDb,
            Store store,
            Table table,
            StreamProgress stream,
            double readCapacityUnits,
            int segmentsPercent,
            Timing timing) {
        this.dynamoDb = dynamoDb;
        this.store = store;
        this.table = table;
        this.stream = stream;
        this.limiter = new CapacityLimiter(readCapacityUnits);
        this.segmentsPercent = segmentsPercent;
        this.timing = timing;
    }

    /** Runs one verification; {@code trigger} and {@code token} say what asked for it. */
    public WorkerStatus.VerificationRun run(String trigger, String token) throws InterruptedException {
        Instant started = Instant.now();
        int total = WorkerSettings.Verify.TOTAL_SEGMENTS;
        int count = Math.max(1, Math.min(total, (int) Math.round(total * segmentsPercent / 100.0)));
        List<Integer> segments =
                new ArrayList<>(IntStream.range(0, total).boxed().toList());
        Collections.shuffle(segments, ThreadLocalRandom.current());
        segments = new ArrayList<>(segments.subList(0, count));
        Collections.sort(segments);
        boolean full = count == total;
        // id to the table's latest reading of it (null: the table holds no such item)
        Map<String, Map<String, AttributeValue>> suspects = new LinkedHashMap<>();
        long checked = 0;
        try (Census census = full ? store.census() : null) {
            for (int segment : segments) {
                checked += scanSegment(segment, total, suspects, census);
            }
            if (census != null) {
                for (String id : census.unseen(MAX_UNSEEN)) {
                    suspects.putIfAbsent(id, null);
                }
            }
        }
        Instant readAt = Instant.now();
        if (!suspects.isEmpty()) {
            LOG.info(
                    "verification of {}: {} document(s) differ from the table as read, checked again once the stream "
                            + "has passed the reads (changes in flight differ for a moment)",
                    table.name(),
                    suspects.size());
        }
        Map<String, Map<String, AttributeValue>> remaining = suspects;
        for (int round = 0; round < ROUNDS && !remaining.isEmpty(); round++) {
            awaitStreamPast(readAt);
            Set<String> againstRead = store.differing(remaining);
            Map<String, Map<String, AttributeValue>> fresh = new LinkedHashMap<>();
            for (String id : againstRead) {
                fresh.put(id, read(id, remaining.get(id)));
            }
            readAt = Instant.now();
            Set<String> againstFresh = store.differing(fresh);
            Map<String, Map<String, AttributeValue>> still = new LinkedHashMap<>();
            for (String id : againstFresh) {
                still.put(id, fresh.get(id));
            }
            remaining = still;
        }
        List<String> keys = new ArrayList<>();
        long repaired = 0;
        if (!remaining.isEmpty()) {
            Batch repair = new Batch();
            Instant now = Instant.now();
            for (Map.Entry<String, Map<String, AttributeValue>> entry : remaining.entrySet()) {
                String key = describe(entry.getKey());
                if (keys.size() < WorkerStatus.VerificationRun.MAX_KEYS) {
                    keys.add(key);
                }
                if (entry.getValue() == null) {
                    repair.delete(entry.getKey(), now, key);
                } else {
                    repair.upsert(entry.getKey(), entry.getValue(), now, key);
                }
            }
            repaired = store.commit(repair);
            LOG.warn(
                    "verification of {} found {} document(s) differing from the table, repaired {}: {}",
                    table.name(),
                    remaining.size(),
                    repaired,
                    String.join("; ", keys));
        } else {
            LOG.info(
                    "verification of {}: {} items in {} of {} segments equal to their documents",
                    table.name(),
                    checked,
                    count,
                    total);
        }
        return new WorkerStatus.VerificationRun(
                trigger, token, started, Instant.now(), count, total, checked, remaining.size(), keys, repaired, null);
    }

    private long scanSegment(int segment, int total, Map<String, Map<String, AttributeValue>> suspects, Census census)
            throws InterruptedException {
        Map<String, AttributeValue> startKey = null;
        long items = 0;
        double unitsPerItem = 1;
        do {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("verification interrupted");
            }
            int limit =
                    (int) Math.max(1, Math.min(PAGE_ITEMS, Math.floor(limiter.burst() / Math.max(unitsPerItem, 1e-6))));
            double expected = Math.max(1, Math.ceil(limit * unitsPerItem));
            limiter.acquire(expected);
            Map<String, AttributeValue> from = startKey;
            ScanResponse page;
            try {
                page = dynamoDb.scan(b -> b.tableName(table.name())
                        .segment(segment)
                        .totalSegments(total)
                        .consistentRead(true)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .limit(limit)
                        .exclusiveStartKey(from));
            } catch (RuntimeException e) {
                limiter.settle(expected, 0);
                throw e;
            }
            double units = units(page.consumedCapacity(), page.items());
            limiter.settle(expected, units);
            if (page.count() > 0) {
                unitsPerItem = units / page.count();
            }
            Map<String, Map<String, AttributeValue>> read = new LinkedHashMap<>();
            for (Map<String, AttributeValue> item : page.items()) {
                read.put(table.itemId().of(item), item);
            }
            for (String id : store.differing(read)) {
                suspects.put(id, read.get(id));
            }
            if (census != null) {
                census.seen(read.keySet());
            }
            items += page.count();
            startKey =
                    page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return items;
    }

    /** The item with id {@code id} as the table holds it now, strongly consistent; null when it holds none. */
    private Map<String, AttributeValue> read(String id, Map<String, AttributeValue> lastRead)
            throws InterruptedException {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        if (lastRead != null) {
            for (String name : table.itemId().keyAttributes()) {
                key.put(name, lastRead.get(name));
            }
        } else {
            key = table.itemId().key(id, table.keyTypes());
        }
        Map<String, AttributeValue> k = key;
        limiter.acquire(1);
        GetItemResponse response = dynamoDb.getItem(b -> b.tableName(table.name())
                .key(k)
                .consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        Map<String, AttributeValue> item =
                response.hasItem() && !response.item().isEmpty() ? response.item() : null;
        double units = units(response.consumedCapacity(), item == null ? List.of() : List.of(item));
        limiter.settle(1, units);
        return item;
    }

    /**
     * Waits until the stream has been read to {@link Timing#publishDelay()} past {@code readAt}, with nothing read
     * up to there left to apply ({@link StreamProgress#passed}): every change made before {@code readAt} is then in
     * the store.
     */
    private void awaitStreamPast(Instant readAt) throws InterruptedException {
        Instant target = readAt.plus(timing.publishDelay());
        long deadline = System.nanoTime() + timing.streamTimeout().toNanos();
        while (true) {
            if (stream.passed(target)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new VerificationException("the stream did not catch up with the verification's reads within "
                        + timing.streamTimeout().toSeconds() + " s, so differences could not be told from changes in "
                        + "flight; nothing was repaired");
            }
            Thread.sleep(20);
        }
    }

    private String describe(String id) {
        try {
            return table.itemId().describeKey(table.itemId().key(id, table.keyTypes()));
        } catch (IllegalArgumentException e) {
            return "_id=" + id;
        }
    }

    private static double units(ConsumedCapacity capacity, List<Map<String, AttributeValue>> items) {
        if (capacity != null && capacity.capacityUnits() != null) {
            return capacity.capacityUnits();
        }
        long bytes = 0;
        for (Map<String, AttributeValue> item : items) {
            bytes += ItemSize.of(item);
        }
        return Math.max(0.5, ItemSize.consistentReadUnits(bytes));
    }

    /** A verification that could not finish; its message says why. */
    public static final class VerificationException extends RuntimeException {
        VerificationException(String message) {
            super(message);
        }
    }
}
