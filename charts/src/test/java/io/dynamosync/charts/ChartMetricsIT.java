package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.collection.PhaseMetrics;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Metrics as Prometheus would get them: the workers' PodMonitor selects the pods the operator makes and the
 * NetworkPolicy lets the named scraper through to their port, and every metric the example alerts read is one the
 * operator serves, with the labels the alerts group by.
 */
class ChartMetricsIT {

    private static final Pattern METRIC = Pattern.compile("\\b(dynamosync_[a-z_]+)(\\{[^}]*})?");

    @Test
    void everyMetricTheAlertsReadIsOneTheOperatorServes() {
        Rendered chart = Helm.template("metrics.serviceMonitor.enabled=true", "metrics.prometheusRule.enabled=true");
        List<Map<String, Object>> rules = rules(chart.kind("PrometheusRule").get(0));
        assertThat(rules)
                .extracting(r -> r.get("alert"))
                .containsExactly(
                        "DynamoSyncCollectionError",
                        "DynamoSyncCollectionNotStarted",
                        "DynamoSyncCollectionLagging",
                        "DynamoSyncCollectionThrottled");

        // The operator's registry with one collection in each phase's place, scraped as Prometheus does.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PhaseMetrics phases = new PhaseMetrics(registry);
        phases.record("shop", "orders", Phase.STREAMING);
        phases.recordWorker(
                "shop",
                "orders",
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .convertValue(
                                Map.of(
                                        "throttles",
                                        3,
                                        "stream",
                                        Map.of("lagMillis", 1500),
                                        "store",
                                        Map.of("documents", 10)),
                                WorkerStatus.class));
        String scrape = registry.scrape();

        Set<String> used = new TreeSet<>();
        for (Map<String, Object> rule : rules) {
            String expr = String.valueOf(rule.get("expr"));
            assertThat(expr)
                    .as("alert %s groups by the collection", rule.get("alert"))
                    .contains("by (namespace, collection)");
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                used.add(m.group(1));
                assertThat(scrape)
                        .as("%s, which alert %s reads, in the operator's /metrics", m.group(1), rule.get("alert"))
                        .containsPattern(
                                "(?m)^" + m.group(1) + "\\{[^}]*collection=\"orders\"" + "[^}]*namespace=\"shop\"");
                if (m.group(2) != null && m.group(2).contains("phase")) {
                    Matcher phase = Pattern.compile("[A-Z][a-z]+").matcher(m.group(2));
                    while (phase.find()) {
                        assertThat(scrape)
                                .as("phase %s of %s", phase.group(), m.group(1))
                                .contains("phase=\"" + phase.group() + "\"");
                    }
                }
            }
        }
        assertThat(used)
                .containsExactlyInAnyOrder(
                        "dynamosync_collection_phase",
                        "dynamosync_collection_lag_seconds",
                        "dynamosync_collection_throttles");
        assertThat(Helm.template().kind("PrometheusRule")).isEmpty();
    }

    @Test
    void alertsNeedTheOperatorsMetricsScraped() {
        Helm.Result result = Helm.run(Helm.templateArgs("metrics.prometheusRule.enabled=true"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("metrics.prometheusRule.enabled needs metrics.serviceMonitor.enabled");
    }

    @Test
    void theWorkersPodMonitorSelectsTheOperatorsWorkersAndScrapesTheirMetricsPort() {
        Rendered chart = Helm.template("metrics.workers.podMonitor.enabled=true", "watchNamespaces={team-a}");
        Map<String, Object> spec = spec(chart.kind("PodMonitor").get(0));
        Map<String, String> workerLabels = RenderedChartIT.worker(chart, "team-a")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        @SuppressWarnings("unchecked")
        Map<String, String> selector =
                (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        assertThat(workerLabels).containsAllEntriesOf(selector);
        assertThat(spec.get("namespaceSelector")).isEqualTo(Map.of("matchNames", List.of(Helm.NAMESPACE, "team-a")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("podMetricsEndpoints");
        String portName = RenderedChartIT.worker(chart, "team-a")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getPorts()
                .get(0)
                .getName();
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.get("port")).isEqualTo(portName);
            assertThat(e.get("path")).isEqualTo("/metrics");
        });

        // Watching all namespaces, workers may be in any.
        assertThat(spec(Helm.template("metrics.workers.podMonitor.enabled=true")
                                .kind("PodMonitor")
                                .get(0))
                        .get("namespaceSelector"))
                .isEqualTo(Map.of("any", true));
        assertThat(Helm.template().kind("PodMonitor")).isEmpty();
    }

    @Test
    void theNetworkPolicyLetsTheNamedScraperReachWorkersMetricsPort() {
        Rendered chart = Helm.template(
                "watchNamespaces={team-a}",
                "networkPolicy.metricsScrapers[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name"
                        + "=monitoring",
                "networkPolicy.metricsScrapers[0].podSelector.matchLabels.app\\.kubernetes\\.io/name=prometheus");
        NetworkPolicy policy = chart.all(NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getNamespace().equals("team-a"))
                .findFirst()
                .orElseThrow();
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(CollectionWorker.PORT));
            List<NetworkPolicyPeer> from = rule.getFrom();
            assertThat(from).hasSize(3);
            NetworkPolicyPeer scraper = from.get(2);
            assertThat(scraper.getNamespaceSelector().getMatchLabels())
                    .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
            assertThat(scraper.getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry("app.kubernetes.io/name", "prometheus"));
        });
        assertThat(chart.one(Deployment.class)).isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(HasMetadata object) {
        return (Map<String, Object>)
                ((GenericKubernetesResource) object).getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(HasMetadata rule) {
        List<Map<String, Object>> groups =
                (List<Map<String, Object>>) spec(rule).get("groups");
        return groups.stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
                .toList();
    }
}
