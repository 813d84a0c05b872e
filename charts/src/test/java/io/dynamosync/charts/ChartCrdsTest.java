package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart installs the CRDs exactly as {@code crds/generated/} holds them, byte for byte, so that a Helm user and
 * a {@code kubectl apply} user get the same API. {@code -Dcrds.update} copies them over first (after the crds
 * module has regenerated them in the same build).
 */
class ChartCrdsTest {

    private static final Path GENERATED = Path.of(System.getProperty("crds.generatedDir", "../crds/generated"));
    private static final Path CHART_CRDS =
            Path.of(System.getProperty("chart.dir", "dynamo-sync")).resolve("crds");
    private static final String REFRESH = "./mvnw -B -pl charts -am verify -Dcrds.update";

    @BeforeAll
    static void copyWhenAsked() throws IOException {
        if (!Boolean.getBoolean("crds.update")) {
            return;
        }
        Files.createDirectories(CHART_CRDS);
        for (Path stale : list(CHART_CRDS)) {
            Files.delete(stale);
        }
        for (Path crd : list(GENERATED)) {
            Files.copy(crd, CHART_CRDS.resolve(crd.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            System.out.println("Copied " + crd.getFileName() + " into " + CHART_CRDS + "; commit it.");
        }
    }

    @Test
    void theChartHoldsEveryGeneratedCrdAndNoOther() throws IOException {
        assertThat(names(CHART_CRDS))
                .as("CRDs in %s; refresh with `%s`", CHART_CRDS, REFRESH)
                .isNotEmpty()
                .containsExactlyElementsOf(names(GENERATED));
    }

    @Test
    void eachChartCrdIsByteForByteTheGeneratedOne() throws IOException {
        for (Path generated : list(GENERATED)) {
            Path copy = CHART_CRDS.resolve(generated.getFileName());
            assertThat(copy)
                    .as("%s differs from %s; refresh with `%s`", copy, generated, REFRESH)
                    .exists()
                    .hasSameBinaryContentAs(generated);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        return list(dir).stream().map(p -> p.getFileName().toString()).sorted().toList();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }
}
