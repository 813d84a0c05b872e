package io.dynamosync.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

    @Test
    void watchedNamespacesAreTheCommaSeparatedListTheChartSets() {
        assertThat(OperatorSettings.fromEnvironment(Map.of("DYNAMOSYNC_WATCH_NAMESPACES", "team-a, team-b,,"))
                        .watchNamespaces())
                .containsExactlyInAnyOrder("team-a", "team-b");
    }

    @Test
    void noWatchedNamespacesMeansAll() {
        assertThat(OperatorSettings.fromEnvironment(Map.of()).watchNamespaces()).isEmpty();
        assertThat(OperatorSettings.fromEnvironment(Map.of("DYNAMOSYNC_WATCH_NAMESPACES", " "))
                        .watchNamespaces())
                .isEmpty();
    }
}
