package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The kit starts and stops cleanly, and never leaves a server behind. */
class LocalAwsLifecycleIT {

    @Test
    void startingAndStoppingTenTimesLeavesNoProcessAndNoPort() {
        for (int round = 0; round < 10; round++) {
            List<Long> pids;
            List<Integer> ports = new ArrayList<>();
            Path directory;
            try (LocalAws aws = LocalAws.start()) {
                pids = aws.childPids();
                ports.add(aws.dynamoDbEndpoint().getPort());
                ports.add(aws.s3Endpoint().getPort());
                ports.add(aws.dynamoDbLocalEndpoint().getPort());
                directory = aws.workDirectory();
                assertThat(aws.dynamoDb().listTables().tableNames()).isEmpty();
                assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
                if (round == 0) {
                    // Objects live on disk, not on S3Proxy's heap, which a test run's exports would fill.
                    aws.s3().createBucket(b -> b.bucket("ondisk"));
                    aws.s3().putObject(b -> b.bucket("ondisk").key("a/b.txt"), RequestBody.fromString("hello"));
                    assertThat(directory.resolve("s3/ondisk/a/b.txt")).hasContent("hello");
                }
            }
            assertThat(pids)
                    .allSatisfy(pid -> assertThat(alive(pid))
                            .as("child %d after close", pid)
                            .isFalse());
            assertThat(ports)
                    .allSatisfy(port -> assertThat(listening(port))
                            .as("port %d after close", port)
                            .isFalse());
            assertThat(directory).doesNotExist();
        }
    }

    @Test
    void dataDirectoryKeepsTablesAndObjectsAcrossRestarts(@org.junit.jupiter.api.io.TempDir Path directory) {
        try (LocalAws aws = LocalAws.builder().dataDirectory(directory).start()) {
            Tables.create(aws.dynamoDb(), false);
            aws.s3().createBucket(b -> b.bucket("kept"));
            aws.s3().putObject(b -> b.bucket("kept").key("a/b.txt"), RequestBody.fromString("hello"));
        }
        try (LocalAws aws = LocalAws.builder().dataDirectory(directory).start()) {
            assertThat(aws.dynamoDb().listTables().tableNames()).hasSize(1);
            assertThat(aws.s3()
                            .getObjectAsBytes(b -> b.bucket("kept").key("a/b.txt"))
                            .asUtf8String())
                    .isEqualTo("hello");
        }
    }

    @Test
    void commandLineKitServesTheEndpointsItPrintsAndItsServersDieWithItEvenOnKill9() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process main = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalAwsMain.class.getName(),
                        "--dynamodb-port",
                        "0",
                        "--s3-port",
                        "0")
                .redirectErrorStream(true)
                .start();
        try {
            URI endpoint = null;
            Pattern dynamoDbLine = Pattern.compile("AWS_ENDPOINT_URL_DYNAMODB=(\\S+)");
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(main.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                Matcher m = dynamoDbLine.matcher(line);
                if (m.find()) {
                    endpoint = URI.create(m.group(1));
                }
                if (line.contains("Ctrl-C stops everything")) {
                    break;
                }
            }
            assertThat(endpoint).as("the command prints its DynamoDB endpoint").isNotNull();
            URI printed = endpoint;
            try (DynamoDbClient client = DynamoDbClient.builder()
                    .endpointOverride(printed)
                    .region(LocalAws.REGION)
                    .credentialsProvider(LocalAws.CREDENTIALS)
                    .build()) {
                assertThat(client.listTables().tableNames()).isNotNull();
            }
            List<ProcessHandle> servers = main.descendants().toList();
            assertThat(servers).hasSize(2);

            main.destroyForcibly();

            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(servers).noneMatch(ProcessHandle::isAlive));
            assertThat(listening(printed.getPort())).isFalse();
        } finally {
            main.destroyForcibly();
            main.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
