package io.dynamosync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Report report() {
        Report report = new Report(
                Instant.parse("2026-11-29T10:00:00Z"),
                "abc1234",
                Map.of("summary", "2 cores (Test CPU), 8 GiB", "cores", "2"),
                Map.of("items", 1000));
        report.add(new Figure("Scan load", "items/s, 4 segments", 4512.4, 5012.9, "items/s", "bare SDK scan"));
        report.add(new Figure("Change latency", "p99", 433.0, 0, "ms", "GetRecords | loop"));
        return report;
    }

    @Test
    void markdownHasOneRowPerFigureWithRatioAndReference() {
        String markdown = report().markdown();

        assertThat(markdown).startsWith("Benchmarks of abc1234, 2026-11-29T10:00:00Z, on 2 cores (Test CPU), 8 GiB");
        assertThat(markdown.lines().filter(l -> l.startsWith("|")).toList())
                .containsExactly(
                        "| benchmark | figure | ours | reference | ratio | the reference is |",
                        "| --- | --- | ---: | ---: | ---: | --- |",
                        "| Scan load | items/s, 4 segments | 4,512 items/s | 5,013 items/s | 0.90× | bare SDK scan |",
                        "| Change latency | p99 | 433 ms | 0.00 ms | n/a | GetRecords \\| loop |");
    }

    @Test
    void jsonCarriesDateCommitMachineAndEveryFigure() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report().json());

        assertThat(json.path("date").asText()).isEqualTo("2026-11-29T10:00:00Z");
        assertThat(json.path("commit").asText()).isEqualTo("abc1234");
        assertThat(json.path("machine").path("cores").asText()).isEqualTo("2");
        assertThat(json.path("parameters").path("items").asInt()).isEqualTo(1000);
        assertThat(json.path("figures")).hasSize(2);
        assertThat(json.path("figures").path(0).path("ratio").asDouble()).isBetween(0.900, 0.901);
        assertThat(json.path("figures").path(1).path("ratio").isNull()).isTrue();
    }

    @Test
    void percentilesAreNearestRank() {
        List<Double> samples = List.of(5.0, 1.0, 4.0, 2.0, 3.0);

        assertThat(Stats.percentile(samples, 50)).isEqualTo(3.0);
        assertThat(Stats.percentile(samples, 99)).isEqualTo(5.0);
        assertThat(Stats.median(List.of(1.0, 2.0, 3.0, 10.0))).isEqualTo(2.5);
        assertThat(Stats.worstWindowMean(new double[] {1, 1, 1, 1, 1, 6, 1}, 5)).isEqualTo(2.0);
    }
}
