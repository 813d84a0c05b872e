package io.dynamosync.testkit.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server running in a JVM of its own on a loopback port, with its output in a log file.
 *
 * <p>The child gets its own classpath (read from a {@code *.classpath} resource written at build
 * time by a {@code testkit/runtime-*} module), so its libraries never meet ours, and it halts
 * when this JVM dies (see {@link ParentWatch}).
 */
public final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ChildJvm(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Launches {@code mainClass} with the given classpath; call {@link #awaitReady(Duration)}
     * before using it. Launching several children first and awaiting them after lets them
     * start side by side.
     */
    public static ChildJvm launch(
            String name,
            String classpath,
            List<String> jvmArgs,
            String mainClass,
            List<String> args,
            int port,
            Path log) {
        List<String> frugal = new ArrayList<>(List.of("-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        frugal.addAll(jvmArgs);
        return launch(name, Paths.get(System.getProperty("java.home")), classpath, frugal, mainClass, args, port, log);
    }

    /**
     * Launches {@code mainClass} on the JDK in {@code javaHome} (a server that needs a newer Java than ours) with
     * exactly the JVM options given.
     */
    public static ChildJvm launch(
            String name,
            Path javaHome,
            String classpath,
            List<String> jvmArgs,
            String mainClass,
            List<String> args,
            int port,
            Path log) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(ownLocation() + java.io.File.pathSeparator + classpath);
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // Standard input stays open: its closing is how the child learns we are gone.
            return new ChildJvm(name, process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Picks a loopback port that is free now; the caller hands it to a child at once. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A child's classpath, as its runtime module wrote it at build time: one line, path-separated. */
    public static String readClasspath(String resource) {
        try (InputStream in = ChildJvm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource
                        + " is missing: build the testkit/runtime-* modules first (./mvnw install -DskipTests)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String ownLocation() {
        try {
            return Paths.get(ParentWatch.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the child accepts connections on its port; stops it and throws if it does not. */
    public ChildJvm awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it listened on port " + port + "; its log: " + log + "\n" + tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
                return this;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        close();
        throw new IllegalStateException(
                name + " did not listen on port " + port + " within " + timeout + "; its log: " + log + "\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
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

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the child: closes its standard input (it halts), then kills it if it lingers. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Already closed: the child is going anyway.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
