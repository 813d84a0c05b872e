package io.dynamosync.testkit.iceberg;

import io.dynamosync.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of Debian's packages on a loopback port, in a fresh data directory, holding one database for
 * Iceberg's JDBC catalog. Trusts every local connection, so any password does. Run as root, the server runs as the
 * packages' {@code postgres} user, since PostgreSQL refuses root.
 */
public final class LocalPostgres implements AutoCloseable {

    /** The database the catalog lives in. */
    public static final String DATABASE = "iceberg_catalog";
    /** The superuser the cluster is made with. */
    public static final String USER = "iceberg";

    private static final Path PACKAGES = Paths.get("/usr/lib/postgresql");

    private final Path bin;
    private final Path directory;
    private final Path logDirectory;
    private final Process server;
    private final int port;
    private final Thread shutdownHook;

    private LocalPostgres(Path bin, Path directory, Path logDirectory, Process server, int port) {
        this.bin = bin;
        this.directory = directory;
        this.logDirectory = logDirectory;
        this.server = server;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, "postgres-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The newest installed server's {@code bin} directory, if Debian's {@code postgresql} package is installed. */
    public static Optional<Path> binaries() {
        if (!Files.isDirectory(PACKAGES)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(PACKAGES)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(LocalPostgres::version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Makes a cluster in a temporary directory, starts it on a free port and creates {@link #DATABASE}. */
    public static LocalPostgres start(Path logDirectory) {
        Path bin = binaries()
                .orElseThrow(() -> new IllegalStateException(
                        "PostgreSQL is not installed under " + PACKAGES + " (apt-get install postgresql)"));
        try {
            Path directory = Files.createTempDirectory("localpg-");
            Path data = directory.resolve("data");
            Files.createDirectories(logDirectory);
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                run(List.of("chown", "postgres:postgres", directory.toString()), logDirectory.resolve("chown.log"));
            }
            run(
                    asServerUser(
                            root,
                            List.of(
                                    bin.resolve("initdb").toString(),
                                    "-D",
                                    data.toString(),
                                    "-U",
                                    USER,
                                    "-A",
                                    "trust",
                                    "-E",
                                    "UTF8",
                                    "--no-sync")),
                    logDirectory.resolve("initdb.log"));
            int port = ChildJvm.freePort();
            Process server = new ProcessBuilder(asServerUser(
                            root,
                            List.of(
                                    bin.resolve("postgres").toString(),
                                    "-D",
                                    data.toString(),
                                    "-p",
                                    Integer.toString(port),
                                    "-c",
                                    "listen_addresses=127.0.0.1",
                                    "-c",
                                    "unix_socket_directories=" + directory,
                                    "-c",
                                    "fsync=off",
                                    "-c",
                                    "shared_buffers=32MB",
                                    "-c",
                                    "max_connections=50")))
                    .redirectErrorStream(true)
                    .redirectOutput(logDirectory.resolve("postgres.log").toFile())
                    .start();
            LocalPostgres postgres = new LocalPostgres(bin, directory, logDirectory, server, port);
            try {
                postgres.awaitReady(Duration.ofSeconds(60), logDirectory.resolve("postgres.log"));
                run(
                        List.of(
                                bin.resolve("createdb").toString(),
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(port),
                                "-U",
                                USER,
                                DATABASE),
                        logDirectory.resolve("createdb.log"));
                return postgres;
            } catch (RuntimeException e) {
                postgres.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    /** PostgreSQL refuses to run as root: as root, run it as the packages' own user, with nothing in between. */
    private static List<String> asServerUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(
                List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitReady(Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(
                        "PostgreSQL exited with code " + server.exitValue() + "; its log: " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        throw new IllegalStateException("PostgreSQL did not listen on port " + port + " within " + timeout);
    }

    /** Runs SQL in the catalog database with {@code psql}, stopping at the first error. */
    public void execute(String sql) {
        run(
                List.of(
                        bin.resolve("psql").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-U",
                        USER,
                        "-d",
                        DATABASE,
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        sql),
                logDirectory.resolve("psql.log"));
    }

    /** The catalog database's JDBC URL. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return server.pid();
    }

    private void stop() {
        server.destroy();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is harmless.
        }
    }

    /** Stops the server (a fast shutdown) and deletes its data. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
            return;
        }
        stop();
    }
}
