package io.dynamosync.charts;

import static io.dynamosync.charts.Helm.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.IntegrationRef;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code helm lint} and {@code helm template} of the chart, with defaults and with the values a user changes most,
 * and the rendered objects checked as the cluster would use them: the operator's pods hardened, the operator able
 * to read its settings, workers unprivileged and reachable only by whom the NetworkPolicy names. The worker objects
 * are built by the operator's own code from the Deployment's environment, so the chart and the code are checked
 * together.
 */
class RenderedChartIT {

    private static final String APP_VERSION = "0.1.0-SNAPSHOT";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "replicas=2",
                "watchNamespaces={team-a,team-b}",
                "networkPolicy.enabled=false",
                "metrics.serviceMonitor.enabled=true",
                "front.enabled=true"
            })
    void lintsCleanly(String value) {
        List<String> args = Stream.concat(
                        Stream.of(
                                "lint",
                                Helm.CHART.toString(),
                                "--strict",
                                "--namespace",
                                NAMESPACE,
                                "--set",
                                "image.registry=" + Helm.REGISTRY),
                        value.isEmpty() ? Stream.empty() : Stream.of("--set", value))
                .toList();
        Helm.Result lint = Helm.run(args);
        assertThat(lint.exitCode())
                .as("helm lint --strict %s:\n%s%s", value, lint.out(), lint.err())
                .isZero();
        assertThat(lint.out()).contains("0 chart(s) failed").doesNotContain("[WARNING]", "[ERROR]");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "replicas=2",
                "watchNamespaces={team-a,team-b}",
                "networkPolicy.enabled=false",
                "metrics.serviceMonitor.enabled=true",
                "leaderElection.enabled=true",
                "front.enabled=true"
            })
    void everyObjectIsValidAndEveryContainerHardenedWhateverTheValues(String value) {
        Rendered chart = value.isEmpty() ? Helm.template() : Helm.template(value);
        assertThat(chart.all(Deployment.class))
                .isNotEmpty()
                .allSatisfy(d -> PodSecurity.assertHardenedWithCpuLimit(
                        "Deployment " + d.getMetadata().getName(),
                        d.getSpec().getTemplate().getSpec()));
        assertThat(chart.objects())
                .filteredOn(o -> !(o instanceof GenericKubernetesResource))
                .allSatisfy(o -> assertThat(UnknownFields.in(o))
                        .as(
                                "fields of %s %s the Kubernetes API does not define",
                                o.getKind(), o.getMetadata().getName())
                        .isEmpty());
        assertThat(chart.kind("StatefulSet")).isEmpty();
        assertThat(chart.kind("DaemonSet")).isEmpty();
        assertThat(chart.kind("Pod")).isEmpty();
    }

    @Test
    void defaultsRunOneOperatorWithoutLeaderElectionOnTheProjectVersion() {
        Rendered chart = Helm.template();
        Deployment operator = chart.one(Deployment.class);
        assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
        // Without a Lease, two pods of a rolling update would reconcile at once.
        assertThat(operator.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        Map<String, EnvVar> env = env(operator);
        assertThat(env).doesNotContainKeys("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE", "DYNAMOSYNC_WATCH_NAMESPACES");
        assertThat(container(operator).getImage()).isEqualTo(Helm.REGISTRY + "/dynamo-sync/operator:" + APP_VERSION);
        // A snapshot is rebuilt under the same tag: every start pulls it again.
        assertThat(container(operator).getImagePullPolicy()).isEqualTo("Always");
        assertThat(container(operator).getCommand())
                .as("the image's entrypoint starts the operator")
                .isNullOrEmpty();
        assertThat(container(operator).getArgs()).isNullOrEmpty();
        assertThat(env.get("DYNAMOSYNC_WORKER_IMAGE").getValue())
                .isEqualTo(Helm.REGISTRY + "/dynamo-sync/worker:" + APP_VERSION);
        assertThat(chart.kind("ServiceMonitor")).isEmpty();
    }

    @Test
    void probesAndTheTmpVolumeAreWhereTheOperatorServesAndWrites() {
        Deployment operator = Helm.template().one(Deployment.class);
        var c = container(operator);
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort())
                    .isEqualTo(Integer.parseInt(
                            env(operator).get("DYNAMOSYNC_HTTP_PORT").getValue()));
        });
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe()))
                .allSatisfy(
                        p -> assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http"));
        assertThat(c.getVolumeMounts())
                .singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(operator.getSpec().getTemplate().getSpec().getVolumes())
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void moreThanOneReplicaElectsALeaderInItsOwnNamespace() {
        Deployment operator = Helm.template("replicas=2").one(Deployment.class);
        Map<String, EnvVar> env = env(operator);
        assertThat(env.get("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE")
                        .getValueFrom()
                        .getFieldRef()
                        .getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(env.get("DYNAMOSYNC_LEADER_ELECTION_IDENTITY")
                        .getValueFrom()
                        .getFieldRef()
                        .getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(operator.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        // The settings the operator reads from that environment hold together (lease > renew > retry).
        assertThat(settings(operator).leaderElection())
                .isNotNull()
                .satisfies(e -> assertThat(e.leaseNamespace()).isEqualTo(NAMESPACE));

        assertThat(env(Helm.template("leaderElection.enabled=true").one(Deployment.class)))
                .containsKey("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE");
    }

    @Test
    void standbyReplicasKeepOneOperatorThroughADrain() {
        Rendered chart = Helm.template("replicas=2");
        PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(chart.one(Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels())
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(Helm.template().kind("PodDisruptionBudget"))
                .as("one replica cannot keep one available")
                .isEmpty();
    }

    @Test
    void everySettingTheChartPassesIsOneTheOperatorReads() throws IOException {
        Deployment operator = Helm.template(
                        "watchNamespaces={team-a,team-b}",
                        "replicas=3",
                        "worker.addressTemplate=http://{name}-worker.{namespace}.svc.cluster.local:8080",
                        "worker.roleArn=arn:aws:iam::123456789012:role/dynamo-sync-worker")
                .one(Deployment.class);
        OperatorSettings settings = settings(operator);
        assertThat(settings.workerRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/dynamo-sync-worker");
        assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(settings.workerImage()).isEqualTo(Helm.REGISTRY + "/dynamo-sync/worker:" + APP_VERSION);
        assertThat(settings.workerServiceAccount()).isEqualTo("dynamo-sync-worker");
        assertThat(settings.workerAddress("team-a", "orders"))
                .isEqualTo("http://orders-worker.team-a.svc.cluster.local:8080");
        assertThat(settings.exportThresholdBytes()).isEqualTo(5_000_000_000L);
        assertThat(settings.httpPort()).isEqualTo(8081);
        // A misspelt variable would be ignored and its default used: each must be one the operator's code reads.
        Path source = Helm.CHART.resolve("../../operator/src/main/java/io/dynamosync/operator/OperatorSettings.java");
        Set<String> read = Pattern.compile("\"(DYNAMOSYNC_[A-Z_]+)\"")
                .matcher(Files.readString(source))
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        assertThat(read).isNotEmpty();
        assertThat(env(operator).keySet()).isSubsetOf(read);
    }

    @Test
    void workersGetTheirOwnServiceAccountInTheirNamespaceWithNoTokenAndNoRole() {
        Rendered chart = Helm.template(
                "watchNamespaces={team-a,team-b}",
                "worker.serviceAccount.annotations"
                        + ".eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/workers");
        String workerAccount = settings(chart.one(Deployment.class)).workerServiceAccount();
        List<ServiceAccount> workerAccounts = chart.all(ServiceAccount.class).stream()
                .filter(sa -> sa.getMetadata().getName().equals(workerAccount))
                .toList();
        assertThat(workerAccounts)
                .extracting(sa -> sa.getMetadata().getNamespace())
                .containsExactlyInAnyOrder(NAMESPACE, "team-a", "team-b");
        assertThat(workerAccounts).allSatisfy(sa -> {
            assertThat(sa.getAutomountServiceAccountToken()).isFalse();
            assertThat(sa.getMetadata().getAnnotations())
                    .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/workers");
        });
        assertThat(subjects(chart))
                .as("subjects of every binding")
                .isNotEmpty()
                .noneMatch(s -> s.getName().equals(workerAccount))
                .allMatch(s -> s.getName()
                                .equals(chart.one(Deployment.class)
                                        .getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getServiceAccountName())
                        && s.getNamespace().equals(NAMESPACE));

        // The operator's worker in team-a runs as that account, hardened, without a token.
        StatefulSet worker = worker(chart, "team-a");
        assertThat(worker.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(workerAccount);
        assertThat(worker.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                .isFalse();
        PodSecurity.assertHardened("worker", worker.getSpec().getTemplate().getSpec());
    }

    @Test
    void workersGetThePullSecretsAndSchedulingOfTheWorkerValues() {
        Rendered chart = Helm.template(
                "watchNamespaces={team-a}",
                "worker.imagePullSecrets[0].name=regcred",
                "worker.nodeSelector.pool=sync",
                "worker.tolerations[0].key=dedicated",
                "worker.tolerations[0].operator=Equal",
                "worker.tolerations[0].value=sync",
                "worker.tolerations[0].effect=NoSchedule",
                "worker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].key=kubernetes.io/arch",
                "worker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].operator=In",
                "worker.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].values={amd64}",
                "worker.image.pullPolicy=IfNotPresent");
        var pod = worker(chart, "team-a").getSpec().getTemplate().getSpec();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "sync"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getOperator()).isEqualTo("Equal");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms())
                .singleElement()
                .satisfies(term -> assertThat(term.getMatchExpressions())
                        .singleElement()
                        .satisfies(e -> assertThat(e.getValues()).containsExactly("amd64")));
        assertThat(pod.getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
        // The operator's own pod keeps its own settings.
        assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getNodeSelector())
                .isNullOrEmpty();

        // By default: a snapshot worker is pulled again on each start, nothing else is set.
        var plain = worker(Helm.template("watchNamespaces={team-a}"), "team-a")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(plain.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
        assertThat(plain.getImagePullSecrets()).isNullOrEmpty();
        assertThat(plain.getNodeSelector()).isNullOrEmpty();
        assertThat(plain.getAffinity()).isNull();
    }

    @Test
    void aReleaseTagIsPulledOnlyWhenMissing() {
        Deployment operator =
                Helm.template("image.tag=0.1.0", "worker.image.tag=0.1.0").one(Deployment.class);
        assertThat(container(operator).getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(settings(operator).workerImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(container(Helm.template("image.pullPolicy=Never").one(Deployment.class))
                        .getImagePullPolicy())
                .isEqualTo("Never");
    }

    @Test
    void onlyTheOperatorAndLabelledClientsReachWorkers() {
        Rendered chart = Helm.template("watchNamespaces={team-a}");
        Deployment operator = chart.one(Deployment.class);
        Map<String, String> workerLabels =
                worker(chart, "team-a").getSpec().getTemplate().getMetadata().getLabels();
        NetworkPolicy policy = chart.all(NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getNamespace().equals("team-a"))
                .findFirst()
                .orElseThrow();
        assertThat(matches(policy.getSpec().getPodSelector(), workerLabels))
                .as("the policy selects the operator's worker pods %s", workerLabels)
                .isTrue();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(CollectionWorker.PORT));
            List<NetworkPolicyPeer> from = rule.getFrom();
            assertThat(from).hasSize(2);
            NetworkPolicyPeer fromOperator = from.get(0);
            assertThat(matches(
                            fromOperator.getPodSelector(),
                            operator.getSpec().getTemplate().getMetadata().getLabels()))
                    .isTrue();
            assertThat(fromOperator.getNamespaceSelector().getMatchLabels())
                    .containsExactly(Map.entry("kubernetes.io/metadata.name", NAMESPACE));
            NetworkPolicyPeer clients = from.get(1);
            assertThat(clients.getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry("dynamosync.io/query-access", "true"));
            assertThat(clients.getNamespaceSelector())
                    .as("clients of the worker's own namespace only")
                    .isNull();
        });
        assertThat(chart.all(NetworkPolicy.class))
                .extracting(p -> p.getMetadata().getNamespace())
                .containsExactlyInAnyOrder(NAMESPACE, "team-a");

        assertThat(Helm.template("networkPolicy.enabled=false").kind("NetworkPolicy"))
                .isEmpty();
    }

    @Test
    void metricsServiceReachesTheOperatorAndTheServiceMonitorScrapesIt() {
        Rendered chart = Helm.template("metrics.serviceMonitor.enabled=true");
        Deployment operator = chart.one(Deployment.class);
        Service metrics = chart.one(Service.class);
        assertThat(metrics.getSpec().getSelector())
                .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(metrics.getSpec().getSelector());
        assertThat(metrics.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
        HasMetadata monitor = chart.kind("ServiceMonitor").get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>)
                ((GenericKubernetesResource) monitor).getAdditionalProperties().get("spec");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.get("port"))
                    .isEqualTo(metrics.getSpec().getPorts().get(0).getName());
            assertThat(e.get("path")).isEqualTo("/metrics");
        });
    }

    @Test
    void crdsComeWithTheChartOnlyFromItsCrdsDirectory() {
        assertThat(Helm.template().kind("CustomResourceDefinition")).isEmpty();
        assertThat(Helm.template("--include-crds").all(CustomResourceDefinition.class))
                .extracting(crd -> crd.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "dynamocollections.dynamosync.io",
                        "dynamointegrations.dynamosync.io",
                        "querylambdas.dynamosync.io",
                        "queryviews.dynamosync.io");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static io.fabric8.kubernetes.api.model.Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Deployment d) {
        Map<String, EnvVar> env = new HashMap<>();
        container(d).getEnv().forEach(e -> env.put(e.getName(), e));
        return env;
    }

    /** The settings the operator reads from the Deployment's environment, the downward API filled in. */
    static OperatorSettings settings(Deployment d) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : container(d).getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(
                        e.getName(),
                        field.equals("metadata.namespace")
                                ? NAMESPACE
                                : field.equals("metadata.name") ? "dynamo-sync-operator-0" : null);
            }
        }
        return OperatorSettings.fromEnvironment(env);
    }

    /** The worker StatefulSet the operator, configured by this chart, makes for a collection in {@code ns}. */
    static StatefulSet worker(Rendered chart, String ns) {
        DynamoIntegrationSpec account = new DynamoIntegrationSpec();
        account.setRegion("us-east-1");
        DynamoIntegration integration = new DynamoIntegration();
        integration.setMetadata(
                new ObjectMetaBuilder().withNamespace(ns).withName("prod").build());
        integration.setSpec(account);
        DynamoCollectionSpec spec = new DynamoCollectionSpec();
        spec.setIntegrationRef(new IntegrationRef("prod"));
        spec.setTable("orders");
        DynamoCollection collection = new DynamoCollection();
        collection.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName("orders")
                .withUid("u-1")
                .build());
        collection.setSpec(spec);
        return CollectionWorker.of(collection, integration, settings(chart.one(Deployment.class)), null)
                .statefulSet();
    }

    /** The operator's Deployment, beside the front's when that is on. */
    static Deployment operator(Rendered chart) {
        return deployment(chart, "-operator");
    }

    /** The query front's Deployment. */
    static Deployment front(Rendered chart) {
        return deployment(chart, "-front");
    }

    private static Deployment deployment(Rendered chart, String suffix) {
        return chart.all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith(suffix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment named *" + suffix));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        return selector.getMatchLabels() != null
                && !selector.getMatchLabels().isEmpty()
                && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static List<Subject> subjects(Rendered chart) {
        return Stream.concat(
                        chart.all(RoleBinding.class).stream().map(RoleBinding::getSubjects),
                        chart.all(ClusterRoleBinding.class).stream().map(ClusterRoleBinding::getSubjects))
                .flatMap(s -> Optional.ofNullable(s).orElse(List.of()).stream())
                .toList();
    }
}
