package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Export load: items per second ingesting the table's export files, from the moment the worker knows the files
 * to the load's end; beside DuckDB reading the same data files with {@code read_json} into a table: as the export
 * wrote them (gzipped, as the worker reads them), and decompressed beforehand. Also the CPU each spends per item
 * (the worker's process; the harness's own process while DuckDB reads, which then does nothing else), and the
 * worker's peak resident memory.
 */
final class ExportLoadBench {

    private static final String BUCKET = "bench-exports";

    private ExportLoadBench() {}

    static void run(Context ctx, String table, int items) throws Exception {
        S3Client s3 = ctx.aws.s3();
        if (!s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET))) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        List<Double> ours = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> peaks = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        List<Double> referenceCpu = new ArrayList<>();
        List<Double> decompressed = new ArrayList<>();
        for (int rep = 1; rep <= ctx.options.repetitions; rep++) {
            String prefix = "run-" + rep + "-" + System.nanoTime();
            double[] worker = workerExport(ctx, table, items, prefix);
            ours.add(worker[0]);
            oursCpu.add(worker[1]);
            peaks.add(worker[2]);
            Path files = download(ctx, s3, prefix, rep);
            double[] gzipped = duckDbReadJson(ctx, files, "*.json.gz", items, rep + "-gz");
            reference.add(gzipped[0]);
            referenceCpu.add(gzipped[1]);
            decompressed.add(duckDbReadJson(ctx, files, "*.json", items, rep + "-plain")[0]);
            Progress.line(
                    "export load, run %d: worker %.0f items/s (%.1f µs CPU per item), DuckDB read_json %.0f items/s "
                            + "(%.1f µs CPU per item; %.0f items/s on the files decompressed)",
                    rep, worker[0], worker[1], gzipped[0], gzipped[1], decompressed.get(decompressed.size() - 1));
        }
        ctx.report.add(new Figure(
                "Export load",
                "items/s ingesting the export's files",
                Stats.median(ours),
                Stats.median(reference),
                "items/s",
                "DuckDB read_json of the same data files (gzipped, as the export writes them), into a table"));
        ctx.report.add(new Figure(
                "Export load",
                "items/s, against decompressed files",
                Stats.median(ours),
                Stats.median(decompressed),
                "items/s",
                "DuckDB read_json of the same files decompressed beforehand (a step the worker cannot skip)"));
        ctx.report.add(new Figure(
                "Export load",
                "CPU per item",
                Stats.median(oursCpu),
                Stats.median(referenceCpu),
                "µs",
                "CPU per item of DuckDB's read_json of the gzipped files (the harness's process while it reads)"));
        ctx.report.add(new Figure(
                "Export load",
                "peak resident memory",
                Stats.median(peaks) / 1048576.0,
                512,
                "MiB",
                "the worker's heap limit (-Xmx512m); DuckDB's buffers live outside it"));
    }

    /** One worker load from its export: items/s, µs of CPU per item, peak resident bytes. */
    private static double[] workerExport(Context ctx, String table, int items, String prefix) throws Exception {
        Map<String, Object> s3 =
                Map.of("bucket", BUCKET, "prefix", prefix, "checksumWhenRequired", true, "forcePathStyle", true);
        try (WorkerRun worker =
                ctx.worker("bench", table, Map.of("method", "Export", "enablePointInTimeRecovery", true), s3)) {
            worker.await(
                    s -> s.path("load").hasNonNull("filesTotal"),
                    Duration.ofMillis(50),
                    Duration.ofMinutes(30),
                    "the export's files");
            Instant ingestStart = Instant.now();
            long cpuAtStart = worker.cpuNanos();
            // The end is the worker's own completedAt; polling /status more often would only take CPU from the load.
            JsonNode done = worker.await(
                    s -> s.path("load").path("complete").asBoolean(),
                    Duration.ofMillis(500),
                    Duration.ofMinutes(60),
                    "the load's end");
            long cpu = worker.cpuNanos() - cpuAtStart;
            long loaded = done.path("load").path("itemsLoaded").asLong();
            if (loaded != items) {
                throw new IllegalStateException(
                        "the worker loaded " + loaded + " items from the export, the table holds " + items);
            }
            Instant end = Instant.parse(done.path("load").path("completedAt").asText());
            return new double[] {
                loaded / (Duration.between(ingestStart, end).toNanos() / 1e9),
                cpu / 1e3 / loaded,
                worker.peakResidentBytes()
            };
        }
    }

    /** The export's data files as S3 holds them ({@code .json.gz}), and each decompressed beside it ({@code .json}). */
    private static Path download(Context ctx, S3Client s3, String prefix, int rep) throws Exception {
        Path files = ctx.scratch.resolve("export-files-" + rep);
        Files.createDirectories(files);
        int n = 0;
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
            if (object.key().contains("/data/") && object.key().endsWith(".json.gz")) {
                Path gzipped = files.resolve("part-" + (n++) + ".json.gz");
                try (InputStream in = s3.getObject(b -> b.bucket(BUCKET).key(object.key()))) {
                    Files.copy(in, gzipped);
                }
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
                    Files.copy(
                            in, files.resolve(gzipped.getFileName().toString().replace(".json.gz", ".json")));
                }
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no export data files under s3://" + BUCKET + "/" + prefix);
        }
        return files;
    }

    /** DuckDB's read_json of the files into a table of an on-disk database, checkpointed: items/s, µs of CPU per item. */
    private static double[] duckDbReadJson(Context ctx, Path files, String pattern, int items, String run)
            throws Exception {
        Path database = ctx.scratch.resolve("read-json-" + run + ".duckdb");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + database);
                Statement statement = db.createStatement()) {
            long start = System.nanoTime();
            long cpuAtStart = processCpuNanos();
            statement.execute("CREATE TABLE export AS SELECT * FROM read_json('" + files.resolve(pattern)
                    + "', format = 'newline_delimited')");
            statement.execute("CHECKPOINT");
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = processCpuNanos() - cpuAtStart;
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM export")) {
                count.next();
                if (count.getLong(1) != items) {
                    throw new IllegalStateException(
                            "read_json read " + count.getLong(1) + " items, the table holds " + items);
                }
            }
            return new double[] {items / seconds, cpu / 1e3 / items};
        }
    }

    /** The CPU this process (the harness, where DuckDB runs in-process) has used so far. */
    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }
}
