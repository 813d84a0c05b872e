package io.dynamosync.testkit.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Trino cluster (coordinator and worker in one JVM) with one catalog, {@code iceberg}, on the JDBC catalog
 * and warehouse given, answering SQL through its HTTP client protocol ({@link #query(String)}).
 *
 * <p>The server is Trino's own tarball from Maven Central, downloaded once into {@code ~/.cache/dynamo-sync/trino}
 * and unpacked there with only the Iceberg plugin; it needs Java 24 or later ({@link #javaHome()}), which runs beside
 * the build's own Java.
 */
public final class LocalTrino implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalTrino.class);
    /** The Trino release the tests run; its Iceberg plugin reads table format v2 (it bundles iceberg-core 1.9.1). */
    public static final String VERSION = "476";

    private static final String TARBALL_URL =
            "https://repo1.maven.org/maven2/io/trino/trino-server/" + VERSION + "/trino-server-" + VERSION + ".tar.gz";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildJvm server;
    private final Path directory;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalTrino(ChildJvm server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    /** Where the tarball and the unpacked server are kept between runs. */
    public static Path cacheDirectory() {
        String override = System.getenv("DYNAMOSYNC_TRINO_CACHE");
        return override != null && !override.isBlank()
                ? Paths.get(override)
                : Paths.get(System.getProperty("user.home"), ".cache", "dynamo-sync", "trino");
    }

    /**
     * A JDK of version 24 or later: {@code TRINO_JAVA_HOME} if set, else the newest under {@code /usr/lib/jvm} (this
     * machine kind has Temurin 25 there).
     */
    public static Optional<Path> javaHome() {
        String override = System.getenv("TRINO_JAVA_HOME");
        if (override != null && !override.isBlank()) {
            return Optional.of(Paths.get(override));
        }
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> featureVersion(home) >= 24)
                    .max(Comparator.comparingInt(LocalTrino::featureVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int featureVersion(Path home) {
        Path release = home.resolve("release");
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /**
     * The unpacked server, downloading and unpacking it first if this machine has not yet: only {@code lib/} and the
     * Iceberg plugin are kept, which also makes the server start faster.
     */
    public static synchronized Path install() {
        Path cache = cacheDirectory();
        Path home = cache.resolve("trino-server-" + VERSION);
        if (Files.isDirectory(home.resolve("plugin/iceberg")) && Files.isDirectory(home.resolve("lib"))) {
            return home;
        }
        try {
            Files.createDirectories(cache);
            Path tarball = cache.resolve("trino-server-" + VERSION + ".tar.gz");
            if (!Files.exists(tarball)) {
                LOG.info("downloading Trino {} (about 820 MB) into {}", VERSION, cache);
                Path part = cache.resolve(tarball.getFileName() + ".part");
                HttpResponse<InputStream> response = HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build()
                        .send(
                                HttpRequest.newBuilder(URI.create(TARBALL_URL)).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            "downloading " + TARBALL_URL + " answered " + response.statusCode());
                }
                try (InputStream in = response.body()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(part, tarball, StandardCopyOption.ATOMIC_MOVE);
            }
            Path unpacking = Files.createTempDirectory(cache, "unpacking-");
            // The tarball hard-links jars shared by plugins, so it is unpacked whole; the other plugins then go.
            Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", unpacking.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(unpacking
                            .resolveSibling(unpacking.getFileName() + ".log")
                            .toFile())
                    .start();
            if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new IllegalStateException("cannot unpack " + tarball);
            }
            Path unpacked = unpacking.resolve("trino-server-" + VERSION);
            try (Stream<Path> plugins = Files.list(unpacked.resolve("plugin"))) {
                for (Path plugin : plugins.toList()) {
                    if (!plugin.getFileName().toString().equals("iceberg")) {
                        delete(plugin);
                    }
                }
            }
            Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
            delete(unpacking);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install Trino " + VERSION + " into " + cache, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Starts Trino with the given catalogs, each name's properties (see {@link LocalIceberg#trinoCatalog()}), and
     * waits until it answers a query.
     */
    public static LocalTrino start(Path javaHome, Map<String, Map<String, String>> catalogs, Duration timeout) {
        Path home = install();
        try {
            Path directory = Files.createTempDirectory("localtrino-");
            Path etc = directory.resolve("etc");
            Files.createDirectories(etc.resolve("catalog"));
            int port = ChildJvm.freePort();
            write(
                    etc.resolve("config.properties"),
                    Map.of(
                            "coordinator", "true",
                            "node-scheduler.include-coordinator", "true",
                            "http-server.http.port", Integer.toString(port),
                            "discovery.uri", "http://127.0.0.1:" + port,
                            "query.max-memory", "512MB",
                            "query.max-memory-per-node", "384MB",
                            "task.concurrency", "2",
                            "task.max-worker-threads", "4"));
            write(etc.resolve("log.properties"), Map.of("io.trino", "WARN", "io.airlift", "WARN"));
            for (Map.Entry<String, Map<String, String>> catalog : catalogs.entrySet()) {
                write(etc.resolve("catalog/" + catalog.getKey() + ".properties"), catalog.getValue());
            }
            List<String> jvm = new ArrayList<>(List.of(
                    "-Xmx1G",
                    "-Xss2m",
                    "-XX:+UseG1GC",
                    "-XX:+ExplicitGCInvokesConcurrent",
                    "-XX:ReservedCodeCacheSize=256M",
                    "-Djdk.attach.allowAttachSelf=true",
                    "--enable-native-access=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "-Dfile.encoding=UTF-8",
                    "-Dnode.environment=test",
                    "-Dnode.id=dynamo-sync-test",
                    // Announced to itself on loopback: the machine's other addresses may not route.
                    "-Dnode.internal-address=127.0.0.1",
                    "-Dnode.data-dir=" + directory.resolve("data"),
                    "-Dconfig=" + etc.resolve("config.properties"),
                    "-Dlog.levels-file=" + etc.resolve("log.properties"),
                    "-Dlog.path=" + directory.resolve("server.log"),
                    "-Dcatalog.config-dir=" + etc.resolve("catalog"),
                    "-Dplugin.dir=" + home.resolve("plugin")));
            ChildJvm server = ChildJvm.launch(
                    "Trino",
                    javaHome,
                    home.resolve("lib") + "/*",
                    jvm,
                    "io.trino.server.TrinoServer",
                    List.of(),
                    port,
                    directory.resolve("trino.log"));
            LocalTrino trino = new LocalTrino(server, directory);
            try {
                server.awaitReady(timeout);
                trino.awaitQueries(catalogs.keySet(), timeout);
                return trino;
            } catch (RuntimeException e) {
                trino.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Trino", e);
        }
    }

    /**
     * The first queries after start may answer that no nodes are active yet: ask until a query answers and each
     * catalog lists its schemas (which also reaches the catalog's own server).
     */
    private void awaitQueries(java.util.Set<String> catalogs, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("Trino exited; its log: " + server.log());
            }
            try {
                query("SELECT 1");
                for (String catalog : catalogs) {
                    query("SHOW SCHEMAS FROM " + catalog);
                }
                LOG.info("Trino {} answers on port {} (pid {})", VERSION, server.port(), server.pid());
                return;
            } catch (RuntimeException notYet) {
                last = notYet;
                sleep(500);
            }
        }
        throw new IllegalStateException(
                "Trino did not answer a query within " + timeout + "; its log: " + server.log(), last);
    }

    /** The coordinator's URL. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public long pid() {
        return server.pid();
    }

    /**
     * Runs one statement and returns its rows, each a list of the columns' JSON values (numbers as JSON numbers,
     * decimals and timestamps as text, as Trino's client protocol sends them).
     *
     * @throws TrinoException when Trino answers with an error
     */
    public List<List<JsonNode>> query(String sql) {
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/v1/statement"))
                    .header("X-Trino-User", "test")
                    .header("X-Trino-Catalog", "iceberg")
                    .timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                    .build();
            List<List<JsonNode>> rows = new ArrayList<>();
            while (request != null) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 503 || response.statusCode() == 429) {
                    sleep(100);
                    continue;
                }
                if (response.statusCode() != 200) {
                    throw new TrinoException(
                            "Trino answered " + response.statusCode() + " to " + sql + ": " + response.body());
                }
                JsonNode page = JSON.readTree(response.body());
                if (page.has("error")) {
                    StringBuilder causes =
                            new StringBuilder(page.path("error").path("message").asText());
                    for (JsonNode cause = page.path("error").path("failureInfo").path("cause");
                            !cause.isMissingNode() && !cause.isNull();
                            cause = cause.path("cause")) {
                        causes.append("; caused by ")
                                .append(cause.path("type").asText())
                                .append(": ")
                                .append(cause.path("message").asText());
                    }
                    throw new TrinoException("Trino failed " + sql + ": " + causes);
                }
                for (JsonNode row : page.path("data")) {
                    List<JsonNode> values = new ArrayList<>();
                    row.forEach(values::add);
                    rows.add(values);
                }
                String next = page.path("nextUri").asText(null);
                request = next == null
                        ? null
                        : HttpRequest.newBuilder(URI.create(next))
                                .header("X-Trino-User", "test")
                                .timeout(Duration.ofMinutes(2))
                                .GET()
                                .build();
            }
            return rows;
        } catch (IOException e) {
            throw new TrinoException("cannot reach Trino: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrinoException("interrupted", e);
        }
    }

    /** Trino answered a statement with an error. */
    public static final class TrinoException extends RuntimeException {
        TrinoException(String message) {
            super(message);
        }

        TrinoException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void write(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(properties)
                .forEach((key, value) ->
                        text.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static void delete(Path path) throws IOException {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the server and deletes its configuration and data; {@code DYNAMOSYNC_KEEP_TRINO} keeps them. */
    @Override
    public void close() {
        server.close();
        if (System.getenv("DYNAMOSYNC_KEEP_TRINO") != null) {
            return;
        }
        try {
            delete(directory);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}: {}", directory, e.toString());
        }
    }
}
