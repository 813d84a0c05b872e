package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.gitops.LuaHealthCheck.Health;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of every health_test.yaml, run through its health.lua by a real Lua interpreter, as Argo CD's own
 * resource-customization tests run them: the health status and message a user sees in Argo CD are asserted.
 */
class HealthLuaTest {

    /** The health statuses Argo CD knows. */
    private static final Set<String> ARGO_STATUSES =
            Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Path dir : GitopsFiles.kindDirs()) {
            for (JsonNode test :
                    GitopsFiles.document(dir.resolve("health_test.yaml")).path("tests")) {
                String kind = GitopsFiles.customizationsDir().relativize(dir).toString();
                cases.add(Arguments.of(kind + " " + test.path("inputPath").asText(), dir, test));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void healthScriptGivesTheExpectedStatusAndMessage(String name, Path dir, JsonNode test) {
        Path input = dir.resolve(test.path("inputPath").asText());
        assertThat(input).as("inputPath of %s", name).isRegularFile();
        String expectedStatus = test.path("healthStatus").path("status").asText();
        assertThat(ARGO_STATUSES).as("expected status of %s", name).contains(expectedStatus);

        Health health = script(dir).evaluate(GitopsFiles.document(input));

        assertThat(health.status()).as("status of %s", name).isEqualTo(expectedStatus);
        assertThat(health.message())
                .as("message of %s", name)
                .isEqualTo(test.path("healthStatus").path("message").asText(""));
    }

    @Test
    void bothKindsHaveAHealthCheckWithTests() {
        assertThat(GitopsFiles.kindDirs())
                .extracting(d -> GitopsFiles.customizationsDir().relativize(d).toString())
                .containsExactly("dynamosync.io/DynamoCollection", "dynamosync.io/DynamoIntegration");
        for (Path dir : GitopsFiles.kindDirs()) {
            assertThat(dir.resolve("health_test.yaml")).isRegularFile();
        }
    }

    @Test
    void everyTestdataFileIsATestCaseAndEveryKindCoversEachHealth() {
        for (Path dir : GitopsFiles.kindDirs()) {
            JsonNode tests =
                    GitopsFiles.document(dir.resolve("health_test.yaml")).path("tests");
            List<String> inputs = new ArrayList<>();
            Set<String> statuses = new java.util.HashSet<>();
            tests.forEach(t -> {
                inputs.add(t.path("inputPath").asText());
                statuses.add(t.path("healthStatus").path("status").asText());
            });
            List<String> files = GitopsFiles.list(dir.resolve("testdata"))
                    .map(p -> "testdata/" + p.getFileName())
                    .toList();
            assertThat(inputs).as("cases of %s", dir.getFileName()).containsExactlyInAnyOrderElementsOf(files);
            assertThat(statuses)
                    .as("health statuses covered for %s", dir.getFileName())
                    .contains("Healthy", "Progressing", "Degraded");
        }
    }

    @Test
    void aScriptThatBreaksFailsTheCase() throws Exception {
        // The harness itself must be able to fail: a script erroring on a nil field is an error, not a pass.
        LuaHealthCheck broken = new LuaHealthCheck("return { status = obj.status.phase .. '' }", "broken.lua");
        JsonNode noStatus = GitopsFiles.document(GitopsFiles.customizationsDir()
                .resolve("dynamosync.io/DynamoCollection/testdata/progressing_noStatus.yaml"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.evaluate(noStatus))
                .isInstanceOf(org.luaj.vm2.LuaError.class);
    }

    static LuaHealthCheck script(Path dir) {
        Path file = dir.resolve("health.lua");
        assertThat(Files.isRegularFile(file)).as("%s exists", file).isTrue();
        return new LuaHealthCheck(GitopsFiles.read(file), dir.getFileName() + "/health.lua");
    }
}
