package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart values of the Argo CD Application (gitops/argocd/application.yaml) and of the Flux HelmRelease in
 * docs/gitops.md: as shipped, their registry placeholder is refused with a message saying what to set, never
 * rendered into an image no one can pull; with a registry in its place, the chart renders with that registry.
 */
class GitopsValuesIT {

    private static final Path REPOSITORY = Helm.CHART.resolve("../..").normalize();
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"argocd", "flux"})
    void thePlaceholderRegistryIsRefusedUntilReplaced(String example) throws IOException {
        JsonNode values = values(example);
        assertThat(values.path("image").path("registry").asText()).isEqualTo("<your-registry>");

        Path file = dir.resolve("values.yaml");
        YAML.writeValue(file.toFile(), values);
        Helm.Result shipped = Helm.run(Helm.bareTemplateArgs("--values=" + file));
        assertThat(shipped.exitCode()).isNotZero();
        assertThat(shipped.err())
                .contains("image.registry \"<your-registry>\" is not a registry", "images/build-and-push REGISTRY");

        ((com.fasterxml.jackson.databind.node.ObjectNode) values.path("image")).put("registry", "registry.test");
        YAML.writeValue(file.toFile(), values);
        Helm.Result replaced = Helm.run(Helm.bareTemplateArgs("--values=" + file));
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        Deployment operator = Rendered.parse(replaced.out()).one(Deployment.class);
        assertThat(operator.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .startsWith("registry.test/dynamo-sync/operator:");
        assertThat(RenderedChartIT.settings(operator).workerImage()).startsWith("registry.test/dynamo-sync/worker:");
    }

    private static JsonNode values(String example) throws IOException {
        if (example.equals("argocd")) {
            JsonNode app = YAML.readTree(
                    REPOSITORY.resolve("gitops/argocd/application.yaml").toFile());
            for (JsonNode source : app.path("spec").path("sources")) {
                if (source.path("path").asText().equals("charts/dynamo-sync")) {
                    return source.path("helm").path("valuesObject");
                }
            }
            throw new AssertionError("the Application has no source for the chart");
        }
        String doc = Files.readString(REPOSITORY.resolve("docs/gitops.md"));
        Matcher block = Pattern.compile("(?s)```yaml\n(apiVersion: helm\\.toolkit\\.fluxcd\\.io.*?)(\n---\n|```)")
                .matcher(doc);
        assertThat(block.find()).as("docs/gitops.md holds a HelmRelease").isTrue();
        return YAML.readTree(block.group(1)).path("spec").path("values");
    }
}
