package io.dynamosync.worker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The worker as users run it: its own JVM, started with a settings file, killed with SIGKILL. */
public final class WorkerProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private WorkerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Writes {@code settings} (with a free HTTP port) to a file and starts a worker on it. */
    public static WorkerProcess start(Map<String, Object> settings, Path directory, String logName) throws IOException {
        return start(settings, directory, logName, "-Xmx512m");
    }

    /** {@link #start(Map, Path, String)} with a heap limit of {@code maxHeap} (such as {@code -Xmx160m}); out of heap, it exits. */
    public static WorkerProcess start(Map<String, Object> settings, Path directory, String logName, String maxHeap)
            throws IOException {
        int port = ChildJvm.freePort();
        java.util.Map<String, Object> withPort = new java.util.LinkedHashMap<>(settings);
        withPort.put("http", Map.of("port", port));
        Path config = directory.resolve("settings-" + logName + ".json");
        Files.writeString(config, JSON.writeValueAsString(withPort));
        Path log = directory.resolve(logName + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        maxHeap,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-XX:+UseSerialGC",
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.dynamosync.worker.WorkerMain",
                        "run",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "local");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "local-secret");
        builder.environment().put("AWS_REGION", LocalAws.REGION.id());
        return new WorkerProcess(builder.start(), port, log);
    }

    /** The worker's {@code /status}, or null while it does not answer. */
    public JsonNode status() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The HTTP port the worker serves on. */
    public int port() {
        return port;
    }

    /** Kills the worker with SIGKILL: no shutdown hook, no flush, as a node failure would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Throws, with the worker's log so far, when it has exited: for Awaitility's {@code failFast}. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("the worker exited; its log:\n" + log());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The worker's output, for failure messages. */
    public String log() {
        try {
            String text = Files.readString(log);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the worker gracefully (SIGTERM), as Kubernetes does. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
