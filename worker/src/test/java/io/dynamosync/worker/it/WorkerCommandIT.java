package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.testkit.process.ChildJvm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worker's command line, as a user or the pod runs it. */
class WorkerCommandIT {

    /** Runs {@code worker run} on a settings file holding {@code yaml}; returns its exit code and output. */
    private static Map.Entry<Integer, String> run(Path directory, String yaml) throws Exception {
        Path config = directory.resolve("settings.yaml");
        Files.writeString(config, yaml);
        Process worker = new ProcessBuilder(
                        Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.dynamosync.worker.WorkerMain",
                        "run",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return Map.entry(worker.exitValue(), output);
    }

    @Test
    void aBadSettingStopsTheWorkerWithOneLineAndANonZeroExit(@TempDir Path directory) throws Exception {
        var result = run(
                directory, "collection: orders\ntable: Orders\nregion: us-east-1\nload:\n  readCapacityPercent: 150\n");

        assertThat(result.getKey()).isEqualTo(2);
        assertThat(result.getValue()).isEqualTo("worker: load.readCapacityPercent must be 1 to 100, was 150");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "region: not a region!                                  | worker: region must be an AWS region such as us-east-1, was 'not a region!'",
                "region: us-east-1\\nendpoints: {dynamodb: nowhere}     | worker: endpoints.dynamodb must be an http or https URL",
                "region: us-east-1\\ndataDirectory: /proc/no/such/place | worker: dataDirectory /proc/no/such/place cannot hold the store",
            })
    void everyBadSettingEndsInOneLineNamingItAndExitCodeTwo(String settings, String expected, @TempDir Path directory)
            throws Exception {
        var result = run(
                directory,
                "collection: orders\ntable: Orders\n" + settings.replace("\\n", "\n") + "\nload: {method: Scan}\n");

        assertThat(result.getKey()).isEqualTo(2);
        assertThat(result.getValue()).doesNotContain("\n").startsWith(expected.strip());
    }

    @Test
    void aTakenPortIsNamedInOneLine(@TempDir Path directory) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            var result = run(
                    directory,
                    "collection: orders\ntable: Orders\nregion: us-east-1\ndataDirectory: " + directory
                            + "\nhttp: {port: " + taken.getLocalPort() + "}\n");

            assertThat(result.getKey()).isEqualTo(2);
            assertThat(result.getValue().lines().filter(l -> l.startsWith("worker:")))
                    .containsExactly("worker: http.port " + taken.getLocalPort() + " is taken by another process");
            assertThat(result.getValue()).doesNotContain("\tat ");
        }
    }

    @Test
    void anUnreachableEndpointLogsOneLinePerAttemptWithTheCauseAndTheNextAttempt(@TempDir Path directory)
            throws Exception {
        String closed = "http://127.0.0.1:" + ChildJvm.freePort();
        Map<String, Object> settings = Map.of(
                "collection",
                "orders",
                "table",
                "Orders",
                "region",
                "us-east-1",
                "endpoints",
                Map.of("dynamodb", closed, "streams", closed, "s3", closed),
                "dataDirectory",
                directory.resolve("data").toString(),
                "load",
                Map.of("method", "Scan"));
        try (WorkerProcess worker = WorkerProcess.start(settings, directory, "unreachable")) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> worker.log().contains("AwsCallFailed"));
            String log = Files.readString(directory.resolve("unreachable.log"));
            List<String> failures =
                    log.lines().filter(l -> l.contains("AwsCallFailed")).toList();

            assertThat(failures)
                    .first()
                    .asString()
                    .contains("Connection refused")
                    .containsPattern("next attempt in \\d+ s$");
            assertThat(log).as("no stack trace").doesNotContain("\tat ").doesNotContain("Caused by");
            assertThat(worker.status().path("error").path("reason").asText()).isEqualTo("AwsCallFailed");
        }
    }
}
