package io.dynamosync.charts;

import static io.dynamosync.charts.Helm.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The query front as the chart deploys it ({@code front.enabled=true}): a hardened, probed Deployment of stateless
 * replicas behind a Service, kept available through drains, reading only collections and Secrets where the operator
 * watches, admitted by the workers' NetworkPolicy, and given only settings its code reads.
 */
class FrontChartIT {

    private static final String FRONT = "dynamo-sync-front";

    @Test
    void offByDefault() {
        Rendered chart = Helm.template();
        assertThat(chart.objects())
                .as("objects of the front")
                .noneMatch(o -> o.getMetadata().getName().equals(FRONT));
    }

    @Test
    void replicasRunHardenedAndProbedBehindAServiceAndADisruptionBudget() {
        Rendered chart = Helm.template("front.enabled=true", "front.replicas=3");
        Deployment front = RenderedChartIT.front(chart);
        assertThat(front.getSpec().getReplicas()).isEqualTo(3);
        PodSecurity.assertHardenedWithCpuLimit(
                "the front", front.getSpec().getTemplate().getSpec());
        Container container =
                front.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(Helm.REGISTRY + "/dynamo-sync/front:0.1.0-SNAPSHOT");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getVolumeMounts())
                .as("a writable /tmp under a read-only root")
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(front.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(FRONT);

        Map<String, String> podLabels =
                front.getSpec().getTemplate().getMetadata().getLabels();
        Deployment operator = RenderedChartIT.operator(chart);
        assertThat(RenderedChartIT.matches(
                        front.getSpec().getSelector(),
                        operator.getSpec().getTemplate().getMetadata().getLabels()))
                .as("the front's selector does not take the operator's pods")
                .isFalse();

        Service service = named(chart.all(Service.class), FRONT);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
        assertThat(container.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));

        PodDisruptionBudget budget = named(chart.all(PodDisruptionBudget.class), FRONT);
        assertThat(RenderedChartIT.matches(budget.getSpec().getSelector(), podLabels))
                .isTrue();
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(Helm.template("front.enabled=true", "front.replicas=1").all(PodDisruptionBudget.class))
                .as("one replica needs no budget")
                .noneMatch(b -> b.getMetadata().getName().equals(FRONT));
    }

    @Test
    void readsCollectionsAndSecretsOnlyAndOnlyWhereTheOperatorWatches() {
        Rendered everywhere = Helm.template("front.enabled=true");
        ClusterRole role = named(everywhere.all(ClusterRole.class), FRONT);
        assertReadOnly(role.getRules());
        ClusterRoleBinding binding = named(everywhere.all(ClusterRoleBinding.class), FRONT);
        assertThat(binding.getRoleRef().getName()).isEqualTo(FRONT);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(FRONT);
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });

        Rendered watched = Helm.template("front.enabled=true", "watchNamespaces={team-a,team-b}");
        assertThat(watched.all(ClusterRole.class))
                .noneMatch(r -> r.getMetadata().getName().equals(FRONT));
        List<Role> roles = watched.all(Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(FRONT))
                .toList();
        assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        roles.forEach(r -> assertReadOnly(r.getRules()));
        assertThat(watched.all(RoleBinding.class).stream()
                        .filter(b -> b.getMetadata().getName().equals(FRONT)))
                .hasSize(2)
                .allSatisfy(b -> assertThat(b.getSubjects())
                        .singleElement()
                        .satisfies(s -> assertThat(s.getName()).isEqualTo(FRONT)));
        assertThat(env(RenderedChartIT.front(watched))).containsEntry("DYNAMOSYNC_WATCH_NAMESPACES", "team-a,team-b");
    }

    @Test
    void theServiceSendsEachClientToOneReplicaWhichKeepsItsQueries() {
        io.fabric8.kubernetes.api.model.Service service =
                named(Helm.template("front.enabled=true").all(io.fabric8.kubernetes.api.model.Service.class), FRONT);
        assertThat(service.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
        assertThat(named(
                                Helm.template("front.enabled=true", "front.service.sessionAffinity=None")
                                        .all(io.fabric8.kubernetes.api.model.Service.class),
                                FRONT)
                        .getSpec()
                        .getSessionAffinity())
                .isEqualTo("None");
    }

    @Test
    void allowWritesLetsTheFrontWriteLambdasAndViewsAndNothingElse() {
        for (Rendered chart : List.of(
                Helm.template("front.enabled=true", "front.allowWrites=true"),
                Helm.template("front.enabled=true", "front.allowWrites=true", "watchNamespaces={team-a}"))) {
            List<PolicyRule> rules = chart.all(ClusterRole.class).stream()
                    .filter(r -> r.getMetadata().getName().equals(FRONT))
                    .findFirst()
                    .map(ClusterRole::getRules)
                    .orElseGet(() -> named(chart.all(Role.class), FRONT).getRules());
            assertThat(rules)
                    .filteredOn(r -> r.getVerbs().contains("create"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.getResources()).containsExactlyInAnyOrder("querylambdas", "queryviews");
                        assertThat(r.getVerbs()).containsExactlyInAnyOrder("create", "update", "patch", "delete");
                    });
            assertThat(env(RenderedChartIT.front(chart))).containsEntry("DYNAMOSYNC_FRONT_ALLOW_WRITES", "true");
        }
        assertThat(env(RenderedChartIT.front(Helm.template("front.enabled=true"))))
                .as("off by default")
                .doesNotContainKey("DYNAMOSYNC_FRONT_ALLOW_WRITES");
    }

    private static void assertReadOnly(List<PolicyRule> rules) {
        assertThat(rules).allSatisfy(rule -> assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch"));
        assertThat(rules)
                .flatExtracting(PolicyRule::getResources)
                .containsExactlyInAnyOrder("dynamocollections", "querylambdas", "queryviews", "secrets");
        assertThat(rules)
                .filteredOn(r -> r.getResources().contains("secrets"))
                .singleElement()
                .satisfies(r -> assertThat(r.getVerbs())
                        .as("Secrets read by name, never listed")
                        .containsExactly("get"));
    }

    @Test
    void workersAdmitTheFrontFromTheReleaseNamespace() {
        Rendered chart = Helm.template("front.enabled=true", "watchNamespaces={team-a}");
        Map<String, String> frontLabels = RenderedChartIT.front(chart)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        NetworkPolicy policy = chart.all(NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getNamespace().equals("team-a"))
                .findFirst()
                .orElseThrow();
        List<NetworkPolicyPeer> from = policy.getSpec().getIngress().get(0).getFrom();
        assertThat(from)
                .filteredOn(peer ->
                        peer.getPodSelector() != null && RenderedChartIT.matches(peer.getPodSelector(), frontLabels))
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("kubernetes.io/metadata.name", NAMESPACE)));

        Rendered without = Helm.template("watchNamespaces={team-a}");
        assertThat(without.all(NetworkPolicy.class)
                        .get(0)
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom())
                .as("without the front, nothing of it is admitted")
                .noneMatch(peer ->
                        peer.getPodSelector() != null && RenderedChartIT.matches(peer.getPodSelector(), frontLabels));
    }

    @Test
    void everySettingTheChartPassesIsOneTheFrontReads() throws IOException {
        Rendered chart = Helm.template(
                "front.enabled=true",
                "watchNamespaces={team-a}",
                "front.commonsNamespace=team-a",
                "front.apiKeySecretRef.name=front-key",
                "front.apiKeySecretRef.key=apiKey",
                "front.apiKeysSecret=front-api-keys",
                "worker.addressTemplate=http://{name}-worker.{namespace}.svc.cluster.local:8080");
        Deployment front = RenderedChartIT.front(chart);
        Map<String, String> env = env(front);
        assertThat(env)
                .containsEntry("DYNAMOSYNC_COMMONS_NAMESPACE", "team-a")
                .containsEntry("DYNAMOSYNC_WORKER_ADDRESS", "http://{name}-worker.{namespace}.svc.cluster.local:8080");
        EnvVar key = front.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("DYNAMOSYNC_API_KEY"))
                .findFirst()
                .orElseThrow();
        assertThat(key.getValue()).as("the key only by reference").isNull();
        assertThat(key.getValueFrom().getSecretKeyRef().getName()).isEqualTo("front-key");
        assertThat(key.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("apiKey");
        assertThat(env).containsEntry("DYNAMOSYNC_API_KEYS_SECRET", "front-api-keys");
        Role keysRole = named(chart.all(Role.class), FRONT + "-api-keys");
        assertThat(keysRole.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(keysRole.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResourceNames()).as("that one Secret").containsExactly("front-api-keys");
            assertThat(rule.getVerbs()).containsExactly("get");
        });
        assertThat(named(chart.all(RoleBinding.class), FRONT + "-api-keys").getSubjects())
                .singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(FRONT));
        assertThat(env(RenderedChartIT.front(Helm.template("front.enabled=true"))))
                .as("commons defaults to the release's namespace")
                .containsEntry("DYNAMOSYNC_COMMONS_NAMESPACE", NAMESPACE);

        // A misspelt variable would be ignored and its default used: each must be one the front's code reads.
        Path sources = Helm.CHART.resolve("../../front/src/main/java");
        Set<String> read;
        try (Stream<Path> files = Files.walk(sources)) {
            read = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(f -> Pattern.compile("(DYNAMOSYNC_[A-Z_]+)")
                            .matcher(uncheckedRead(f))
                            .results()
                            .map(m -> m.group(1)))
                    .collect(Collectors.toSet());
        }
        assertThat(read).isNotEmpty();
        assertThat(front.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .extracting(EnvVar::getName)
                .isSubsetOf(read);
    }

    private static String uncheckedRead(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static <T extends HasMetadata> T named(List<T> objects, String name) {
        return objects.stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing named " + name));
    }
}
