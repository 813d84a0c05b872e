package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Helm binary the tests run, found as {@code .ci/install-helm} puts it: {@code $HELM}, then
 * {@code ~/.cache/dynamo-sync/helm/helm}, then the PATH. Without one a test is skipped, saying why, unless
 * {@code CI} is set: there a missing Helm fails the build.
 */
final class Helm {

    /** The chart under test. */
    static final Path CHART = Path.of(System.getProperty("chart.dir", "dynamo-sync"))
            .toAbsolutePath()
            .normalize();
    /** The namespace the tests install into. */
    static final String NAMESPACE = "dynamo-sync-system";
    /** The release name the tests install as. */
    static final String RELEASE = "dynamo-sync";
    /**
     * The registry every render sets, as a user must (the chart refuses to render without one); a test of the
     * refusal sets {@code image.registry=} after it.
     */
    static final String REGISTRY = "registry.test:5000";

    /** What one run of helm did. */
    record Result(int exitCode, String out, String err) {}

    private Helm() {}

    /** The binary, or the test is skipped (or failed, on CI). */
    static Path binary() {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String why = "no helm binary: set HELM, or run .ci/install-helm (installs ~/.cache/dynamo-sync/helm/helm)";
            if (System.getenv("CI") != null) {
                fail(why + "; CI is set, so the chart's tests may not be skipped");
            }
            assumeTrue(false, why);
        }
        return found.get();
    }

    private static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("HELM"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("user.home"), ".cache", "dynamo-sync", "helm", "helm"));
        Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> Stream.of(p.split(java.io.File.pathSeparator)))
                .filter(s -> !s.isBlank())
                .map(dir -> Path.of(dir, "helm"))
                .forEach(candidates::add);
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs helm with {@code args}. */
    static Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("helm did not finish in 2 minutes: " + command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code helm template} of the chart with {@code --set}-style {@code values}; fails the test if helm does. */
    static Rendered template(String... values) {
        return template(CHART, values);
    }

    /** {@code helm template} of the chart in {@code chart}; fails the test if helm does. */
    static Rendered template(Path chart, String... values) {
        Result result = run(templateArgs(chart, values));
        if (result.exitCode() != 0) {
            fail("helm template " + String.join(" ", values) + " failed:\n" + result.err());
        }
        return Rendered.parse(result.out());
    }

    /** The arguments of {@code helm template} with {@code values}: {@code key=value} or a flag, {@code --name=value}. */
    static List<String> templateArgs(String... values) {
        return templateArgs(CHART, values);
    }

    private static List<String> templateArgs(Path chart, String... values) {
        List<String> args = bareTemplateArgs(values);
        args.addAll(5, List.of("--set", "image.registry=" + REGISTRY));
        args.set(2, chart.toString());
        return args;
    }

    /**
     * The arguments of {@code helm template} with {@code values} and no registry of the tests' own: for values
     * files, which any {@code --set} would override.
     */
    static List<String> bareTemplateArgs(String... values) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, CHART.toString(), "--namespace", NAMESPACE));
        for (String value : values) {
            if (value.startsWith("--")) {
                args.add(value);
            } else {
                args.add("--set");
                args.add(value);
            }
        }
        return args;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
