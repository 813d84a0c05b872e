package io.dynamosync.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.Status;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The health checks are only as good as their inputs: each testdata file must be a resource the operator could
 * have written, in the API's own model, with the condition types and reasons the API defines.
 */
class TestdataTest {

    // Jackson fails on unknown properties by default: a field the model lacks is a typo in the testdata.
    private static final ObjectMapper STRICT = new ObjectMapper();

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            HasMetadata.getKind(DynamoCollection.class), DynamoCollection.class,
            HasMetadata.getKind(DynamoIntegration.class), DynamoIntegration.class);

    static List<Path> testdataFiles() {
        return GitopsFiles.testdataFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testdataFiles")
    void isAResourceOfTheApiWithTheOperatorsConditions(Path file) throws Exception {
        String text = GitopsFiles.read(file);
        assertThat(text)
                .as("%s starts with a comment saying what it shows", file.getFileName())
                .startsWith("# ");
        JsonNode document = GitopsFiles.document(file);
        Class<? extends HasMetadata> kind = KINDS.get(document.path("kind").asText());
        assertThat(kind).as("kind of %s", file).isNotNull();
        assertThat(file.getParent().getParent().getFileName().toString()).isEqualTo(HasMetadata.getKind(kind));
        assertThat(document.path("apiVersion").asText()).isEqualTo(HasMetadata.getApiVersion(kind));

        HasMetadata resource = STRICT.treeToValue(document, kind);
        Status status =
                resource instanceof DynamoCollection c ? c.getStatus() : ((DynamoIntegration) resource).getStatus();
        if (status == null) {
            return;
        }
        for (Condition condition : status.getConditions()) {
            String what = file.getFileName() + " condition " + condition.getType();
            assertThat(constants(Conditions.Type.class)).as(what).contains(condition.getType());
            assertThat(constants(Conditions.Reason.class))
                    .as("reason of " + what)
                    .contains(condition.getReason());
            assertThat(condition.getMessage()).as("message of " + what).isNotBlank();
            // StatusDraft stamps every condition it sets with the generation the status describes.
            assertThat(condition.getObservedGeneration())
                    .as("observedGeneration of " + what)
                    .isEqualTo(status.getObservedGeneration());
            if (Set.of(Conditions.Type.RECONCILING, Conditions.Type.STALLED).contains(condition.getType())) {
                assertThat(condition.getStatus())
                        .as("kstatus: %s is present only while True", what)
                        .isEqualTo(Conditions.TRUE);
            }
        }
        assertThat(status.hasTrueCondition(Conditions.Type.RECONCILING)
                        && status.hasTrueCondition(Conditions.Type.STALLED))
                .as("%s: the operator never reports Reconciling and Stalled at once", file.getFileName())
                .isFalse();
    }

    @Test
    void everyErrorReasonTheScriptsNameIsAReasonOfTheApi() {
        Pattern entry = Pattern.compile("(\\w+) = true");
        for (Path dir : GitopsFiles.kindDirs()) {
            String lua = GitopsFiles.read(dir.resolve("health.lua"));
            String table = lua.substring(
                    lua.indexOf("local errorReasons = {"), lua.indexOf("}", lua.indexOf("local errorReasons = {")));
            Matcher m = entry.matcher(table);
            int found = 0;
            while (m.find()) {
                found++;
                assertThat(constants(Conditions.Reason.class))
                        .as("error reason in %s", dir.getFileName())
                        .contains(m.group(1));
            }
            assertThat(found).as("error reasons in %s", dir.getFileName()).isPositive();
        }
    }

    /** The values of a constants class's public static String fields. */
    static Set<String> constants(Class<?> holder) {
        return Arrays.stream(holder.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(TestdataTest::value)
                .collect(Collectors.toSet());
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
