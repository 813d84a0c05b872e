package io.dynamosync.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.CollectionMode;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.api.v1alpha1.IcebergCatalog;
import io.dynamosync.api.v1alpha1.IcebergCatalogType;
import io.dynamosync.api.v1alpha1.IcebergPublishing;
import io.dynamosync.api.v1alpha1.QueryAccess;
import io.dynamosync.api.v1alpha1.ReadCapacity;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.api.v1alpha1.Scheduling;
import io.dynamosync.api.v1alpha1.SecretKeyRef;
import io.dynamosync.api.v1alpha1.Storage;
import io.dynamosync.api.v1alpha1.StreamGapPolicy;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CollectionWorkerTest {

    private static final OperatorSettings OPERATOR = OperatorSettings.defaults();

    private final DynamoIntegration keys = Fixtures.keyIntegration("shop", "prod", "eu-west-1", "aws-keys");
    private final DynamoCollection orders = Fixtures.collection("shop", "orders", "prod", "Orders");

    @Test
    void publishesToTheIntegrationsCatalogOnlyWhenTheCollectionAsksAndTheIntegrationNamesOne() {
        DynamoCollection collection = Fixtures.collection("shop", "orders", "prod", "Orders");
        DynamoIntegration integration = Fixtures.keyIntegration("shop", "prod", "eu-west-1", "keys");
        assertThat(CollectionWorker.iceberg(collection.getSpec(), integration.getSpec()))
                .isNull();

        IcebergPublishing publishing = new IcebergPublishing();
        publishing.setTable("sales.orders");
        publishing.setCommitInterval("30s");
        publishing.setKeepSnapshots("2h");
        collection.getSpec().setIceberg(publishing);
        assertThat(CollectionWorker.iceberg(collection.getSpec(), integration.getSpec()))
                .as("no catalog on the integration")
                .isNull();

        IcebergCatalog catalog = new IcebergCatalog();
        catalog.setType(IcebergCatalogType.JDBC);
        catalog.setUri("jdbc:postgresql://db:5432/iceberg");
        catalog.setWarehouse("s3://lake/warehouse");
        integration.getSpec().setIcebergCatalog(catalog);
        assertThat(CollectionWorker.iceberg(collection.getSpec(), integration.getSpec()))
                .isEqualTo(new WorkerSettings.Iceberg(
                        "Jdbc",
                        "jdbc:postgresql://db:5432/iceberg",
                        "dynamosync",
                        "s3://lake/warehouse",
                        "sales.orders",
                        30L,
                        7200L));
    }

    @Test
    void settingsCarryTheTableRegionAndScanCapAsTheWorkerReadsThem() throws Exception {
        orders.getSpec().setReadCapacity(ReadCapacity.ofUnits(200));
        orders.getSpec().setScanSegments(8);
        orders.getSpec().setIngestTransformation("SELECT * FROM _input");
        Endpoints endpoints = new Endpoints();
        endpoints.setDynamodb("http://127.0.0.1:8000");
        keys.getSpec().setEndpoints(endpoints);

        ConfigMap configMap = CollectionWorker.of(orders, keys, OPERATOR, null).configMap();
        WorkerSettings read =
                new ObjectMapper().readValue(configMap.getData().get("settings.json"), WorkerSettings.class);

        assertThat(configMap.getMetadata().getName()).isEqualTo("orders-worker");
        assertThat(read.collection()).isEqualTo("orders");
        assertThat(read.table()).isEqualTo("Orders");
        assertThat(read.region()).isEqualTo("eu-west-1");
        assertThat(read.endpoints().dynamodb()).isEqualTo("http://127.0.0.1:8000");
        assertThat(read.load().method()).isEqualTo("Scan");
        assertThat(read.load().readCapacityUnits()).isEqualTo(200.0);
        assertThat(read.load().scanSegments()).isEqualTo(8);
        assertThat(read.ingestTransformation()).isEqualTo("SELECT * FROM _input");
        assertThat(read.dataDirectory()).isEqualTo("/data");
        assertThat(read.http().port()).isEqualTo(8080);
        assertThat(read.stream().retentionHours()).isEqualTo(24.0);
        assertThat(read.loadGeneration()).isEqualTo(1L);
    }

    @Test
    void accessKeysReachTheWorkerOnlyAsSecretReferences() {
        CollectionWorker worker = CollectionWorker.of(orders, keys, OPERATOR, null);

        assertThat(worker.settings().credentials().source()).isEqualTo("Default");
        Map<String, EnvVar> env = env(worker.statefulSet());
        assertThat(env.get("AWS_ACCESS_KEY_ID").getValue()).isNull();
        assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("aws-keys");
        assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("accessKeyId");
        assertThat(env.get("AWS_SECRET_ACCESS_KEY")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getKey())
                .isEqualTo("secretAccessKey");
        assertThat(env).doesNotContainKey("AWS_SESSION_TOKEN");
    }

    @Test
    void roleIntegrationsPassTheRoleAndExternalIdAndNoKeys() {
        DynamoIntegration role = Fixtures.roleIntegration(
                "shop", "prod", "us-east-1", "arn:aws:iam::123456789012:role/dynamo-sync", "ext-42");

        CollectionWorker worker = CollectionWorker.of(orders, role, OPERATOR, null);

        assertThat(worker.settings().credentials())
                .isEqualTo(new WorkerSettings.Credentials(
                        "AssumeRole", "arn:aws:iam::123456789012:role/dynamo-sync", "ext-42"));
        assertThat(env(worker.statefulSet())).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void queryLimitsReachTheWorkersSettingsAndNeedNoApiKey() throws Exception {
        WorkerSettings unset = new ObjectMapper()
                .readValue(
                        CollectionWorker.of(orders, keys, OPERATOR, null)
                                .configMap()
                                .getData()
                                .get("settings.json"),
                        WorkerSettings.class);
        // Unset, the worker applies its defaults (30 s, 10,000 rows).
        assertThat(unset.http().queryTimeoutSeconds()).isNull();
        assertThat(unset.http().queryMaxRows()).isNull();

        QueryAccess query = new QueryAccess();
        query.setTimeoutSeconds(120);
        query.setMaxRows(50_000);
        orders.getSpec().setQuery(query);
        CollectionWorker worker = CollectionWorker.of(orders, keys, OPERATOR, null);
        WorkerSettings read =
                new ObjectMapper().readValue(worker.configMap().getData().get("settings.json"), WorkerSettings.class);

        assertThat(read.http().queryTimeoutSeconds()).isEqualTo(120);
        assertThat(read.http().queryMaxRows()).isEqualTo(50_000);
        assertThat(env(worker.statefulSet())).doesNotContainKey("DYNAMOSYNC_API_KEY");
    }

    @Test
    void queryApiKeyComesFromTheNamedSecretKey() {
        SecretKeyRef apiKey = new SecretKeyRef();
        apiKey.setName("orders-query");
        apiKey.setKey("token");
        QueryAccess query = new QueryAccess();
        query.setApiKeySecretRef(apiKey);
        orders.getSpec().setQuery(query);

        EnvVar env = env(CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet())
                .get("DYNAMOSYNC_API_KEY");

        assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("orders-query");
        assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    }

    @Test
    void eachCollectionExportsIntoItsOwnFolderOfTheBucket() {
        S3Bucket bucket = new S3Bucket();
        bucket.setBucket("exports");
        bucket.setPrefix("dynamo-sync");
        bucket.setForcePathStyle(true);
        keys.getSpec().setS3(bucket);

        WorkerSettings.S3 s3 =
                CollectionWorker.of(orders, keys, OPERATOR, null).settings().s3();

        assertThat(s3.bucket()).isEqualTo("exports");
        assertThat(s3.prefix()).isEqualTo("dynamo-sync/shop/orders/");
        assertThat(s3.forcePathStyle()).isTrue();
        assertThat(CollectionWorker.exportPrefix(null, "shop", "orders")).isEqualTo("shop/orders/");
        assertThat(CollectionWorker.exportPrefix("x/", "shop", "orders")).isEqualTo("x/shop/orders/");
    }

    @Test
    void changedReadCapacityRollsThePodButKeepsTheStore() {
        CollectionWorker before = CollectionWorker.of(orders, keys, OPERATOR, null);
        orders.getSpec().setReadCapacity(ReadCapacity.ofPercent(25));

        CollectionWorker after = CollectionWorker.of(orders, keys, OPERATOR, before.settings());

        assertThat(after.settings().loadGeneration())
                .isEqualTo(before.settings().loadGeneration());
        assertThat(hashOf(after.statefulSet())).isNotEqualTo(hashOf(before.statefulSet()));
    }

    @Test
    void retentionReachesTheWorkerAsWrittenAndChangingItKeepsTheStore() throws Exception {
        CollectionWorker without = CollectionWorker.of(orders, keys, OPERATOR, null);
        orders.getSpec().setRetention("30d");

        CollectionWorker with = CollectionWorker.of(orders, keys, OPERATOR, without.settings());
        WorkerSettings read =
                new ObjectMapper().readValue(with.configMap().getData().get("settings.json"), WorkerSettings.class);

        assertThat(without.settings().retention()).isNull();
        assertThat(without.settings().retentionDuration()).isEmpty();
        assertThat(read.retention()).isEqualTo("30d");
        assertThat(read.retentionDuration()).contains(Duration.ofDays(30));
        // Documents past the new retention leave in place; nothing needs loading again.
        assertThat(read.loadGeneration()).isEqualTo(without.settings().loadGeneration());
        assertThat(hashOf(with.statefulSet())).isNotEqualTo(hashOf(without.statefulSet()));
    }

    @Test
    void changedTransformationRebuildsTheStore() {
        CollectionWorker first = CollectionWorker.of(orders, keys, OPERATOR, null);
        orders.getSpec().setIngestTransformation("SELECT *, 1 AS v FROM _input");
        CollectionWorker second = CollectionWorker.of(orders, keys, OPERATOR, first.settings());
        // Re-reconciling the same spec must not rebuild again.
        CollectionWorker third = CollectionWorker.of(orders, keys, OPERATOR, second.settings());

        assertThat(second.settings().loadGeneration())
                .isEqualTo(first.settings().loadGeneration() + 1);
        assertThat(third.settings().loadGeneration())
                .isEqualTo(second.settings().loadGeneration());
        assertThat(third.settingsJson()).isEqualTo(second.settingsJson());
    }

    @Test
    void aSnapshotThatStartsStreamingLoadsAgainButNotTheOtherWayRound() {
        orders.getSpec().setMode(CollectionMode.SNAPSHOT);
        CollectionWorker snapshot = CollectionWorker.of(orders, keys, OPERATOR, null);
        orders.getSpec().setMode(CollectionMode.STREAMING);
        orders.getSpec().setOnStreamGap(StreamGapPolicy.FAIL);
        CollectionWorker streaming = CollectionWorker.of(orders, keys, OPERATOR, snapshot.settings());
        orders.getSpec().setMode(CollectionMode.SNAPSHOT);
        CollectionWorker backToSnapshot = CollectionWorker.of(orders, keys, OPERATOR, streaming.settings());

        assertThat(snapshot.settings().stream().follows()).isFalse();
        assertThat(streaming.settings().stream().follows()).isTrue();
        assertThat(streaming.settings().stream().failsOnGap()).isTrue();
        assertThat(streaming.settings().loadGeneration())
                .as("changes since the snapshot are in no stream: load again")
                .isEqualTo(snapshot.settings().loadGeneration() + 1);
        assertThat(backToSnapshot.settings().loadGeneration())
                .as("a snapshot of what the replica holds needs no new load")
                .isEqualTo(streaming.settings().loadGeneration());
    }

    @Test
    void rotatedAccessKeysRollThePodAndAnUnchangedSecretDoesNot() {
        Secret before = keySecret("aws-keys", "uid-1", "AKIAOLD", "old-secret");
        Secret rotated = keySecret("aws-keys", "uid-1", "AKIANEW", "new-secret");
        Secret relabelled = keySecret("aws-keys", "uid-1", "AKIAOLD", "old-secret");
        relabelled.getMetadata().setLabels(Map.of("team", "data"));
        relabelled.getData().put("unrelated", "eA==");

        String first = hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(before))
                .statefulSet());
        String again = hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(relabelled))
                .statefulSet());
        String afterRotation = hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(rotated))
                .statefulSet());

        assertThat(again).isEqualTo(first);
        assertThat(afterRotation).isNotEqualTo(first);
        // The same settings and the same Secret values give the same hash, so a reconcile rolls nothing.
        assertThat(hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(rotated))
                        .statefulSet()))
                .isEqualTo(afterRotation);
    }

    @Test
    void newQueryApiKeyRollsThePod() {
        SecretKeyRef ref = new SecretKeyRef();
        ref.setName("query-key");
        QueryAccess query = new QueryAccess();
        query.setApiKeySecretRef(ref);
        orders.getSpec().setQuery(query);
        Secret keysSecret = keySecret("aws-keys", "uid-1", "AKIA", "secret");
        Secret apiKey = new SecretBuilder()
                .withNewMetadata()
                .withName("query-key")
                .withUid("uid-2")
                .endMetadata()
                .withData(Map.of("apiKey", "b2xk"))
                .build();
        Secret newApiKey =
                new SecretBuilder(apiKey).withData(Map.of("apiKey", "bmV3")).build();

        assertThat(CollectionWorker.secretNames(orders, keys)).containsExactly("aws-keys", "query-key");
        assertThat(hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(keysSecret, apiKey))
                        .statefulSet()))
                .isNotEqualTo(hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(keysSecret, newApiKey))
                        .statefulSet()));
    }

    @Test
    void podTemplateHashIsNotTheHashOfTheKeyAlone() throws Exception {
        Secret secret = keySecret("aws-keys", "uid-1", "AKIA", "short");
        String hash = hashOf(CollectionWorker.of(orders, keys, OPERATOR, null, List.of(secret))
                .statefulSet());
        String bare = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(secret.getData().get("secretAccessKey").getBytes(StandardCharsets.UTF_8)));

        assertThat(hash).isNotEqualTo(bare).doesNotContain("short");
    }

    @Test
    void statefulSetRunsOneNonRootWorkerWithAReadOnlyRoot() {
        StatefulSet sts = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container worker = pod.getContainers().get(0);

        assertThat(sts.getMetadata().getName()).isEqualTo("orders-worker");
        assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
        assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-worker");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(worker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(worker.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(worker.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(worker.getArgs()).containsExactly("run", "--config", "/etc/dynamosync/settings.json");
        // The image's entrypoint (/app/bin/worker) starts the worker; a command here would bypass it.
        assertThat(worker.getCommand()).isEmpty();
        // The worker of the operator's own release, never a moving tag that IfNotPresent would pin to a stale pull.
        assertThat(worker.getImage())
                .isEqualTo("ghcr.io/dynamo-sync/worker:" + OperatorSettings.version())
                .doesNotEndWith(":latest");
        assertThat(OperatorSettings.version()).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        assertThat(worker.getVolumeMounts())
                .extracting(VolumeMount::getMountPath)
                .containsExactlyInAnyOrder("/data", "/etc/dynamosync", "/tmp");
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tmp");
            assertThat(v.getEmptyDir()).isNotNull();
        });
        assertThat(worker.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        // Liveness waits for the startup probe: a store that opens for many minutes is not killed in a loop.
        assertThat(worker.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(worker.getStartupProbe().getPeriodSeconds()
                        * worker.getStartupProbe().getFailureThreshold())
                .isGreaterThanOrEqualTo(30 * 60)
                .isGreaterThan(worker.getLivenessProbe().getPeriodSeconds()
                        * worker.getLivenessProbe().getFailureThreshold());
        assertThat(worker.getPorts().get(0).getContainerPort()).isEqualTo(8080);
        assertThat(sts.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("DynamoCollection");
            assertThat(owner.getUid()).isEqualTo(orders.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
        });
    }

    @Test
    void volumeIsSizedFromTheSpecOrTenGibibytes() {
        StatefulSet unsized = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();
        Storage storage = new Storage();
        storage.setSize("50Gi");
        storage.setStorageClassName("gp3");
        orders.getSpec().setStorage(storage);
        StatefulSet sized = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();

        assertThat(claimSize(unsized)).isEqualTo(new Quantity("10Gi"));
        assertThat(claimSize(sized)).isEqualTo(new Quantity("50Gi"));
        assertThat(sized.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
                .isEqualTo("gp3");
        assertThat(sized.getSpec()
                        .getVolumeClaimTemplates()
                        .get(0)
                        .getMetadata()
                        .getName())
                .isEqualTo("data");
        assertThat(CollectionWorker.volumeClaimName("orders")).isEqualTo("data-orders-worker-0");
    }

    @Test
    void resourcesComeFromTheSpecWhenSet() {
        StatefulSet defaults = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();
        orders.getSpec()
                .setResources(new ResourceRequirementsBuilder()
                        .withLimits(Map.of("memory", new Quantity("8Gi")))
                        .build());
        StatefulSet custom = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();

        assertThat(defaults.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits())
                .containsEntry("memory", new Quantity("2Gi"));
        assertThat(custom.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getLimits())
                .containsExactlyEntriesOf(Map.of("memory", new Quantity("8Gi")));
    }

    @Test
    void suspendScalesToZeroAndKeepsTheClaimTemplate() {
        orders.getSpec().setSuspend(true);

        StatefulSet sts = CollectionWorker.of(orders, keys, OPERATOR, null).statefulSet();

        assertThat(sts.getSpec().getReplicas()).isZero();
        assertThat(sts.getSpec().getVolumeClaimTemplates()).hasSize(1);
    }

    @Test
    void serviceSelectsTheWorkerPodOnPort8080() {
        CollectionWorker worker = CollectionWorker.of(orders, keys, OPERATOR, null);
        Service service = worker.service();
        Map<String, String> podLabels =
                worker.statefulSet().getSpec().getTemplate().getMetadata().getLabels();

        assertThat(service.getMetadata().getName()).isEqualTo("orders-worker");
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(podLabels)
                .containsAllEntriesOf(
                        worker.statefulSet().getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theWorkerImageIsPulledAsTheSettingsSayAndOnlyWhenMissingByDefault() {
        OperatorSettings always = OPERATOR.withWorkerImage("registry.test/dynamo-sync/worker:0.2.0-SNAPSHOT")
                .withWorkerPod(new OperatorSettings.WorkerPod("Always", null, null, null, null));
        assertThat(CollectionWorker.of(orders, keys, always, null)
                        .statefulSet()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImagePullPolicy())
                .isEqualTo("Always");
        assertThat(OperatorSettings.fromEnvironment(Map.of("DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY", "Never"))
                        .workerImagePullPolicy())
                .isEqualTo("Never");
        assertThat(CollectionWorker.of(orders, keys, OPERATOR, null)
                        .statefulSet()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImagePullPolicy())
                .isEqualTo("IfNotPresent");
    }

    @Test
    void workersGetTheOperatorsPullSecretsAndSchedulingUnlessTheCollectionNamesItsOwn() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(
                "DYNAMOSYNC_WORKER_IMAGE_PULL_SECRETS",
                "[{\"name\":\"regcred\"}]",
                "DYNAMOSYNC_WORKER_NODE_SELECTOR",
                "{\"pool\":\"sync\"}",
                "DYNAMOSYNC_WORKER_TOLERATIONS",
                "[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"sync\",\"effect\":\"NoSchedule\"}]",
                "DYNAMOSYNC_WORKER_AFFINITY",
                "{\"podAntiAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":"
                        + "[{\"weight\":50,\"podAffinityTerm\":{\"topologyKey\":\"kubernetes.io/hostname\"}}]}}"));

        PodSpec pod = CollectionWorker.of(orders, keys, settings, null)
                .statefulSet()
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "sync"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getValue()).isEqualTo("sync");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(
                        w -> assertThat(w.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));

        // The collection replaces each field it names, and keeps the others.
        Scheduling own = new Scheduling();
        own.setNodeSelector(Map.of("pool", "big-memory"));
        own.setTolerations(List.of());
        orders.getSpec().setScheduling(own);
        PodSpec overridden = CollectionWorker.of(orders, keys, settings, null)
                .statefulSet()
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(overridden.getNodeSelector()).containsExactly(Map.entry("pool", "big-memory"));
        assertThat(overridden.getTolerations()).isEmpty();
        assertThat(overridden.getAffinity()).isEqualTo(pod.getAffinity());
        assertThat(overridden.getImagePullSecrets()).isEqualTo(pod.getImagePullSecrets());
        // A change of scheduling changes the pod template, so the StatefulSet rolls the pod onto the new nodes.
        assertThat(overridden).isNotEqualTo(pod);
    }

    @Test
    void withoutSettingsWorkersAreScheduledAnywhereAndBadSettingsStopTheOperatorWithTheirName() {
        PodSpec pod = CollectionWorker.of(orders, keys, OPERATOR, null)
                .statefulSet()
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).isNullOrEmpty();
        assertThat(pod.getAffinity()).isNull();
        assertThat(pod.getImagePullSecrets()).isNullOrEmpty();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OperatorSettings.fromEnvironment(Map.of("DYNAMOSYNC_WORKER_TOLERATIONS", "{\"key\":")))
                .hasMessageContaining("DYNAMOSYNC_WORKER_TOLERATIONS");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        OperatorSettings.fromEnvironment(Map.of("DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY", "Sometimes")))
                .hasMessageContaining("DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY");
    }

    private static Map<String, EnvVar> env(StatefulSet sts) {
        return sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static Secret keySecret(String name, String uid, String id, String key) {
        Base64.Encoder base64 = Base64.getEncoder();
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withUid(uid)
                .endMetadata()
                .withData(new HashMap<>(Map.of(
                        "accessKeyId", base64.encodeToString(id.getBytes(StandardCharsets.UTF_8)),
                        "secretAccessKey", base64.encodeToString(key.getBytes(StandardCharsets.UTF_8)))))
                .build();
    }

    private static String hashOf(StatefulSet sts) {
        return sts.getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(CollectionWorker.SETTINGS_HASH_ANNOTATION);
    }

    private static Quantity claimSize(StatefulSet sts) {
        return sts.getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage");
    }
}
