package io.dynamosync.worker;

import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.config.SettingsException;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import io.dynamosync.worker.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The worker's command line: {@code worker run --config settings.json}. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        subcommands = WorkerMain.Run.class,
        description = "Keeps a DynamoDB table's replica in a DuckDB store and serves it over HTTP.")
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    /** Runs the worker until stopped. */
    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Load the table, follow its stream and serve queries, until stopped.")
    static final class Run implements Callable<Integer> {

        @Option(
                names = "--config",
                required = true,
                description = "The settings file (JSON or YAML), as the operator mounts it.")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            Settings settings = Settings.load(config);
            AwsClients aws = new AwsClients(settings);
            Worker worker = new Worker(settings, aws).open();
            WorkerServer server = new WorkerServer(worker, httpPort(settings), ApiKey.fromEnvironment());
            LOG.info(
                    "worker of collection {} (table {}) serving on port {}",
                    settings.collection(),
                    settings.table(),
                    server.port());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                LOG.info("stopping");
                                server.close();
                                worker.close();
                                aws.close();
                                stopped.countDown();
                            },
                            "worker-stop"));
            worker.start();
            stopped.await();
            return 0;
        }
    }

    /**
     * The settings' port, unless {@code DYNAMOSYNC_HTTP_PORT} overrides it: for running several workers on one host
     * without a pod network each (by hand, or the test kit's local kubelet), where 8080 can serve only one.
     */
    static int httpPort(Settings settings) {
        String override = System.getenv("DYNAMOSYNC_HTTP_PORT");
        if (override == null || override.isBlank()) {
            return settings.httpPort();
        }
        try {
            int port = Integer.parseInt(override.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below, as any other bad setting.
        }
        throw new SettingsException("DYNAMOSYNC_HTTP_PORT must be a port, 0 to 65535, was '" + override + "'");
    }

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new WorkerMain());
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A bad setting or an unusable store: one line, no stack trace, non-zero exit.
            if (e instanceof SettingsException || e instanceof StoreException) {
                cmd.getErr().println("worker: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        int code = command.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
