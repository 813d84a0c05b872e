package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A worker started as users start it ({@code bin/worker run --config FILE} of the built application), and
 * seen only through its public surfaces: the query API, {@code /status}, and the process's CPU time and memory.
 */
public final class WorkerRun implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final Process process;
    private final int port;
    private final Path log;

    private WorkerRun(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Writes settings for {@code collection} of {@code table} (kit endpoints, a free port, the store in
     * {@code directory}) with {@code load} as load options and starts the worker of {@code dist} on them.
     */
    public static WorkerRun start(
            Path dist,
            LocalAws aws,
            String collection,
            String table,
            Map<String, Object> load,
            Map<String, Object> s3,
            Path directory,
            String javaOptions)
            throws IOException {
        int port = ChildJvm.freePort();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("collection", collection);
        settings.put("table", table);
        settings.put("region", LocalAws.REGION.id());
        settings.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString(),
                        "s3",
                        aws.s3Endpoint().toString()));
        settings.put("dataDirectory", directory.resolve("data").toString());
        settings.put("load", load);
        if (s3 != null) {
            settings.put("s3", s3);
        }
        settings.put("http", Map.of("port", port));
        Files.createDirectories(directory);
        Path config = directory.resolve("settings.json");
        Files.writeString(config, JSON.writeValueAsString(settings));
        Path log = directory.resolve("worker.log");
        ProcessBuilder builder = new ProcessBuilder(
                        dist.resolve("bin/worker").toString(), "run", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "local");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "local-secret");
        builder.environment().put("AWS_REGION", LocalAws.REGION.id());
        builder.environment().put("JAVA_OPTS", javaOptions);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("DYNAMOSYNC_HTTP_PORT");
        return new WorkerRun(builder.start(), port, log);
    }

    /** The port its query API and {@code /status} answer on, on localhost. */
    public int port() {
        return port;
    }

    /** The worker's {@code /status}, or null while it does not answer. */
    public JsonNode status() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri("/status"))
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

    /** Polls {@code /status} every {@code every} until {@code done} holds; fails when the worker dies or time runs out. */
    public JsonNode await(Predicate<JsonNode> done, Duration every, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = status();
            if (status != null && done.test(status)) {
                return status;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the worker exited (" + process.exitValue() + ") before " + what + ":\n" + logTail());
            }
            if (status != null && "Error".equals(status.path("phase").asText())) {
                throw new IllegalStateException(
                        "the worker reports an error before " + what + ": " + status.path("error") + "\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "no " + what + " within " + timeout + "; last status " + status + "\n" + logTail());
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** Runs {@code sql} through {@code POST /v1/orgs/self/queries}, parameters as name, type, value triples. */
    public JsonNode query(String sql, String... parameters) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode query = body.putObject("sql");
        query.put("query", sql);
        ArrayNode list = query.putArray("parameters");
        for (int i = 0; i + 2 < parameters.length; i += 3) {
            list.addObject()
                    .put("name", parameters[i])
                    .put("type", parameters[i + 1])
                    .put("value", parameters[i + 2]);
        }
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/v1/orgs/self/queries"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new QueryFailed(
                    response.statusCode(),
                    answer.path("type").asText(),
                    answer.path("message").asText());
        }
        return answer;
    }

    /** CPU time the worker's process has used so far, user and system, in nanoseconds. */
    public long cpuNanos() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    /** The worker's peak resident memory so far (VmHWM), in bytes; 0 where /proc does not say. */
    public long peakResidentBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                    .orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last lines of the worker's output, for error messages. */
    public String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Stops the worker as Kubernetes does (SIGTERM), so its store is closed cleanly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        // BENCH_KEEP_LOGS=DIR keeps each worker's log there (the scratch folder goes when the run ends).
        String keep = System.getenv("BENCH_KEEP_LOGS");
        if (keep != null && !keep.isBlank()) {
            try {
                Path directory = Path.of(keep);
                Files.createDirectories(directory);
                Files.copy(
                        log,
                        directory.resolve(log.getParent().getFileName() + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Progress.line("could not keep the worker's log %s: %s", log, e.getMessage());
            }
        }
    }

    /** A query the API answered with an error. */
    public static final class QueryFailed extends IOException {
        private static final long serialVersionUID = 1L;

        /** The error's {@code type}, e.g. {@code QueryError}. */
        public final String type;

        QueryFailed(int status, String type, String message) {
            super(status + " " + type + ": " + message);
            this.type = type;
        }
    }
}
