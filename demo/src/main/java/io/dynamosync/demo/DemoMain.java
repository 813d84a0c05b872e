package io.dynamosync.demo;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.worker.http.ApiKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The local demo, until Ctrl-C: {@code ./mvnw -q -pl demo exec:java}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Runs local AWS, a changing table of orders, a table of customers, a worker for each (the orders' one"
                        + " serving the query console) and the query front over both, until Ctrl-C.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--port", description = "Port of the console and query API. Default: ${DEFAULT-VALUE}.")
    int port = 8080;

    @Option(
            names = "--front-port",
            description = "Port of the query front, over both collections. Default: ${DEFAULT-VALUE}.")
    int frontPort = 8081;

    @Option(names = "--orders", description = "Orders in the table at the start. Default: ${DEFAULT-VALUE}.")
    int orders = 300;

    @Option(names = "--rate", description = "Changes to the table per second. Default: ${DEFAULT-VALUE}.")
    double rate = 3;

    @Override
    public Integer call() throws Exception {
        System.out.println("Starting local AWS (DynamoDB Local, S3Proxy)...");
        LocalAws aws = LocalAws.start();
        Path data = Files.createTempDirectory("dynamo-sync-demo");
        Demo demo;
        try {
            demo = Demo.start(
                    aws, "orders", "customers", orders, rate, data, port, frontPort, System.getenv(ApiKey.ENVIRONMENT));
        } catch (RuntimeException | Error e) {
            // The kit's servers would keep this JVM (and Maven) alive after a failed start.
            aws.close();
            delete(data);
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Stopping the demo...");
                            demo.close();
                            aws.close();
                            delete(data);
                            stopped.countDown();
                        },
                        "demo-stop"));
        while (!synced(demo.worker(Demo.COLLECTION).status())
                || !synced(demo.worker(Demo.CUSTOMERS).status())) {
            Thread.sleep(200);
        }
        String url = "http://localhost:" + demo.port();
        System.out.println();
        System.out.println("dynamo-sync demo: table 'orders' (" + orders + " orders, " + rate
                + " changes a second) is replicated");
        System.out.println("into collection 'orders'. Open the console:  " + url + "/");
        System.out.println("Or ask the query API:");
        System.out.println("  curl -s " + url + "/v1/orgs/self/queries -H 'Content-Type: application/json' \\");
        System.out.println(
                "    -d '{\"sql\": {\"query\": \"SELECT status, count(*) AS orders FROM orders GROUP BY status\"}}'");
        String front = "http://localhost:" + demo.frontPort();
        System.out.println("Table 'customers' is replicated into collection 'customers'. The query front, over both,");
        System.out.println("JOINs them and runs query lambda '" + Demo.LAMBDA + "':");
        System.out.println("  curl -s " + front + "/v1/orgs/self/ws/commons/lambdas/" + Demo.LAMBDA
                + "/tags/latest -H 'Content-Type: application/json' -d '{}'");
        System.out.println("Metrics: " + url + "/metrics   Status: " + url + "/status   Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }

    private static boolean synced(WorkerStatus status) {
        return status.stream() != null && status.stream().synced() && "Streaming".equals(status.phase());
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is the system's to clean.
        }
    }

    public static void main(String[] args) {
        // Before any logger exists: the worker's and the kit's jars both carry a logback.xml.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "demo-logback.xml");
        }
        CommandLine command = new CommandLine(new DemoMain());
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("demo: " + e.getMessage());
            return 1;
        });
        int code = command.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
