package io.dynamosync.bench;

import io.dynamosync.testkit.LocalAws;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What every benchmark shares: the kit, the worker's application, a scratch folder, the report and the sizes. */
public final class Context {

    /** JVM options of every worker the benchmarks start; the footprint figure is measured under them. */
    public static final String WORKER_JAVA_OPTIONS = "-Xmx512m";

    final LocalAws aws;
    final Path workerDist;
    final Path scratch;
    final Report report;
    final BenchMain options;
    private int runs;

    Context(LocalAws aws, Path workerDist, Path scratch, Report report, BenchMain options) {
        this.aws = aws;
        this.workerDist = workerDist;
        this.scratch = scratch;
        this.report = report;
        this.options = options;
    }

    /** Starts a worker on {@code table} with a folder of its own. */
    WorkerRun worker(String collection, String table, Map<String, Object> load, Map<String, Object> s3)
            throws IOException {
        Path directory = scratch.resolve("worker-" + (++runs) + "-" + collection);
        Files.createDirectories(directory);
        // BENCH_WORKER_JAVA_OPTIONS adds options to the worker's JVM (a profiler, say); the report names only the
        // defaults.
        String extra = System.getenv().getOrDefault("BENCH_WORKER_JAVA_OPTIONS", "");
        return WorkerRun.start(
                workerDist,
                aws,
                collection,
                table,
                load,
                s3,
                directory,
                (WORKER_JAVA_OPTIONS + " " + extra.replace("{run}", Integer.toString(runs))).trim());
    }

    /** The folder of the latest worker started. */
    Path lastWorkerDirectory(String collection) {
        return scratch.resolve("worker-" + runs + "-" + collection);
    }
}
