package io.dynamosync.testkit.cluster;

import io.dynamosync.testkit.podman.Podman;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One pod the {@link LocalKubelet} runs: a child process or a podman container, listening on its own port. */
public final class LocalPod {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalPod.class);

    private final Process process;
    private final String container;
    private final Path log;
    private final int port;
    private final String templateHash;
    private final Probe readiness;
    private final Probe liveness;
    private final Probe startup;
    private Map<String, String> environment = Map.of();
    private final Instant startedAt = Instant.now();
    private volatile boolean ready;
    private volatile boolean started;
    private volatile int failures;
    private volatile Instant lastProbe = Instant.EPOCH;

    private LocalPod(
            Process process,
            String container,
            Path log,
            int port,
            String templateHash,
            Probe readiness,
            Probe liveness,
            Probe startup) {
        this.process = process;
        this.container = container;
        this.log = log;
        this.port = port;
        this.templateHash = templateHash;
        this.readiness = readiness;
        this.liveness = liveness;
        this.startup = startup;
    }

    static LocalPod process(
            List<String> command,
            List<String> args,
            Map<String, String> env,
            List<LocalKubelet.Mount> mounts,
            Path podDirectory,
            int port,
            String templateHash,
            Probe readiness,
            Probe liveness,
            Probe startup) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the local kubelet's process mode mounts volumes in a private mount "
                    + "namespace, which needs root");
        }
        try {
            Files.createDirectories(podDirectory);
            // A private mount namespace: each volume appears at its mount path for this pod alone.
            StringBuilder script = new StringBuilder("set -e\n");
            List<String> line = new ArrayList<>(
                    List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", "", "pod"));
            int n = 0;
            Path program = Path.of(command.get(0)).toAbsolutePath().normalize();
            for (LocalKubelet.Mount mount : mounts) {
                if (program.startsWith(Path.of(mount.path()))) {
                    // A pod's image holds its program; here it is a file of the host, which a volume mounted over
                    // its folder (an emptyDir on /tmp, with the application built under /tmp) would hide.
                    LOG.info("not mounting volume at {}: it would hide the program {}", mount.path(), program);
                    continue;
                }
                Files.createDirectories(Path.of(mount.path()));
                script.append("mount --bind \"$")
                        .append(++n)
                        .append("\" \"$")
                        .append(++n)
                        .append("\"\n");
                if (mount.readOnly()) {
                    script.append("mount -o remount,bind,ro \"$").append(n).append("\"\n");
                }
                line.add(mount.source().toString());
                line.add(mount.path());
            }
            script.append("shift ").append(n).append("\nexec \"$@\"\n");
            line.set(7, script.toString());
            line.addAll(command);
            line.addAll(Optional.ofNullable(args).orElse(List.of()));
            Path log = podDirectory.resolve("container.log");
            ProcessBuilder builder = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("DYNAMOSYNC_"));
            builder.environment().putAll(env);
            LocalPod pod = new LocalPod(builder.start(), null, log, port, templateHash, readiness, liveness, startup);
            pod.environment = Map.copyOf(env);
            return pod;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LocalPod container(
            String name,
            Container spec,
            Map<String, String> env,
            List<LocalKubelet.Mount> mounts,
            Path podDirectory,
            int port,
            String templateHash,
            Probe readiness,
            Probe liveness,
            Probe startup,
            Long runAsUser) {
        Podman.remove(name);
        List<String> options = new ArrayList<>(List.of("--name", name, "--network", "host", "--read-only"));
        if (runAsUser != null) {
            options.addAll(List.of("--user", runAsUser + ":" + runAsUser));
        }
        for (LocalKubelet.Mount mount : mounts) {
            // :U hands a writable volume to the container's user, as fsGroup does.
            options.addAll(List.of("-v", mount.source() + ":" + mount.path() + (mount.readOnly() ? ":ro" : ":U")));
        }
        env.forEach((k, v) -> options.addAll(List.of("-e", k + "=" + v)));
        List<String> args = new ArrayList<>(Optional.ofNullable(spec.getArgs()).orElse(List.of()));
        if (spec.getCommand() != null && !spec.getCommand().isEmpty()) {
            options.addAll(List.of("--entrypoint", spec.getCommand().get(0)));
            args.addAll(0, spec.getCommand().subList(1, spec.getCommand().size()));
        }
        Podman.runDetached(options, spec.getImage(), args);
        LocalPod pod = new LocalPod(
                null, name, podDirectory.resolve("container.log"), port, templateHash, readiness, liveness, startup);
        pod.environment = Map.copyOf(env);
        return pod;
    }

    /** The environment the container was started with, values from Secrets and ConfigMaps resolved. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The loopback port the pod serves on. */
    public int port() {
        return port;
    }

    /** The pod's base URL. */
    public String address() {
        return "http://127.0.0.1:" + port;
    }

    /** Whether its readiness probe last passed. */
    public boolean ready() {
        return ready;
    }

    void ready(boolean value) {
        ready = value;
    }

    boolean started() {
        return started;
    }

    void started(boolean value) {
        started = value;
        failures = 0;
    }

    /** Whether {@code probe}'s period has passed since the last liveness or startup probe; if so, it is now. */
    boolean dueForProbe(Probe probe) {
        long period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        Instant now = Instant.now();
        if (lastProbe.plusSeconds(period).isAfter(now)) {
            return false;
        }
        lastProbe = now;
        return true;
    }

    /** Counts a failed probe; returns the failures in a row. */
    int probeFailed() {
        return ++failures;
    }

    void probePassed() {
        failures = 0;
    }

    Probe startup() {
        return startup;
    }

    Probe readiness() {
        return readiness;
    }

    Probe liveness() {
        return liveness;
    }

    Instant startedAt() {
        return startedAt;
    }

    String templateHash() {
        return templateHash;
    }

    /** Whether the pod's process runs. */
    public boolean alive() {
        if (process != null) {
            return process.isAlive();
        }
        return "true"
                .equals(Podman.run(List.of("inspect", "--format", "{{.State.Running}}", container), 60)
                        .output()
                        .trim());
    }

    String exitDescription() {
        if (process != null) {
            return process.isAlive() ? "running" : "exit " + process.exitValue();
        }
        return Podman.run(List.of("inspect", "--format", "exit {{.State.ExitCode}}", container), 60)
                .output()
                .trim();
    }

    /** What the pod printed. */
    public String log() {
        if (container != null) {
            return Podman.run(List.of("logs", container), 60).output();
        }
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, as a node failure or the OOM killer would; the kubelet starts the pod again. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        } else {
            Podman.run(List.of("kill", "-s", "KILL", container), 60);
        }
    }

    void stop(Duration grace) {
        if (process != null) {
            process.destroy();
            if (!waitFor(grace)) {
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(30));
            }
        } else {
            Podman.run(
                    List.of("stop", "-t", Long.toString(grace.toSeconds()), container), (int) grace.toSeconds() + 60);
            Podman.remove(container);
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
