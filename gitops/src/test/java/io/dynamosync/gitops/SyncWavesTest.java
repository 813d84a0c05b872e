package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Argo CD applies a wave and waits for it to be healthy before the next: the chart (CRDs, operator) in wave 0,
 * then what the examples' annotations say. Integrations must land before the collections that refer to them, and
 * a Secret no later than what reads it.
 */
class SyncWavesTest {

    private static final String WAVE = "argocd.argoproj.io/sync-wave";

    private record Manifest(String file, String kind, String name, int wave) {}

    @Test
    void integrationsLandBeforeCollectionsAndAfterTheChart() {
        List<Manifest> manifests = examples();
        assertThat(manifests).extracting(Manifest::kind).contains("Secret", "DynamoIntegration", "DynamoCollection");
        int lastIntegration = maxWave(manifests, "DynamoIntegration");
        int lastSecret = maxWave(manifests, "Secret");
        for (Manifest m : manifests) {
            assertThat(m.wave())
                    .as("%s %s in %s comes after the chart's wave 0", m.kind(), m.name(), m.file())
                    .isPositive();
            if (m.kind().equals("DynamoCollection")) {
                assertThat(m.wave())
                        .as("collection %s after every integration", m.name())
                        .isGreaterThan(lastIntegration);
                assertThat(m.wave())
                        .as("collection %s no earlier than the Secrets", m.name())
                        .isGreaterThanOrEqualTo(lastSecret);
            }
            if (m.kind().equals("DynamoIntegration")) {
                assertThat(m.wave())
                        .as("integration %s no earlier than the Secrets", m.name())
                        .isGreaterThanOrEqualTo(lastSecret);
            }
        }
    }

    private static int maxWave(List<Manifest> manifests, String kind) {
        return manifests.stream()
                .filter(m -> m.kind().equals(kind))
                .mapToInt(Manifest::wave)
                .max()
                .orElseThrow();
    }

    private static List<Manifest> examples() {
        List<Manifest> manifests = new ArrayList<>();
        for (Path file : GitopsFiles.list(GitopsFiles.repositoryDir().resolve("examples"))
                .toList()) {
            for (JsonNode document : GitopsFiles.documents(file)) {
                String what = document.path("kind").asText() + " in " + file.getFileName();
                JsonNode wave = document.path("metadata").path("annotations").path(WAVE);
                // Annotation values are strings; an unquoted number is refused by the API server.
                assertThat(wave.isTextual())
                        .as("%s has a quoted %s annotation", what, WAVE)
                        .isTrue();
                manifests.add(new Manifest(
                        file.getFileName().toString(),
                        document.path("kind").asText(),
                        document.path("metadata").path("name").asText(),
                        Integer.parseInt(wave.asText())));
            }
        }
        return manifests;
    }
}
