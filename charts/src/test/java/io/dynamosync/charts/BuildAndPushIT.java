package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code images/build-and-push REGISTRY} pushes exactly the images the chart pulls with
 * {@code --set image.registry=REGISTRY}: run on a copy of the repository's layout with a stand-in container engine
 * that records what it is asked, so no registry is needed.
 */
class BuildAndPushIT {

    private static final Path REPOSITORY = Helm.CHART.resolve("../..").normalize();

    @TempDir
    Path tree;

    @Test
    void pushesTheImagesTheChartPullsWithThatRegistry() throws Exception {
        Path calls = layout();
        Result run = run("registry.test:5000/team");
        assertThat(run.exit).as(run.output).isZero();

        Rendered chart = Helm.template("image.registry=registry.test:5000/team", "front.enabled=true");
        Deployment operator = RenderedChartIT.operator(chart);
        String operatorImage = operator.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        String workerImage = RenderedChartIT.settings(operator).workerImage();
        String frontImage = RenderedChartIT.front(chart)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
        assertThat(Files.readAllLines(calls))
                .containsExactly(
                        "build -f " + tree.resolve("worker/Containerfile") + " --build-arg VERSION=" + version()
                                + " -t " + workerImage + " " + tree.resolve("worker/target/dist"),
                        "build -f " + tree.resolve("operator/Containerfile") + " --build-arg VERSION=" + version()
                                + " -t " + operatorImage + " " + tree.resolve("operator/target/dist"),
                        "build -f " + tree.resolve("front/Containerfile") + " --build-arg VERSION=" + version() + " -t "
                                + frontImage + " " + tree.resolve("front/target/dist"),
                        "push " + workerImage,
                        "push " + operatorImage,
                        "push " + frontImage);
        assertThat(run.output).contains("--set image.registry=registry.test:5000/team");
    }

    @Test
    void anotherVersionIsTaggedSoAndTheInstallCommandSetsIt() throws Exception {
        Path calls = layout();
        Result run = run("registry.test", "0.2.0");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(Files.readAllLines(calls))
                .contains(
                        "push registry.test/dynamo-sync/worker:0.2.0",
                        "push registry.test/dynamo-sync/operator:0.2.0",
                        "push registry.test/dynamo-sync/front:0.2.0");
        assertThat(run.output)
                .contains("--set image.tag=0.2.0 --set worker.image.tag=0.2.0 --set front.image.tag=0.2.0");
    }

    @Test
    void noRegistryOrABadOneOrNoBuildIsRefusedSayingWhy() throws Exception {
        Path calls = layout();
        assertThat(run().output).contains("usage: images/build-and-push REGISTRY [VERSION]");
        Result bad = run("<your-registry>");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.output).contains("'<your-registry>' is not a registry");
        assertThat(run("registry.test", "latest").output).contains("refuses the tag latest");
        Files.delete(tree.resolve("operator/target/dist/bin/operator"));
        Result unbuilt = run("registry.test");
        assertThat(unbuilt.exit).isNotZero();
        assertThat(unbuilt.output).contains("operator/target/dist/bin/operator is missing: run ./mvnw -q package");
        assertThat(Files.readAllLines(calls)).noneMatch(l -> l.startsWith("push"));
    }

    private record Result(int exit, String output) {}

    /** The script, the chart's Chart.yaml and built applications in {@link #tree}; returns the engine's log. */
    private Path layout() throws IOException {
        Files.createDirectories(tree.resolve("images"));
        Files.copy(REPOSITORY.resolve("images/build-and-push"), tree.resolve("images/build-and-push"));
        Files.createDirectories(tree.resolve("charts/dynamo-sync"));
        Files.copy(Helm.CHART.resolve("Chart.yaml"), tree.resolve("charts/dynamo-sync/Chart.yaml"));
        for (String app : List.of("worker", "operator", "front")) {
            Files.createDirectories(tree.resolve(app + "/target/dist/bin"));
            Files.copy(REPOSITORY.resolve(app + "/Containerfile"), tree.resolve(app + "/Containerfile"));
            executable(tree.resolve(app + "/target/dist/bin/" + app), "#!/bin/sh\n");
        }
        Path calls = tree.resolve("engine-calls.txt");
        Files.writeString(calls, "");
        executable(tree.resolve("engine"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        return calls;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(
                List.of(tree.resolve("images/build-and-push").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINER_ENGINE", tree.resolve("engine").toString());
        builder.environment().put("SKIP_BUILD", "1");
        builder.environment().remove("BASE_IMAGE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static String version() throws IOException {
        return Files.readAllLines(Helm.CHART.resolve("Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:"))
                .map(l -> l.substring("appVersion:".length()).strip().replace("\"", ""))
                .findFirst()
                .orElseThrow();
    }
}
