package io.dynamosync.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A shop's steady traffic on the orders table, on a thread of its own: new orders come in,
 * orders move from PENDING to PAID, SHIPPED and DELIVERED, and some are cancelled (deleted).
 */
public final class OrderTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderTraffic.class);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final double perSecond;
    private final Random random = new Random(7);
    private final List<Map<String, AttributeValue>> open = new ArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final Thread thread;
    private long next;
    private volatile boolean stopped;

    private OrderTraffic(DynamoDbClient dynamoDb, String table, double perSecond) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "order-traffic");
        thread.setDaemon(true);
    }

    /** Places {@code initial} orders now, then changes orders about {@code perSecond} times a second until closed. */
    public static OrderTraffic start(DynamoDbClient dynamoDb, String table, int initial, double perSecond) {
        OrderTraffic traffic = new OrderTraffic(dynamoDb, table, perSecond);
        for (int i = 0; i < initial; i++) {
            traffic.place();
        }
        traffic.thread.start();
        return traffic;
    }

    private void run() {
        long pause = (long) (1000 / perSecond);
        while (!stopped) {
            try {
                int roll = random.nextInt(10);
                if (roll < 4 || open.isEmpty()) {
                    place();
                } else if (roll < 9) {
                    advance();
                } else {
                    cancel();
                }
                changes.incrementAndGet();
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            } catch (SdkException e) {
                // The kit is stopping, or hiccuped: the traffic goes on, or ends with the demo.
                if (!stopped) {
                    LOG.warn("order traffic: {}", e.getMessage());
                }
            }
        }
    }

    private void place() {
        Map<String, AttributeValue> order = Orders.order(random, ++next, Instant.now());
        dynamoDb.putItem(b -> b.tableName(table).item(order));
        open.add(order);
    }

    private void advance() {
        int index = random.nextInt(open.size());
        Map<String, AttributeValue> order = open.get(index);
        String status = order.get("status").s();
        int step = Orders.STATUSES.indexOf(status) + 1;
        String now = Instant.now().toString();
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Orders.key(order))
                .updateExpression("SET #s = :s, updatedAt = :u")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(
                        ":s", AttributeValue.fromS(Orders.STATUSES.get(step)), ":u", AttributeValue.fromS(now))));
        if (step == Orders.STATUSES.size() - 1) {
            open.remove(index);
        } else {
            Map<String, AttributeValue> advanced = new java.util.HashMap<>(order);
            advanced.put("status", AttributeValue.fromS(Orders.STATUSES.get(step)));
            open.set(index, advanced);
        }
    }

    private void cancel() {
        Map<String, AttributeValue> order = open.remove(random.nextInt(open.size()));
        dynamoDb.deleteItem(b -> b.tableName(table).key(Orders.key(order)));
    }

    /** Changes made since the start, initial orders excluded. */
    public long changes() {
        return changes.get();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
