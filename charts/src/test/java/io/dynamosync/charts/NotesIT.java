package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NOTES.txt, what {@code helm install} prints, tells a user what to do next with the names this release gave.
 * {@code helm template} does not render NOTES.txt and {@code helm install --dry-run} needs a cluster, so a copy
 * of the chart renders it into a ConfigMap through {@code tpl}.
 */
class NotesIT {

    @TempDir
    Path copy;

    @Test
    void notesNameTheOperatorAndSayHowToWaitForAndReachACollection() throws IOException {
        String notes = notes();
        String deployment = Helm.template().one(Deployment.class).getMetadata().getName();
        assertThat(notes)
                .contains(
                        "kubectl -n " + Helm.NAMESPACE + " rollout status deployment/" + deployment,
                        "kubectl -n NS apply -f collection.yaml",
                        "kubectl -n NS wait --for=condition=Ready ddbc/NAME",
                        "kubectl -n NS port-forward service/NAME-worker 8080:8080",
                        "dynamosync.io/query-access=true",
                        "worker.namespaces")
                .doesNotContain("<no value>");
    }

    @Test
    void withWatchedNamespacesTheNotesNameThem() throws IOException {
        assertThat(notes("watchNamespaces={team-a,team-b}", "networkPolicy.enabled=false"))
                .contains("in: team-a, team-b.")
                .doesNotContain("query-access", "worker.namespaces", "<no value>");
    }

    private String notes(String... values) throws IOException {
        copyChart();
        Files.copy(copy.resolve("templates/NOTES.txt"), copy.resolve("notes.txt"));
        Files.writeString(copy.resolve("templates/notes-check.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: notes
                data:
                  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}
                """);
        String[] args = Stream.concat(Stream.of(values), Stream.of("--show-only=templates/notes-check.yaml"))
                .toArray(String[]::new);
        return Helm.template(copy, args).one(ConfigMap.class).getData().get("notes");
    }

    private void copyChart() throws IOException {
        try (Stream<Path> files = Files.walk(Helm.CHART)) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(Helm.CHART.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (!Files.exists(to)) {
                    Files.copy(from, to);
                }
            }
        }
    }
}
