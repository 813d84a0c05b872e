package io.dynamosync.bench;

import io.dynamosync.testkit.LocalAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run}: starts the local AWS kit, runs each benchmark with the worker as built, and prints one
 * Markdown table of figures beside their references, also written as JSON.
 */
@Command(
        name = "bench/run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measures the worker beside the limits of the parts it stands on, in one run on this machine.")
public final class BenchMain implements Callable<Integer> {

    /** The benchmarks, in the order they run. */
    enum Benchmark {
        scan,
        export,
        latency,
        sustain,
        cap,
        queries,
        front,
        operator
    }

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "NAME",
            description = "Benchmarks to run, comma-separated, of: ${COMPLETION-CANDIDATES} (default: all). "
                    + "scan also gives the footprint figures. --only soak runs the soak test instead (bench/soak).")
    List<Benchmark> only = List.of(Benchmark.values());

    @Option(
            names = "--items",
            description = "Items of about 1 KB in the scan and export table (default: ${DEFAULT-VALUE}).")
    int items = 200_000;

    @Option(
            names = "--repetitions",
            description = "Measured runs of each load, worker and reference in turn (default: ${DEFAULT-VALUE}).")
    int repetitions = 1;

    @Option(names = "--latency-writes", description = "Writes timed for change latency (default: ${DEFAULT-VALUE}).")
    int latencyWrites = 1000;

    @Option(names = "--latency-rate", description = "Writes per second for change latency (default: ${DEFAULT-VALUE}).")
    double latencyRate = 25;

    @Option(
            names = "--sustain-seconds",
            description =
                    "How long each write rate is held in the sustained stream search (default: ${DEFAULT-VALUE}).")
    int sustainSeconds = 15;

    @Option(
            names = "--sustain-confirm-seconds",
            description = "How long the rate the search found must then hold (default: ${DEFAULT-VALUE}).")
    int sustainConfirmSeconds = 60;

    @Option(
            names = "--sustain-start-rate",
            description = "The first write rate tried, doubled until the lag passes 1 s (default: ${DEFAULT-VALUE}).")
    double sustainStartRate = 80;

    @Option(
            names = "--rcu-cap",
            description = "The read capacity cap of the RCU cap benchmark, RCU/s (default: ${DEFAULT-VALUE}).")
    double rcuCap = 100;

    @Option(
            names = "--cap-items",
            description =
                    "Items of about 1 KB loaded under the cap (default: ${DEFAULT-VALUE}, about 30 s at 100 RCU/s).")
    int capItems = 12_000;

    @Option(names = "--orders", description = "Orders in the queries' table (default: ${DEFAULT-VALUE}).")
    int orders = 20_000;

    @Option(
            names = "--query-runs",
            description = "Timed runs of each query through the API and in DuckDB (default: ${DEFAULT-VALUE}).")
    int queryRuns = 50;

    @Option(
            names = "--scan-query-runs",
            description = "Timed runs of each query's DynamoDB Scan version (default: ${DEFAULT-VALUE}).")
    int scanQueryRuns = 3;

    @Option(names = "--front-orders", description = "Orders in the query front's JOIN (default: ${DEFAULT-VALUE}).")
    int frontOrders = 100_000;

    @Option(
            names = "--front-customers",
            description = "Customers in the query front's JOIN (default: ${DEFAULT-VALUE}).")
    int frontCustomers = 10_000;

    @Option(
            names = "--collections",
            description = "Collections the operator benchmark brings to Ready (default: ${DEFAULT-VALUE}).")
    int collections = 100;

    @Option(names = "--worker-dist", description = "The worker's built application (default: ${DEFAULT-VALUE}).")
    Path workerDist = Path.of("worker/target/dist");

    @Option(names = "--out", description = "Where the JSON goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("bench/results/latest.json");

    @Option(names = "--commit", description = "The commit measured, for the report (bench/run passes it).")
    String commit = "unknown";

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isExecutable(workerDist.resolve("bin/worker"))) {
            System.err.println("bench: no worker application at " + workerDist.resolve("bin/worker")
                    + "; build it with ./mvnw -q -pl worker -am package -DskipTests, or run bench/run");
            return 2;
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("benchmarks", only.stream().map(Enum::name).toList());
        parameters.put("items", items);
        parameters.put("repetitions", repetitions);
        parameters.put("latencyWrites", latencyWrites);
        parameters.put("latencyRate", latencyRate);
        parameters.put("sustainSeconds", sustainSeconds);
        parameters.put("sustainStartRate", sustainStartRate);
        parameters.put("rcuCap", rcuCap);
        parameters.put("capItems", capItems);
        parameters.put("orders", orders);
        parameters.put("queryRuns", queryRuns);
        parameters.put("scanQueryRuns", scanQueryRuns);
        parameters.put("frontOrders", frontOrders);
        parameters.put("frontCustomers", frontCustomers);
        parameters.put("collections", collections);
        parameters.put("workerJavaOptions", Context.WORKER_JAVA_OPTIONS);
        Report report =
                new Report(Instant.now().truncatedTo(ChronoUnit.SECONDS), commit, Machine.describe(), parameters);
        Path scratch = Files.createTempDirectory("dynamosync-bench-");
        Progress.line("starting the local AWS kit; scratch files in %s", scratch);
        try (LocalAws aws = LocalAws.start()) {
            Context ctx = new Context(aws, workerDist.toAbsolutePath(), scratch, report, this);
            String table = null;
            if (only.contains(Benchmark.scan) || only.contains(Benchmark.export)) {
                table = ScanLoadBench.table(ctx, items);
            }
            for (Benchmark benchmark : Benchmark.values()) {
                if (!only.contains(benchmark)) {
                    continue;
                }
                Progress.line("%s: starting", benchmark);
                long start = System.nanoTime();
                try {
                    switch (benchmark) {
                        case scan -> ScanLoadBench.run(ctx, table, items);
                        case export -> ExportLoadBench.run(ctx, table, items);
                        case latency -> ChangeLatencyBench.run(ctx);
                        case sustain -> SustainedStreamBench.run(ctx);
                        case cap -> CapacityCapBench.run(ctx);
                        case queries -> QueryBench.run(ctx);
                        case front -> FrontBench.run(ctx);
                        case operator -> OperatorBench.run(ctx);
                        default -> throw new IllegalStateException(benchmark.name());
                    }
                    Progress.line("%s: done in %.0f s", benchmark, (System.nanoTime() - start) / 1e9);
                } catch (Exception | AssertionError e) {
                    Progress.line("%s: FAILED: %s", benchmark, e);
                    report.note("The " + benchmark + " benchmark failed: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
                }
            }
        } finally {
            deleteQuietly(scratch);
        }
        System.out.println(report.markdown());
        report.writeJson(out);
        Progress.line("wrote %s", out);
        return report.figures().isEmpty() ? 1 : 0;
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            Progress.line("could not delete %s: %s", directory, e);
        }
    }
}
