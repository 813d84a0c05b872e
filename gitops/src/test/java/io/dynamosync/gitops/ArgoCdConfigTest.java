package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD files users copy: the argocd-cm snippet must carry exactly the tested health.lua files, and the
 * Application must point at the chart and the examples of this repository.
 */
class ArgoCdConfigTest {

    private static final String HEADER = """
            # The dynamo-sync health checks for Argo CD's argocd-cm ConfigMap, one key per kind. Generated from
            # resource_customizations/dynamosync.io/*/health.lua, where they are tested; do not edit by hand:
            # ./mvnw -pl gitops -am verify -Dtest=ArgoCdConfigTest -Dsurefire.failIfNoSpecifiedTests=false -Dgitops.update
            # rewrites this file. Apply with (docs/gitops.md shows the other ways):
            #   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file gitops/argocd/argocd-cm-health.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: argocd-cm
            data:
            """;

    @Test
    void argocdCmSnippetEmbedsTheTestedHealthScripts() throws IOException {
        Path snippet = GitopsFiles.gitopsDir().resolve("argocd/argocd-cm-health.yaml");
        String expected = snippet();
        if (Boolean.getBoolean("gitops.update")) {
            Files.writeString(snippet, expected, StandardCharsets.UTF_8);
        }
        assertThat(snippet)
                .as("%s; run with -Dgitops.update to regenerate it", snippet)
                .isRegularFile();
        assertThat(GitopsFiles.read(snippet))
                .as(
                        "%s is generated from the health.lua files; run with " + "-Dgitops.update to regenerate it",
                        snippet)
                .isEqualTo(expected);

        // And as YAML, each key's value is the script byte for byte, as Argo CD will read it.
        JsonNode data = GitopsFiles.document(snippet).path("data");
        List<String> keys = new ArrayList<>();
        data.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .containsExactly(
                        "resource.customizations.health.dynamosync.io_DynamoCollection",
                        "resource.customizations.health.dynamosync.io_DynamoIntegration");
        for (Path dir : GitopsFiles.kindDirs()) {
            assertThat(data.path(key(dir)).asText())
                    .as(key(dir))
                    .isEqualTo(GitopsFiles.read(dir.resolve("health.lua")));
        }
    }

    @Test
    void applicationInstallsTheChartThenTheExamples() {
        JsonNode app = GitopsFiles.document(GitopsFiles.gitopsDir().resolve("argocd/application.yaml"));
        assertThat(app.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(app.path("kind").asText()).isEqualTo("Application");
        List<String> paths = new ArrayList<>();
        app.path("spec").path("sources").forEach(s -> paths.add(s.path("path").asText()));
        assertThat(paths).containsExactly("charts/dynamo-sync", "examples");
        assertThat(GitopsFiles.repositoryDir().resolve("examples")).isDirectory();
    }

    @Test
    void applicationsChartIsInTheRepository() {
        Path chart = GitopsFiles.repositoryDir().resolve("charts/dynamo-sync/Chart.yaml");
        assertThat(chart).as("the chart the Application installs").isRegularFile();
        assertThat(GitopsFiles.document(chart).path("name").asText()).isEqualTo("dynamo-sync");
    }

    private static String snippet() {
        return HEADER
                + GitopsFiles.kindDirs().stream()
                        .map(dir -> "  " + key(dir) + ": |\n" + indent(GitopsFiles.read(dir.resolve("health.lua"))))
                        .collect(Collectors.joining());
    }

    /** argocd-cm's key for a kind's health check: {@code resource.customizations.health.<group>_<Kind>}. */
    private static String key(Path kindDir) {
        return "resource.customizations.health." + kindDir.getParent().getFileName() + "_" + kindDir.getFileName();
    }

    private static String indent(String text) {
        return text.lines()
                .map(line -> line.isEmpty() ? "" : "    " + line)
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
