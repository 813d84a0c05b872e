package io.dynamosync.worker.it;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Puts, updates and deletes random items of a sample table at a steady pace on a thread of its
 * own, until stopped: the changes a collection must follow.
 */
public final class RandomWorkload implements AutoCloseable {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int keys;
    private final int perSecond;
    private final Thread thread;
    private final AtomicLong changes = new AtomicLong();
    private volatile boolean stopped;
    private volatile RuntimeException failure;

    private RandomWorkload(DynamoDbClient dynamoDb, String table, int keys, int perSecond) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.keys = keys;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "random-workload");
        thread.setDaemon(true);
    }

    /** Starts changing items {@code 0} to {@code keys - 1} about {@code perSecond} times a second. */
    public static RandomWorkload start(DynamoDbClient dynamoDb, String table, int keys, int perSecond) {
        RandomWorkload workload = new RandomWorkload(dynamoDb, table, keys, perSecond);
        workload.thread.start();
        return workload;
    }

    private void run() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long pauseNanos = 1_000_000_000L / perSecond;
        try {
            while (!stopped) {
                long start = System.nanoTime();
                int i = random.nextInt(keys);
                Map<String, AttributeValue> item = SampleItems.item(i);
                Map<String, AttributeValue> key = Map.of("customer", item.get("customer"), "order", item.get("order"));
                switch (random.nextInt(3)) {
                    case 0 -> {
                        Map<String, AttributeValue> changed = new HashMap<>(item);
                        changed.put("version", AttributeValue.fromN(Long.toString(random.nextLong(1_000_000))));
                        dynamoDb.putItem(b -> b.tableName(table).item(changed));
                    }
                    case 1 ->
                        dynamoDb.updateItem(b -> b.tableName(table)
                                .key(key)
                                .updateExpression("SET #s = :s, amount = :a")
                                .expressionAttributeNames(Map.of("#s", "status"))
                                .expressionAttributeValues(Map.of(
                                        ":s",
                                        AttributeValue.fromS("s" + random.nextInt(100)),
                                        ":a",
                                        AttributeValue.fromN(random.nextInt(10_000) + ".5"))));
                    default -> dynamoDb.deleteItem(b -> b.tableName(table).key(key));
                }
                changes.incrementAndGet();
                long left = pauseNanos - (System.nanoTime() - start);
                if (left > 0) {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** How many changes were made so far. */
    public long changes() {
        return changes.get();
    }

    /** Stops changing items; rethrows what made the workload fail, if anything did. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
        if (failure != null) {
            throw failure;
        }
    }
}
