package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's command line, as a user or the pod runs it. */
class WorkerCommandIT {

    @Test
    void aBadSettingStopsTheWorkerWithOneLineAndANonZeroExit(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("settings.yaml");
        Files.writeString(config, "collection: orders\ntable: Orders\nregion: us-east-1\nload:\n  readCapacityPercent: 150\n");
        Process worker = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.dynamosync.worker.WorkerMain", "run", "--config", config.toString())
                .redirectErrorStream(true).start();

        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(worker.exitValue()).isEqualTo(2);
        assertThat(output).isEqualTo("worker: load.readCapacityPercent must be 1 to 100, was 150");
    }
}
