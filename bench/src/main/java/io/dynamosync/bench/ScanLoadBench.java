package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Scan load: items per second loading the table by Scan without a capacity cap, at 4 and 8 segments, and the
 * worker's CPU per item; beside a bare SDK parallel scan of the same table that reads and discards, run in
 * turns with the worker's. The last worker run also gives the footprint: peak resident memory and store bytes.
 */
final class ScanLoadBench {

    /** A cap far above anything DynamoDB Local serves, so the scan is not held back. */
    private static final double NO_CAP = 1_000_000_000d;
    /**
     * The Limit of each bare Scan page, the worker's own with no cap. Pages still end at 1 MB; without a Limit,
     * DynamoDB Local reads the rest of the segment for every page, which makes a bare scan of 200,000 items
     * several times slower than the worker's and would flatter the worker's ratio.
     */
    private static final int PAGE_ITEMS = 10_000;
    /** Items the warm-up reads before the measured runs. */
    private static final int WARM_UP_ITEMS = 20_000;

    private ScanLoadBench() {}

    /** A filled table of {@code items} 1 KB items with a stream (turned on after the fill), for this and later benchmarks. */
    static String table(Context ctx, int items) throws Exception {
        String table = Tables.create(ctx.aws.dynamoDb(), "bench", "id", null, false);
        long start = System.nanoTime();
        Tables.fill(ctx.aws.dynamoDb(), table, items, Tables::kilobyteItem);
        Tables.enableStream(ctx.aws.dynamoDb(), table);
        Progress.line(
                "filled %s with %,d items of about 1 KB in %.0f s", table, items, (System.nanoTime() - start) / 1e9);
        return table;
    }

    static void run(Context ctx, String table, int items) throws Exception {
        DynamoDbClient sdk = ctx.aws.newDynamoDb(b -> {});
        warmUp(sdk, table); // DynamoDB Local's caches and this JVM's code
        List<Figure> footprint = new ArrayList<>();
        for (int segments : new int[] {4, 8}) {
            List<Double> ours = new ArrayList<>();
            List<Double> oursCpu = new ArrayList<>();
            List<Double> reference = new ArrayList<>();
            List<Double> referenceCpu = new ArrayList<>();
            for (int rep = 1; rep <= ctx.options.repetitions; rep++) {
                boolean last = segments == 8 && rep == ctx.options.repetitions;
                double[] worker = workerScan(ctx, table, segments, items, last ? footprint : null);
                ours.add(worker[0]);
                oursCpu.add(worker[1]);
                double[] bare = sdkScan(sdk, table, segments);
                reference.add(bare[0]);
                referenceCpu.add(bare[1]);
                Progress.line(
                        "scan load, %d segments, run %d: worker %.0f items/s (%.1f µs CPU per item), bare SDK scan %.0f items/s",
                        segments, rep, worker[0], worker[1], bare[0]);
            }
            ctx.report.add(new Figure(
                    "Scan load",
                    "items/s, " + segments + " segments",
                    Stats.median(ours),
                    Stats.median(reference),
                    "items/s",
                    "bare AWS SDK parallel scan, same table and segments, read and discarded"));
            ctx.report.add(new Figure(
                    "Scan load",
                    "CPU per item, " + segments + " segments",
                    Stats.median(oursCpu),
                    Stats.median(referenceCpu),
                    "µs",
                    "CPU per item of the bare SDK scan's threads"));
        }
        footprint.forEach(ctx.report::add);
    }

    /** One worker load: items/s from the worker's own load start and end, and its CPU per item in µs. */
    private static double[] workerScan(Context ctx, String table, int segments, int items, List<Figure> footprint)
            throws Exception {
        long cpuAtStart;
        JsonNode done;
        long peak;
        try (WorkerRun worker = ctx.worker(
                "bench",
                table,
                Map.of("method", "Scan", "readCapacityUnits", NO_CAP, "scanSegments", segments),
                null)) {
            worker.await(
                    s -> s.path("load").hasNonNull("startedAt"),
                    Duration.ofMillis(50),
                    Duration.ofMinutes(2),
                    "the load's start");
            cpuAtStart = worker.cpuNanos();
            // The end is the worker's own completedAt; polling /status more often would only take CPU from the load.
            done = worker.await(
                    s -> s.path("load").path("complete").asBoolean(),
                    Duration.ofMillis(500),
                    Duration.ofMinutes(60),
                    "the load's end");
            long cpu = worker.cpuNanos() - cpuAtStart;
            peak = worker.peakResidentBytes();
            JsonNode load = done.path("load");
            long loaded = load.path("itemsLoaded").asLong();
            if (loaded != items) {
                throw new IllegalStateException("the worker loaded " + loaded + " items, the table holds " + items);
            }
            double seconds = Duration.between(
                                    Instant.parse(load.path("startedAt").asText()),
                                    Instant.parse(load.path("completedAt").asText()))
                            .toNanos()
                    / 1e9;
            double[] result = {loaded / seconds, cpu / 1e3 / loaded};
            if (footprint == null) {
                return result;
            }
            worker.close();
            long storeBytes = storeBytes(ctx.lastWorkerDirectory("bench").resolve("data"));
            double itemBytes = averageItemSize(items);
            footprint.add(new Figure(
                    "Footprint",
                    String.format("peak resident memory, %,d items", items),
                    peak / 1048576.0,
                    512,
                    "MiB",
                    "the worker's heap limit (-Xmx512m); DuckDB's buffers live outside it"));
            footprint.add(new Figure(
                    "Footprint",
                    "store bytes per item",
                    (double) storeBytes / items,
                    itemBytes,
                    "B",
                    "the item's size as DynamoDB counts it"));
            Progress.line(
                    "footprint: peak RSS %.0f MiB, store %.1f MB (%.0f B per item; DynamoDB item %.0f B)",
                    peak / 1048576.0, storeBytes / 1e6, (double) storeBytes / items, itemBytes);
            return result;
        }
    }

    private static long storeBytes(Path data) throws Exception {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(p -> p.getFileName().toString().startsWith("store.duckdb"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static double averageItemSize(int items) {
        int sample = Math.min(items, 2000);
        long total = 0;
        for (int i = 0; i < sample; i++) {
            total += Tables.size(Tables.kilobyteItem(i));
        }
        return (double) total / sample;
    }

    /** Reads the first {@link #WARM_UP_ITEMS} items of the table the way the bare scan does, and discards them. */
    private static void warmUp(DynamoDbClient sdk, String table) {
        scanSegment(sdk, table, 0, 1, WARM_UP_ITEMS);
    }

    /**
     * Reads segment {@code segment} of {@code segments} as the bare scan does (strongly consistent, pages of
     * {@link #PAGE_ITEMS}), until it ends or {@code atMost} items were read; returns how many were.
     */
    private static long scanSegment(DynamoDbClient sdk, String table, int segment, int segments, long atMost) {
        long count = 0;
        Map<String, AttributeValue> from = null;
        do {
            Map<String, AttributeValue> exclusiveStart = from;
            ScanResponse page = sdk.scan(b -> b.tableName(table)
                    .segment(segment)
                    .totalSegments(segments)
                    .consistentRead(true)
                    .limit(PAGE_ITEMS)
                    .exclusiveStartKey(exclusiveStart));
            count += page.items().size();
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null && count < atMost);
        return count;
    }

    /**
     * A bare parallel scan, strongly consistent as the worker's: items/s, and the CPU per item in µs of the
     * scanning threads alone (the synchronous SDK client does its work on them), not of the kit's proxy in this JVM.
     */
    static double[] sdkScan(DynamoDbClient sdk, String table, int segments) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(segments);
        try {
            long start = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            List<Future<Long>> futures = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                int segment = s;
                futures.add(pool.submit(() -> {
                    long threadCpu = threads.getCurrentThreadCpuTime();
                    long count = scanSegment(sdk, table, segment, segments, Long.MAX_VALUE);
                    cpu.addAndGet(threads.getCurrentThreadCpuTime() - threadCpu);
                    return count;
                }));
            }
            long items = 0;
            for (Future<Long> f : futures) {
                items += f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new double[] {items / seconds, cpu.get() / 1e3 / items};
        } finally {
            pool.shutdownNow();
        }
    }
}
