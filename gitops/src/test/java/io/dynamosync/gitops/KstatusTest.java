package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.gitops.Kstatus.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flux waits on resources with kstatus, with no plugin for our kinds. These cases hold that kstatus, reading the
 * statuses the operator writes (the Argo CD testdata), reaches the verdict Argo CD's health check reaches: Current
 * exactly when Healthy, Failed when Degraded, InProgress (or Terminating) while Progressing, save the exceptions
 * named below.
 */
class KstatusTest {

    /**
     * Where kstatus and the Argo CD check part, and why.
     *
     * <ul>
     * <li>No status yet: kstatus has nothing to go on and calls it Current; Argo CD waits for the operator.
     * <li>An error reason without Stalled: kstatus reads only Ready False, so InProgress. The operator always pairs
     *     an error reason with Stalled so that kstatus says Failed; these files show why that matters.
     * </ul>
     */
    private static final Map<String, Verdict> EXCEPTIONS = Map.of(
            "DynamoCollection/testdata/progressing_noStatus.yaml", Verdict.CURRENT,
            "DynamoIntegration/testdata/progressing_noStatus.yaml", Verdict.CURRENT,
            "DynamoCollection/testdata/degraded_errorPhaseWithoutStalled.yaml", Verdict.IN_PROGRESS,
            "DynamoIntegration/testdata/degraded_invalidCredentialsWithoutStalled.yaml", Verdict.IN_PROGRESS);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Path dir : GitopsFiles.kindDirs()) {
            for (JsonNode test : GitopsFiles.document(dir.resolve("health_test.yaml")).path("tests")) {
                String input = test.path("inputPath").asText();
                cases.add(Arguments.of(dir.getFileName() + "/" + input, dir.resolve(input),
                        test.path("healthStatus").path("status").asText()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kstatusReachesTheVerdictArgoCdReaches(String name, Path file, String argoHealth) {
        JsonNode resource = GitopsFiles.document(file);
        Verdict expected = EXCEPTIONS.getOrDefault(name, switch (argoHealth) {
            case "Healthy" -> Verdict.CURRENT;
            case "Degraded" -> Verdict.FAILED;
            case "Progressing" -> resource.path("metadata").has("deletionTimestamp")
                    ? Verdict.TERMINATING : Verdict.IN_PROGRESS;
            default -> throw new IllegalArgumentException("no kstatus counterpart for " + argoHealth);
        });

        assertThat(Kstatus.compute(resource).verdict()).as(name).isEqualTo(expected);
    }

    @Test
    void everyExceptionIsACaseStill() {
        List<String> names = cases().map(a -> (String) a.get()[0]).toList();
        assertThat(names).containsAll(EXCEPTIONS.keySet());
    }

    @Test
    void currentNeedsReadyTrueForTheObservedGeneration() {
        assertThat(Kstatus.compute(resource(2, 2, "Ready", "True")).verdict()).isEqualTo(Verdict.CURRENT);
        Kstatus.Result stale = Kstatus.compute(resource(3, 2, "Ready", "True"));
        assertThat(stale.verdict()).isEqualTo(Verdict.IN_PROGRESS);
        assertThat(stale.message()).isEqualTo("DynamoCollection generation is 3, but latest observed generation is 2");
        assertThat(Kstatus.compute(resource(2, 2, "Ready", "False")).verdict()).isEqualTo(Verdict.IN_PROGRESS);
    }

    @Test
    void reconcilingAndStalledCountOnlyWhileTrue() {
        assertThat(Kstatus.compute(resource(1, 1, "Reconciling", "True")).verdict()).isEqualTo(Verdict.IN_PROGRESS);
        assertThat(Kstatus.compute(resource(1, 1, "Stalled", "True")).verdict()).isEqualTo(Verdict.FAILED);
        // A False one is read as absent: with nothing else to go on, kstatus calls the resource Current. This is why
        // the operator removes them instead of setting them False.
        assertThat(Kstatus.compute(resource(1, 1, "Stalled", "False")).verdict()).isEqualTo(Verdict.CURRENT);
        assertThat(Kstatus.compute(resource(1, 1, "Reconciling", "False")).verdict()).isEqualTo(Verdict.CURRENT);
    }

    private static JsonNode resource(long generation, long observed, String type, String status) {
        try {
            return GitopsFiles.YAML.readTree("""
                    apiVersion: dynamosync.io/v1alpha1
                    kind: DynamoCollection
                    metadata: {name: orders, generation: %d}
                    status:
                      observedGeneration: %d
                      conditions:
                      - {type: %s, status: "%s", reason: Test, message: test}
                    """.formatted(generation, observed, type, status));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
