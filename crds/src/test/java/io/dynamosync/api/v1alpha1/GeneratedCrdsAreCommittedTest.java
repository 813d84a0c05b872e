package io.dynamosync.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The CRDs users apply ({@code crds/generated/}) are exactly what the Java classes generate, so a change to a
 * class that is not regenerated and committed fails the build.
 */
class GeneratedCrdsAreCommittedTest {

    private static final String MISMATCH =
            "%s is not what %s generates. Regenerate it with `%s` and commit the result.";

    /** With -Dcrds.update, replaces the committed CRDs with what the classes generate, before any comparison. */
    @BeforeAll
    static void refreshCommittedCrdsWhenAsked() throws IOException {
        if (!GeneratedCrds.updateRequested()) {
            return;
        }
        Path dir = GeneratedCrds.committedDir();
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path stale :
                    files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
                Files.delete(stale);
            }
        }
        for (Class<? extends CustomResource<?, ?>> kind : GeneratedCrds.KINDS) {
            Path committed = dir.resolve(GeneratedCrds.fileName(kind));
            Files.writeString(committed, GeneratedCrds.expectedCommittedText(kind));
            System.out.println("Wrote " + committed + "; commit it.");
        }
    }

    @ParameterizedTest
    @FieldSource("io.dynamosync.api.v1alpha1.GeneratedCrds#KINDS")
    void committedCrdMatchesTheClasses(Class<? extends CustomResource<?, ?>> kind) {
        String expected = GeneratedCrds.expectedCommittedText(kind);
        Path committed = GeneratedCrds.committedDir().resolve(GeneratedCrds.fileName(kind));
        assertThat(committed)
                .as(MISMATCH, committed, kind.getSimpleName(), GeneratedCrds.REFRESH_COMMAND)
                .exists();
        assertThat(GeneratedCrds.read(committed))
                .as(MISMATCH, committed, kind.getSimpleName(), GeneratedCrds.REFRESH_COMMAND)
                .isEqualTo(expected);
    }

    @Test
    void noCommittedCrdIsLeftWithoutItsClass() throws IOException {
        List<String> expected = GeneratedCrds.KINDS.stream()
                .map(GeneratedCrds::fileName)
                .sorted()
                .toList();
        try (Stream<Path> files = Files.list(GeneratedCrds.committedDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .as("files in %s", GeneratedCrds.committedDir())
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void generatorWroteNoCrdForAKindThisTestDoesNotKnow() throws IOException {
        List<String> expected = GeneratedCrds.KINDS.stream()
                .map(GeneratedCrds::fileName)
                .sorted()
                .toList();
        try (Stream<Path> files = Files.list(GeneratedCrds.buildDir())) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith("-v1.yml"))
                            .sorted())
                    .as("CRDs the generator wrote; add a new kind to GeneratedCrds.KINDS")
                    .containsExactlyElementsOf(expected);
        }
    }
}
