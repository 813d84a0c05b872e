package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.gitops.Kstatus.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * statuses the operator writes (the Argo CD testdata), reaches the verdict the Argo CD health check reaches:
 * Current exactly when Healthy, Failed when Degraded, InProgress (or Terminating) while Progressing, save the
 * exceptions named below, which docs/gitops.md explains to users.
 */
class KstatusTest {

    private static final String NO_STATUS_C = "DynamoCollection/testdata/progressing_noStatus.yaml";
    private static final String NO_STATUS_I = "DynamoIntegration/testdata/progressing_noStatus.yaml";
    private static final String SUSPENDED = "DynamoCollection/testdata/progressing_suspended.yaml";
    private static final String SUSPENDED_LONG = "DynamoCollection/testdata/progressing_suspensionNearsRetention.yaml";
    private static final String ERROR_NO_STALLED_C = "DynamoCollection/testdata/degraded_errorPhaseWithoutStalled.yaml";
    private static final String ERROR_NO_STALLED_I =
            "DynamoIntegration/testdata/degraded_invalidCredentialsWithoutStalled.yaml";

    /**
     * Where kstatus's generic rules part from the Argo CD check.
     *
     * <ul>
     * <li>No status yet: kstatus has nothing to go on and calls it Current; Argo CD waits for the operator.
     * <li>Suspended: neither Reconciling nor Stalled, so Current. The operator did what the spec asks.
     * <li>An error reason without Stalled: kstatus reads only Stalled as failure, so Current. The operator always
     *     pairs an error reason with Stalled; these files show why that matters.
     * </ul>
     */
    private static final Map<String, Verdict> GENERIC_EXCEPTIONS = Map.of(
            NO_STATUS_C,
            Verdict.CURRENT,
            NO_STATUS_I,
            Verdict.CURRENT,
            SUSPENDED,
            Verdict.CURRENT,
            SUSPENDED_LONG,
            Verdict.CURRENT,
            ERROR_NO_STALLED_C,
            Verdict.CURRENT,
            ERROR_NO_STALLED_I,
            Verdict.CURRENT);

    /** With the Ready rule, Ready False reads as InProgress: only the missing status still parts. */
    private static final Map<String, Verdict> READY_RULE_EXCEPTIONS = Map.of(
            NO_STATUS_C,
            Verdict.CURRENT,
            NO_STATUS_I,
            Verdict.CURRENT,
            ERROR_NO_STALLED_C,
            Verdict.IN_PROGRESS,
            ERROR_NO_STALLED_I,
            Verdict.IN_PROGRESS);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Path dir : GitopsFiles.kindDirs()) {
            for (JsonNode test :
                    GitopsFiles.document(dir.resolve("health_test.yaml")).path("tests")) {
                String input = test.path("inputPath").asText();
                cases.add(Arguments.of(
                        dir.getFileName() + "/" + input,
                        dir.resolve(input),
                        test.path("healthStatus").path("status").asText()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kstatusReachesTheVerdictArgoCdReaches(String name, Path file, String argoHealth) {
        JsonNode resource = GitopsFiles.document(file);
        Verdict argo = switch (argoHealth) {
            case "Healthy" -> Verdict.CURRENT;
            case "Degraded" -> Verdict.FAILED;
            case "Progressing" ->
                resource.path("metadata").has("deletionTimestamp") ? Verdict.TERMINATING : Verdict.IN_PROGRESS;
            default -> throw new IllegalArgumentException("no kstatus counterpart for " + argoHealth);
        };

        assertThat(Kstatus.compute(resource, false).verdict())
                .as("%s, generic rules", name)
                .isEqualTo(GENERIC_EXCEPTIONS.getOrDefault(name, argo));
        assertThat(Kstatus.compute(resource, true).verdict())
                .as("%s, with the Ready rule", name)
                .isEqualTo(READY_RULE_EXCEPTIONS.getOrDefault(name, argo));
    }

    @Test
    void everyExceptionIsACaseStill() {
        List<String> names = cases().map(a -> (String) a.get()[0]).toList();
        assertThat(names).containsAll(GENERIC_EXCEPTIONS.keySet()).containsAll(READY_RULE_EXCEPTIONS.keySet());
    }

    @Test
    void staleStatusIsInProgressWhateverItSays() {
        for (boolean readsReady : new boolean[] {false, true}) {
            Kstatus.Result stale = Kstatus.compute(resource(3, 2, "Ready", "True"), readsReady);
            assertThat(stale.verdict()).isEqualTo(Verdict.IN_PROGRESS);
            assertThat(stale.message())
                    .isEqualTo("DynamoCollection generation is 3, but latest observed generation is 2");
            assertThat(Kstatus.compute(resource(3, 2, "Stalled", "True"), readsReady)
                            .verdict())
                    .isEqualTo(Verdict.IN_PROGRESS);
        }
    }

    @Test
    void reconcilingAndStalledCountOnlyWhileTrue() {
        for (boolean readsReady : new boolean[] {false, true}) {
            assertThat(Kstatus.compute(resource(1, 1, "Reconciling", "True"), readsReady)
                            .verdict())
                    .isEqualTo(Verdict.IN_PROGRESS);
            assertThat(Kstatus.compute(resource(1, 1, "Stalled", "True"), readsReady)
                            .verdict())
                    .isEqualTo(Verdict.FAILED);
            // "Abnormal-true": a False one reads as none, which is why the kstatus convention leaves them out.
            assertThat(Kstatus.compute(resource(1, 1, "Stalled", "False"), readsReady)
                            .verdict())
                    .isEqualTo(Verdict.CURRENT);
            assertThat(Kstatus.compute(resource(1, 1, "Reconciling", "False"), readsReady)
                            .verdict())
                    .isEqualTo(Verdict.CURRENT);
        }
    }

    @Test
    void readyDecidesOnlyUnderTheReadyRule() {
        assertThat(Kstatus.compute(resource(2, 2, "Ready", "True"), true).verdict())
                .isEqualTo(Verdict.CURRENT);
        assertThat(Kstatus.compute(resource(2, 2, "Ready", "False"), true).verdict())
                .isEqualTo(Verdict.IN_PROGRESS);
        assertThat(Kstatus.compute(resource(2, 2, "Ready", "False"), false).verdict())
                .isEqualTo(Verdict.CURRENT);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
