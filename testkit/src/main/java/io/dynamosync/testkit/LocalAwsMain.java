package io.dynamosync.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the local AWS kit by itself, for manual use with the AWS CLI or an SDK, until Ctrl-C. */
@Command(
        name = "localaws",
        mixinStandardHelpOptions = true,
        description =
                "Runs DynamoDB Local (with streams, export and point-in-time recovery) and S3Proxy on loopback until Ctrl-C.")
public final class LocalAwsMain implements Callable<Integer> {

    @Option(
            names = "--dynamodb-port",
            description =
                    "Port of the DynamoDB and DynamoDB Streams endpoint (0: any free port). Default: ${DEFAULT-VALUE}.")
    int dynamoDbPort = 8000;

    @Option(names = "--s3-port", description = "Port of the S3 endpoint (0: any free port). Default: ${DEFAULT-VALUE}.")
    int s3Port = 9000;

    @Option(
            names = "--data-dir",
            description = "Keep tables and buckets in this directory across restarts (default: in memory).")
    Path dataDirectory;

    @Option(
            names = "--export-seconds",
            description = "How long an export stays IN_PROGRESS at the least. Default: ${DEFAULT-VALUE}.")
    double exportSeconds = 2;

    /** Starts the kit and blocks until the process is interrupted. */
    @Override
    public Integer call() throws InterruptedException {
        LocalAws aws = LocalAws.builder()
                .dynamoDbPort(dynamoDbPort)
                .s3Port(s3Port)
                .dataDirectory(dataDirectory)
                .exportDuration(Duration.ofMillis((long) (exportSeconds * 1000)))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            aws.close();
                            stopped.countDown();
                        },
                        "localaws-stop"));
        System.out.println("Local AWS is running. For the AWS CLI or an SDK:");
        System.out.println("  export AWS_REGION=" + LocalAws.REGION.id() + " AWS_DEFAULT_REGION=" + LocalAws.REGION.id()
                + " AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret");
        System.out.println("  export AWS_ENDPOINT_URL_DYNAMODB=" + aws.dynamoDbEndpoint());
        System.out.println("  export AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + aws.streamsEndpoint());
        System.out.println("  export AWS_ENDPOINT_URL_S3=" + aws.s3Endpoint() + "   # path-style only");
        System.out.println("Logs: " + aws.workDirectory().resolve("logs") + ". Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new LocalAwsMain());
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("localaws: " + e.getMessage());
            return 1;
        });
        int code = command.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
