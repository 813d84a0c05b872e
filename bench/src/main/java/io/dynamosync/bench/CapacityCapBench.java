package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * RCU cap: read capacity consumed per second by a scan capped at {@code --rcu-cap}, mean and worst 5-second
 * window, against the cap. Counted apart from the worker's own accounting: documents in the store, through the
 * query API each second, times the RCU per item a bare strongly consistent scan of the table reports.
 */
final class CapacityCapBench {

    private CapacityCapBench() {}

    static void run(Context ctx) throws Exception {
        int items = ctx.options.capItems;
        double cap = ctx.options.rcuCap;
        DynamoDbClient dynamoDb = ctx.aws.newDynamoDb(b -> {});
        String table = Tables.create(dynamoDb, "capped", "id", null, false);
        Tables.fill(dynamoDb, table, items, Tables::kilobyteItem);
        Tables.enableStream(dynamoDb, table);
        double perItem = consumedByBareScan(dynamoDb, table) / items;
        Progress.line(
                "RCU cap: %,d items, %.3f RCU per item by a bare consistent scan; loading under a cap of %.0f RCU/s",
                items, perItem, cap);
        List<Double> perSecond = new ArrayList<>();
        JsonNode done;
        try (WorkerRun worker = ctx.worker(
                "capped", table, Map.of("method", "Scan", "readCapacityUnits", cap, "scanSegments", 4), null)) {
            worker.await(
                    s -> s.path("load").hasNonNull("startedAt"),
                    Duration.ofMillis(50),
                    Duration.ofMinutes(2),
                    "the load's start");
            long previous = 0;
            long previousAt = System.nanoTime();
            long tick = previousAt;
            while (true) {
                tick += 1_000_000_000L;
                long wait = tick - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                long documents = documents(worker, previous);
                long now = System.nanoTime();
                perSecond.add((documents - previous) * perItem / ((now - previousAt) / 1e9));
                previous = documents;
                previousAt = now;
                JsonNode status = worker.status();
                if (status != null && status.path("load").path("complete").asBoolean() && documents >= items) {
                    done = status;
                    break;
                }
                if (perSecond.size() > 3600) {
                    throw new IllegalStateException("the capped load did not end within an hour: " + status);
                }
            }
        }
        // The first second holds the worker's start-up, the last a partial second: neither is a full second of reading.
        List<Double> full = perSecond.size() > 2 ? perSecond.subList(1, perSecond.size() - 1) : perSecond;
        double[] series = full.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = Stats.mean(full);
        double worst = Stats.worstWindowMean(series, 5);
        double reported = done.path("load").path("consumedReadCapacity").asDouble(Double.NaN);
        Progress.line(
                "RCU cap: mean %.1f RCU/s, worst 5-second window %.1f RCU/s over %d s (the worker reports %.0f RCU consumed in all, we count %.0f)",
                mean, worst, series.length, reported, perItem * items);
        ctx.report.add(new Figure(
                "RCU cap",
                String.format("mean RCU/s under a cap of %.0f", cap),
                mean,
                cap,
                "RCU/s",
                "the cap; counted from documents stored per second × RCU per item"));
        ctx.report.add(new Figure("RCU cap", "worst 5-second window", worst, cap, "RCU/s", "the cap"));
    }

    /** Documents in the store; {@code previous} while the query fails (before the first batch makes the table). */
    private static long documents(WorkerRun worker, long previous) throws InterruptedException {
        try {
            return worker.query("SELECT count(*) AS n FROM capped")
                    .path("results")
                    .path(0)
                    .path("n")
                    .asLong();
        } catch (java.io.IOException e) {
            return previous;
        }
    }

    /** The read capacity a plain strongly consistent scan of the whole table consumes, as DynamoDB reports it. */
    private static double consumedByBareScan(DynamoDbClient dynamoDb, String table) {
        double consumed = 0;
        Map<String, AttributeValue> from = null;
        do {
            Map<String, AttributeValue> start = from;
            ScanResponse page = dynamoDb.scan(b -> b.tableName(table)
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            consumed += page.consumedCapacity().capacityUnits();
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        return consumed;
    }
}
