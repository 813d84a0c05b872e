package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Change latency: from a PutItem's return to the change being visible through the query API, over writes at
 * a steady rate; beside a bare GetRecords loop on the same stream polling at the worker's interval, same writes.
 */
final class ChangeLatencyBench {

    /** How often the worker reads a shard at most (five times a second), and so how often the reference polls. */
    static final Duration POLL = Duration.ofMillis(200);
    /** How often the harness asks the query API for new writes; it adds up to this much to our figures. */
    static final Duration QUERY_POLL = Duration.ofMillis(10);

    private static final int WARM_UP_WRITES = 50;

    private ChangeLatencyBench() {}

    static void run(Context ctx) throws Exception {
        DynamoDbClient dynamoDb = ctx.aws.newDynamoDb(b -> {});
        String table = Tables.create(dynamoDb, "latency", "id", null, true);
        String streamArn =
                dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        int writes = ctx.options.latencyWrites;
        double rate = ctx.options.latencyRate;
        Map<Integer, Long> written = new ConcurrentHashMap<>();
        Map<Integer, Long> visible = new ConcurrentHashMap<>();
        Map<Integer, Long> streamed = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (WorkerRun worker = ctx.worker("latency", table, Map.of("method", "Scan"), null)) {
            worker.await(
                    s -> "Streaming".equals(s.path("phase").asText()),
                    Duration.ofMillis(100),
                    Duration.ofMinutes(2),
                    "streaming");
            Thread reference = new Thread(
                    () -> followStream(ctx.aws.newStreams(b -> {}), streamArn, streamed, stop), "get-records");
            reference.start();
            // Warm-up writes (negative numbers) make the columns exist and warm every path; they are not counted.
            DynamoDbClient writer = ctx.aws.newDynamoDb(b -> {});
            for (int i = -WARM_UP_WRITES; i < 0; i++) {
                put(writer, table, i);
                Thread.sleep((long) (1000 / rate));
            }
            Thread watcher = new Thread(() -> watchQueries(worker, visible, stop), "query-poll");
            watcher.start();
            long period = (long) (1e9 / rate);
            long next = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                put(writer, table, i);
                written.put(i, System.nanoTime());
                next += period;
                if ((i + 1) % Math.max(1, writes / 4) == 0) {
                    Progress.line("change latency: %,d of %,d writes", i + 1, writes);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((visible.size() < writes || streamed.size() < writes) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            watcher.join(5000);
            reference.join(5000);
        }
        List<Double> ours = delays(written, visible);
        List<Double> bare = delays(written, streamed);
        Progress.line(
                "change latency: %d of %d writes seen through the query API, %d by the GetRecords loop; p99 %.0f ms against %.0f ms",
                ours.size(), writes, bare.size(), Stats.percentile(ours, 99), Stats.percentile(bare, 99));
        if (ours.size() < writes) {
            ctx.report.note(
                    "Change latency: " + (writes - ours.size()) + " of " + writes
                            + " writes were not visible through the query API within 30 s of the last write; the percentiles are of the rest.");
        }
        String what = "bare GetRecords loop on the same stream every " + POLL.toMillis() + " ms, same writes";
        for (int p : new int[] {50, 95, 99}) {
            ctx.report.add(new Figure(
                    "Change latency",
                    String.format("p%d, %,d writes at %.0f/s", p, writes, rate),
                    Stats.percentile(ours, p),
                    Stats.percentile(bare, p),
                    "ms",
                    what));
        }
    }

    private static void put(DynamoDbClient writer, String table, int i) {
        writer.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "id", AttributeValue.fromS("w-" + i),
                        "seq", AttributeValue.fromN(Integer.toString(i)),
                        "note",
                                AttributeValue.fromS(
                                        "a change of about a hundred bytes, as an order's status update might be"))));
    }

    private static List<Double> delays(Map<Integer, Long> written, Map<Integer, Long> seen) {
        List<Double> delays = new ArrayList<>();
        written.forEach((i, at) -> {
            Long when = seen.get(i);
            if (when != null) {
                delays.add((when - at) / 1e6);
            }
        });
        return delays;
    }

    /** Asks the query API for writes newer than the newest seen, again and again, noting when each first shows. */
    private static void watchQueries(WorkerRun worker, Map<Integer, Long> visible, AtomicBoolean stop) {
        long newest = -1;
        while (!stop.get()) {
            try {
                JsonNode answer = worker.query(
                        "SELECT seq FROM latency WHERE seq > :after ORDER BY seq",
                        "after",
                        "int",
                        Long.toString(newest));
                long now = System.nanoTime();
                for (JsonNode row : answer.path("results")) {
                    int seq = row.path("seq").asInt();
                    visible.putIfAbsent(seq, now);
                    newest = Math.max(newest, seq);
                }
                Thread.sleep(QUERY_POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                Progress.line("change latency: a query failed: %s", e.getMessage());
                sleepQuietly(500);
            }
        }
    }

    /** The reference: GetRecords on every open shard every {@link #POLL}, noting when each write's record arrives. */
    private static void followStream(
            DynamoDbStreamsClient streams, String streamArn, Map<Integer, Long> streamed, AtomicBoolean stop) {
        Map<String, String> iterators = new ConcurrentHashMap<>();
        long nextListing = 0;
        while (!stop.get()) {
            long round = System.nanoTime();
            try {
                if (round > nextListing || iterators.isEmpty()) {
                    for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                            .streamDescription()
                            .shards()) {
                        if (shard.sequenceNumberRange().endingSequenceNumber() == null
                                && !iterators.containsKey(shard.shardId())) {
                            iterators.put(
                                    shard.shardId(),
                                    streams.getShardIterator(b -> b.streamArn(streamArn)
                                                    .shardId(shard.shardId())
                                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                                            .shardIterator());
                        }
                    }
                    nextListing = round + Duration.ofSeconds(10).toNanos();
                }
                for (Map.Entry<String, String> shard : iterators.entrySet()) {
                    GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(shard.getValue()));
                    long now = System.nanoTime();
                    for (Record record : page.records()) {
                        AttributeValue seq = record.dynamodb().newImage() == null
                                ? null
                                : record.dynamodb().newImage().get("seq");
                        if (seq != null) {
                            streamed.putIfAbsent(Integer.parseInt(seq.n()), now);
                        }
                    }
                    if (page.nextShardIterator() == null) {
                        iterators.remove(shard.getKey());
                    } else {
                        shard.setValue(page.nextShardIterator());
                    }
                }
            } catch (RuntimeException e) {
                Progress.line("change latency: the GetRecords loop failed once: %s", e.getMessage());
                iterators.clear();
            }
            long rest = POLL.toNanos() - (System.nanoTime() - round);
            if (rest > 0) {
                sleepQuietly(rest / 1_000_000);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
