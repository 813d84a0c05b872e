package io.dynamosync.testkit.podman;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's podman as these machines run it: with {@code runc} (crun fails on this kernel's cgroup layout) and
 * explicit file and process limits on every build and run. No image registry is reachable here, so a Java base
 * image is made from Debian's packages ({@link #ensureDebianJreBase}).
 */
public final class Podman {

    private static final Logger LOG = LoggerFactory.getLogger(Podman.class);
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");
    /** The base image tests build the project's images on: Debian bookworm's OpenJDK 17 runtime. */
    public static final String DEBIAN_JRE_BASE = "localhost/dynamo-sync-test-base:bookworm-jre17";

    private Podman() {}

    /** Whether podman and runc are installed, so that images can be built and run here. */
    public static boolean available() {
        return onPath("podman") && (onPath("runc") || Files.isExecutable(Path.of("/usr/sbin/runc")));
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin";
        return Stream.of(path.split(":")).anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    /**
     * Makes {@link #DEBIAN_JRE_BASE} unless it exists: {@code debootstrap --variant=minbase} of bookworm with
     * {@code openjdk-17-jre-headless} (about a minute), apt's caches dropped, imported with {@code podman import}.
     */
    public static synchronized String ensureDebianJreBase() {
        if (run(List.of("image", "exists", DEBIAN_JRE_BASE), 60).exitCode() == 0) {
            return DEBIAN_JRE_BASE;
        }
        Path root = null;
        try {
            root = Files.createTempDirectory("dynamo-sync-rootfs");
            LOG.info("making the base image {} with debootstrap in {}", DEBIAN_JRE_BASE, root);
            Result bootstrap = exec(
                    List.of(
                            "debootstrap",
                            "--variant=minbase",
                            "--include=openjdk-17-jre-headless",
                            "bookworm",
                            root.toString()),
                    900);
            bootstrap.orThrow("debootstrap");
            for (String cache :
                    List.of("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man")) {
                deleteContents(root.resolve(cache));
            }
            Result imported = exec(
                    List.of(
                            "sh",
                            "-c",
                            "tar -C \"$0\" -c . | podman import --change 'ENV PATH="
                                    + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - \"$1\"",
                            root.toString(),
                            DEBIAN_JRE_BASE),
                    600);
            imported.orThrow("podman import");
            return DEBIAN_JRE_BASE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (root != null) {
                deleteTree(root);
            }
        }
    }

    /** Builds {@code containerfile} in {@code context} as {@code tag}, with {@code --build-arg}s "NAME=value". */
    public static void build(Path containerfile, Path context, String tag, List<String> buildArgs) {
        List<String> args = new ArrayList<>(List.of("--runtime", "runc", "build"));
        args.addAll(LIMITS);
        args.addAll(List.of("-f", containerfile.toString(), "-t", tag));
        for (String buildArg : buildArgs) {
            args.addAll(List.of("--build-arg", buildArg));
        }
        args.add(context.toString());
        exec(prepend("podman", args), 600).orThrow("podman build " + tag);
    }

    /** Starts a detached container: {@code options} go before the image, {@code args} after it. */
    public static String runDetached(List<String> options, String image, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--runtime", "runc", "run", "-d"));
        all.addAll(LIMITS);
        all.addAll(options);
        all.add(image);
        all.addAll(args);
        return exec(prepend("podman", all), 120)
                .orThrow("podman run " + image)
                .output()
                .trim();
    }

    /** Runs {@code podman ARGS} and returns what it printed, stdout and stderr together. */
    public static Result run(List<String> args, int timeoutSeconds) {
        List<String> all = new ArrayList<>(List.of("--runtime", "runc"));
        all.addAll(args);
        return exec(prepend("podman", all), timeoutSeconds);
    }

    /** The size in bytes of an image, as {@code podman image inspect} reports it. */
    public static long imageSize(String image) {
        return Long.parseLong(run(List.of("image", "inspect", "--format", "{{.Size}}", image), 60)
                .orThrow("podman image inspect")
                .output()
                .trim());
    }

    /** Removes a container, running or not; quiet when it is already gone. */
    public static void remove(String container) {
        run(List.of("rm", "-f", "-t", "0", container), 120);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static Result exec(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("podman", ".out");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " took over " + timeoutSeconds + " s");
                }
                return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    private static void deleteContents(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            children.forEach(Podman::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /**
     * What a command printed and how it ended.
     *
     * @param command the command line
     * @param exitCode its exit status
     * @param output stdout and stderr, interleaved
     */
    public record Result(List<String> command, int exitCode, String output) {

        /** This result, or an exception quoting the output when the command failed. */
        public Result orThrow(String what) {
            if (exitCode != 0) {
                String tail = output.length() > 4000 ? output.substring(output.length() - 4000) : output;
                throw new IllegalStateException(what + " failed (exit " + exitCode + "):\n" + tail);
            }
            return this;
        }
    }
}
