package io.dynamosync.operator.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.CatalogCredentialsRef;
import io.dynamosync.api.v1alpha1.CollectionMode;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.IcebergCatalog;
import io.dynamosync.api.v1alpha1.IcebergCatalogType;
import io.dynamosync.api.v1alpha1.IcebergPublishing;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.dynamosync.api.v1alpha1.QueryAccess;
import io.dynamosync.api.v1alpha1.Scheduling;
import io.dynamosync.api.v1alpha1.SecretKeyRef;
import io.dynamosync.api.v1alpha1.Storage;
import io.dynamosync.api.v1alpha1.StreamGapPolicy;
import io.dynamosync.api.v1alpha1.Verification;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.operator.ReferencedSecrets;
import io.dynamosync.operator.Sha256;
import io.dynamosync.operator.aws.AwsConnector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Kubernetes objects that run one collection's worker (its settings ConfigMap, StatefulSet and Service),
 * built as pure functions of the collection, its integration and the operator's settings (as Strimzi's
 * {@code KafkaBridgeCluster} builds a bridge's), so that what the operator asks of the cluster is tested
 * without a server.
 */
public final class CollectionWorker {

    /** The port the worker serves queries, {@code /status} and its probes on. */
    public static final int PORT = 8080;
    /** The ConfigMap key holding the worker's settings. */
    public static final String SETTINGS_KEY = "settings.json";
    /** Where the settings ConfigMap is mounted in the worker container. */
    public static final String CONFIG_DIRECTORY = "/etc/dynamosync";
    /** Where the store's volume is mounted. */
    public static final String DATA_DIRECTORY = "/data";
    /** Name of the volume claim template; the claim of pod 0 is {@code data-<name>-worker-0}. */
    public static final String DATA_VOLUME = "data";
    /**
     * Pod template annotation holding a hash of everything the worker is given at start (its settings and the
     * values of the Secret keys in its environment), so that a change to any of them rolls the pod.
     */
    public static final String SETTINGS_HASH_ANNOTATION = "dynamosync.io/settings-hash";
    /** Label naming the collection on every object the operator makes for it. */
    public static final String COLLECTION_LABEL = "dynamosync.io/collection";
    /** Startup probe failures allowed, 10 s apart: a store gets 30 minutes to open before the pod restarts. */
    static final int STARTUP_FAILURE_THRESHOLD = 180;
    /** The worker's user and group: not root, and owner of the files on its volume. */
    public static final long WORKER_UID = 10001L;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final DynamoCollection collection;
    private final DynamoIntegration integration;
    private final OperatorSettings operator;
    private final WorkerSettings settings;
    private final String settingsJson;
    private final Map<String, Secret> secrets;

    private CollectionWorker(
            DynamoCollection collection,
            DynamoIntegration integration,
            OperatorSettings operator,
            WorkerSettings previous,
            Collection<Secret> secrets) {
        this.collection = collection;
        this.integration = integration;
        this.operator = operator;
        this.secrets = new HashMap<>();
        for (Secret secret : secrets) {
            if (secret != null) {
                this.secrets.put(secret.getMetadata().getName(), secret);
            }
        }
        this.settings = settings(previous);
        try {
            this.settingsJson = JSON.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("worker settings cannot be written as JSON", e);
        }
    }

    /**
     * The worker of {@code collection}.
     *
     * @param previous the settings the worker runs with now (from its ConfigMap), or null for a new worker; used
     *     to tell a change that keeps the store from one that needs it rebuilt
     */
    public static CollectionWorker of(
            DynamoCollection collection,
            DynamoIntegration integration,
            OperatorSettings operator,
            WorkerSettings previous) {
        return new CollectionWorker(collection, integration, operator, previous, List.of());
    }

    /**
     * The worker of {@code collection}, with the Secrets its environment reads as they are now, so that the pod
     * template's hash changes, and the pod rolls, when their values do (rotated access keys, a new API key).
     *
     * @param previous as in {@link #of(DynamoCollection, DynamoIntegration, OperatorSettings, WorkerSettings)}
     * @param secrets the Secrets named by {@link #secretNames}, as read now; a missing one is simply absent
     */
    public static CollectionWorker of(
            DynamoCollection collection,
            DynamoIntegration integration,
            OperatorSettings operator,
            WorkerSettings previous,
            Collection<Secret> secrets) {
        return new CollectionWorker(collection, integration, operator, previous, secrets);
    }

    /** The Secrets, in the collection's namespace, whose keys the worker's environment reads. */
    public static Set<String> secretNames(DynamoCollection collection, DynamoIntegration integration) {
        Set<String> names = new TreeSet<>();
        if (integration.getSpec().getAccessKeySecretRef() != null) {
            names.add(integration.getSpec().getAccessKeySecretRef().getName());
        }
        QueryAccess query = collection.getSpec().getQuery();
        if (query != null && query.getApiKeySecretRef() != null) {
            names.add(query.getApiKeySecretRef().getName());
        }
        return names;
    }

    /** Reads settings as a ConfigMap holds them, or empty when the ConfigMap is absent or not readable. */
    public static Optional<WorkerSettings> readSettings(ConfigMap configMap) {
        if (configMap == null
                || configMap.getData() == null
                || configMap.getData().get(SETTINGS_KEY) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(configMap.getData().get(SETTINGS_KEY), WorkerSettings.class));
        } catch (JsonProcessingException e) {
            // Someone edited the ConfigMap by hand; the operator writes it afresh, and rebuilds to be safe.
            return Optional.empty();
        }
    }

    /** Name of the StatefulSet, the Service and the ConfigMap of a collection's worker. */
    public static String workerName(String collectionName) {
        return collectionName + "-worker";
    }

    /** Name of the volume claim holding a collection's store. */
    public static String volumeClaimName(String collectionName) {
        return DATA_VOLUME + "-" + workerName(collectionName) + "-0";
    }

    /** The collection's export folder in the integration's bucket, as the worker contract defines it. */
    public static String exportPrefix(String integrationPrefix, String namespace, String collectionName) {
        return WorkerSettings.S3.folder(integrationPrefix, namespace, collectionName);
    }

    /** The worker's settings, as written to its ConfigMap. */
    public WorkerSettings settings() {
        return settings;
    }

    /** The settings JSON exactly as the ConfigMap holds it. */
    public String settingsJson() {
        return settingsJson;
    }

    /**
     * SHA-256, in hex, of what the worker is given at start: the settings JSON, then, for each environment
     * variable read from a Secret, its name, the Secret's UID and the key's value (or that it is absent). The UID
     * salts the values, so that the annotation tells nothing about a short API key to someone who cannot read the
     * Secret itself.
     */
    public String settingsHash() {
        MessageDigest digest = Sha256.digest();
        digest.update(settingsJson.getBytes(StandardCharsets.UTF_8));
        for (EnvVar variable : environment()) {
            if (variable.getValueFrom() == null || variable.getValueFrom().getSecretKeyRef() == null) {
                continue; // a plain value is in the pod template itself
            }
            SecretKeySelector ref = variable.getValueFrom().getSecretKeyRef();
            Secret secret = secrets.get(ref.getName());
            String value = secret == null ? null : ReferencedSecrets.value(secret, ref.getKey());
            String part = "\0" + variable.getName() + "\0"
                    + (value == null ? "-" : secret.getMetadata().getUid() + "\0" + value);
            digest.update(part.getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(digest.digest());
    }

    private WorkerSettings settings(WorkerSettings previous) {
        DynamoCollectionSpec spec = collection.getSpec();
        DynamoIntegrationSpec account = integration.getSpec();
        WorkerSettings.Endpoints endpoints = account.getEndpoints() == null
                ? null
                : new WorkerSettings.Endpoints(
                        account.getEndpoints().getDynamodb(),
                        account.getEndpoints().getStreams(),
                        account.getEndpoints().getS3(),
                        account.getEndpoints().getSts());
        WorkerSettings.Credentials credentials = account.getRoleArn() != null
                ? new WorkerSettings.Credentials(
                        "AssumeRole", account.getRoleArn(), AwsConnector.externalId(integration))
                // Access keys reach the worker as environment variables from the Secret, never through the file.
                : new WorkerSettings.Credentials("Default", null, null);
        WorkerSettings.S3 s3 = account.getS3() == null
                ? null
                : new WorkerSettings.S3(
                        account.getS3().getBucket(),
                        exportPrefix(account.getS3().getPrefix(), namespace(), name()),
                        account.getS3().getChecksumWhenRequired(),
                        account.getS3().getForcePathStyle());
        LoadMethod method = spec.getLoadMethod() == null ? LoadMethod.AUTO : spec.getLoadMethod();
        WorkerSettings.Load load = new WorkerSettings.Load(
                loadMethodName(method),
                spec.getReadCapacity() == null || spec.getReadCapacity().getUnits() == null
                        ? null
                        : spec.getReadCapacity().getUnits().doubleValue(),
                spec.getReadCapacity() == null ? null : spec.getReadCapacity().getPercent(),
                spec.getScanSegments(),
                operator.exportThresholdBytes(),
                // Point-in-time recovery is billed; the worker turns it on only where the spec says it may.
                Boolean.TRUE.equals(spec.getEnablePointInTimeRecovery()),
                spec.getCleanupExport());
        WorkerSettings.Stream stream = new WorkerSettings.Stream(
                operator.streamRetention().toMillis() / 3_600_000.0,
                spec.getMode() == CollectionMode.SNAPSHOT ? Boolean.FALSE : null,
                spec.getOnStreamGap() == StreamGapPolicy.FAIL ? WorkerSettings.Stream.FAIL : null);
        WorkerSettings next = new WorkerSettings(
                name(),
                spec.getTable(),
                account.getRegion(),
                endpoints,
                credentials,
                s3,
                load,
                spec.getIngestTransformation(),
                spec.getIgnoreTtlDeletes(),
                DATA_DIRECTORY,
                new WorkerSettings.Http(
                        PORT,
                        spec.getQuery() == null ? null : spec.getQuery().getTimeoutSeconds(),
                        spec.getQuery() == null ? null : spec.getQuery().getMaxRows()),
                stream,
                1L,
                null,
                spec.getRetention(),
                verify(spec.getVerify()),
                iceberg(spec, account));
        return withLoadGeneration(next, loadGeneration(previous, next));
    }

    /**
     * The previous generation while the stored documents are still right for the new settings, the next one
     * when they are not: a different transformation shapes documents differently and a different table holds
     * other items, so the worker must load again, as must a snapshot collection that starts streaming (the changes
     * made since its load are in no stream any more); anything else (the RCU cap, segments, endpoints) does not.
     */
    static long loadGeneration(WorkerSettings previous, WorkerSettings next) {
        if (previous == null) {
            return 1L;
        }
        long current = previous.loadGeneration() == null ? 1L : previous.loadGeneration();
        boolean storeStillRight = Objects.equals(previous.ingestTransformation(), next.ingestTransformation())
                && Objects.equals(previous.table(), next.table())
                && !(!follows(previous) && follows(next));
        return storeStillRight ? current : current + 1;
    }

    private static boolean follows(WorkerSettings settings) {
        return settings.stream() == null || settings.stream().follows();
    }

    private static WorkerSettings withLoadGeneration(WorkerSettings s, long generation) {
        return new WorkerSettings(
                s.collection(),
                s.table(),
                s.region(),
                s.endpoints(),
                s.credentials(),
                s.s3(),
                s.load(),
                s.ingestTransformation(),
                s.ignoreTtlDeletes(),
                s.dataDirectory(),
                s.http(),
                s.stream(),
                generation,
                s.duckdb(),
                s.retention(),
                s.verify(),
                s.iceberg());
    }

    /** The verification options as the worker reads them; null, for the worker's defaults, when the spec sets none. */
    static WorkerSettings.Verify verify(Verification verify) {
        if (verify == null) {
            return null;
        }
        return new WorkerSettings.Verify(
                verify.getIntervalMinutes(), verify.getSegmentsPercent(), verify.getReadCapacityUnits());
    }

    /**
     * Where and how often the collection publishes to Iceberg: its table and interval, in its integration's catalog
     * and warehouse; null when it does not publish, or when the integration names no catalog (the status says so).
     */
    static WorkerSettings.Iceberg iceberg(DynamoCollectionSpec spec, DynamoIntegrationSpec account) {
        IcebergPublishing publishing = spec.getIceberg();
        IcebergCatalog catalog = account.getIcebergCatalog();
        if (publishing == null || catalog == null) {
            return null;
        }
        String type = switch (catalog.getType() == null ? IcebergCatalogType.JDBC : catalog.getType()) {
            case JDBC -> "Jdbc";
            case REST -> "Rest";
            case GLUE -> "Glue";
        };
        return new WorkerSettings.Iceberg(
                type,
                catalog.getUri(),
                catalog.getName() == null ? IcebergCatalog.DEFAULT_NAME : catalog.getName(),
                catalog.getWarehouse(),
                publishing.getTable(),
                publishing.commitIntervalSeconds(),
                publishing.keepSnapshotsSeconds());
    }

    private static String loadMethodName(LoadMethod method) {
        return switch (method) {
            case AUTO -> "Auto";
            case EXPORT -> "Export";
            case SCAN -> "Scan";
        };
    }

    /** Name, namespace, labels and owner of every object this collection owns. */
    private ObjectMeta ownedMetadata() {
        return new ObjectMetaBuilder()
                .withName(workerName(name()))
                .withNamespace(namespace())
                .withLabels(labels())
                .withOwnerReferences(ownerReference())
                .build();
    }

    /** The ConfigMap holding the worker's settings. */
    public ConfigMap configMap() {
        return new ConfigMapBuilder()
                .withMetadata(ownedMetadata())
                .withData(Map.of(SETTINGS_KEY, settingsJson))
                .build();
    }

    /**
     * The Service in front of the worker's port, for queries and for the operator's status polls. It lists the
     * worker before it is ready too: the worker is ready once its first load is complete, and the operator must
     * read the load's progress meanwhile (queries then answer from what is loaded so far).
     */
    public Service service() {
        return new ServiceBuilder()
                .withMetadata(ownedMetadata())
                .withNewSpec()
                .withType("ClusterIP")
                .withPublishNotReadyAddresses(true)
                .withSelector(selector())
                .addNewPort()
                .withName("http")
                .withPort(PORT)
                .withNewTargetPort("http")
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    /**
     * The worker's StatefulSet: one replica (none while suspended), a claim template for the store, a non-root
     * container with a read-only root filesystem, and the settings hash on the pod template.
     */
    public StatefulSet statefulSet() {
        boolean suspended = Boolean.TRUE.equals(collection.getSpec().getSuspend());
        return new StatefulSetBuilder()
                .withMetadata(ownedMetadata())
                .withNewSpec()
                // Zero keeps the claim: a suspended collection resumes from the checkpoint on its volume.
                .withReplicas(suspended ? 0 : 1)
                .withServiceName(workerName(name()))
                .withNewSelector()
                .withMatchLabels(selector())
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels())
                .withAnnotations(Map.of(SETTINGS_HASH_ANNOTATION, settingsHash()))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(operator.workerServiceAccount())
                // The worker never calls the Kubernetes API; IRSA and Pod Identity mount their own token.
                .withAutomountServiceAccountToken(false)
                .withTerminationGracePeriodSeconds(30L)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(WORKER_UID)
                .withRunAsGroup(WORKER_UID)
                // Makes the volume writable by the worker's group on most storage drivers.
                .withFsGroup(WORKER_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withImagePullSecrets(operator.workerPod().imagePullSecrets())
                .withNodeSelector(nodeSelector())
                .withTolerations(tolerations())
                .withAffinity(affinity())
                .withContainers(container())
                .addNewVolume()
                .withName("config")
                .withNewConfigMap()
                .withName(workerName(name()))
                .endConfigMap()
                .endVolume()
                .addNewVolume()
                // DuckDB and the JVM write temporary files; the root filesystem is read-only.
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .endTemplate()
                .withVolumeClaimTemplates(volumeClaimTemplate())
                .endSpec()
                .build();
    }

    private Container container() {
        return new ContainerBuilder()
                .withName("worker")
                .withImage(operator.workerImage())
                .withImagePullPolicy(operator.workerImagePullPolicy())
                .withArgs("run", "--config", CONFIG_DIRECTORY + "/" + SETTINGS_KEY)
                .addNewPort()
                .withName("http")
                .withContainerPort(PORT)
                .withProtocol("TCP")
                .endPort()
                .withEnv(environment())
                .withResources(resources())
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName(DATA_VOLUME)
                .withMountPath(DATA_DIRECTORY)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("config")
                .withMountPath(CONFIG_DIRECTORY)
                .withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                // The worker serves HTTP only once its store is open, which for a large store takes a while: the
                // startup probe holds the liveness probe off until then, so a slow open is not killed in a loop.
                .withStartupProbe(probe("/healthz", STARTUP_FAILURE_THRESHOLD))
                .withLivenessProbe(probe("/healthz", 6))
                .withReadinessProbe(probe("/readyz", 3))
                .build();
    }

    /** The collection's {@code spec.scheduling}, or an empty one. */
    private Scheduling scheduling() {
        Scheduling scheduling = collection.getSpec().getScheduling();
        return scheduling == null ? new Scheduling() : scheduling;
    }

    /** The collection's node selector when it names one, else the operator's; null (none) when empty. */
    private Map<String, String> nodeSelector() {
        Map<String, String> selector = Optional.ofNullable(scheduling().getNodeSelector())
                .orElse(operator.workerPod().nodeSelector());
        return selector.isEmpty() ? null : selector;
    }

    /** The collection's tolerations when it names them, else the operator's. */
    private List<io.fabric8.kubernetes.api.model.Toleration> tolerations() {
        return Optional.ofNullable(scheduling().getTolerations())
                .orElse(operator.workerPod().tolerations());
    }

    /** The collection's affinity when it names one, else the operator's; null (none) when empty. */
    private io.fabric8.kubernetes.api.model.Affinity affinity() {
        io.fabric8.kubernetes.api.model.Affinity affinity = Optional.ofNullable(
                        scheduling().getAffinity())
                .orElse(operator.workerPod().affinity());
        return affinity == null
                        || affinity.getNodeAffinity() == null
                                && affinity.getPodAffinity() == null
                                && affinity.getPodAntiAffinity() == null
                ? null
                : affinity;
    }

    private static Probe probe(String path, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withNewPort("http")
                .endHttpGet()
                .withPeriodSeconds(10)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private List<EnvVar> environment() {
        List<EnvVar> env = new ArrayList<>();
        AccessKeySecretRef keys = integration.getSpec().getAccessKeySecretRef();
        if (keys != null) {
            // Referenced, never copied: the key values stay in the Secret and out of the pod spec.
            env.add(fromSecret("AWS_ACCESS_KEY_ID", keys.getName(), keys.getAccessKeyIdKey()));
            env.add(fromSecret("AWS_SECRET_ACCESS_KEY", keys.getName(), keys.getSecretAccessKeyKey()));
            if (keys.getSessionTokenKey() != null) {
                env.add(fromSecret("AWS_SESSION_TOKEN", keys.getName(), keys.getSessionTokenKey()));
            }
        }
        CatalogCredentialsRef catalogCredentials = integration.getSpec().getIcebergCatalog() == null
                        || collection.getSpec().getIceberg() == null
                ? null
                : integration.getSpec().getIcebergCatalog().getCredentialsSecretRef();
        if (catalogCredentials != null) {
            env.add(fromSecret(
                    WorkerSettings.Iceberg.CATALOG_USER_ENV,
                    catalogCredentials.getName(),
                    catalogCredentials.getUsernameKey()));
            env.add(fromSecret(
                    WorkerSettings.Iceberg.CATALOG_PASSWORD_ENV,
                    catalogCredentials.getName(),
                    catalogCredentials.getPasswordKey()));
        }
        if (collection.getSpec().getQuery() != null
                && collection.getSpec().getQuery().getApiKeySecretRef() != null) {
            SecretKeyRef apiKey = collection.getSpec().getQuery().getApiKeySecretRef();
            env.add(fromSecret("DYNAMOSYNC_API_KEY", apiKey.getName(), apiKey.getKey()));
        }
        return env;
    }

    private static EnvVar fromSecret(String variable, String secret, String key) {
        return new EnvVarBuilder()
                .withName(variable)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(secret)
                .withKey(key)
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }

    private ResourceRequirements resources() {
        if (collection.getSpec().getResources() != null) {
            return collection.getSpec().getResources();
        }
        // DuckDB sizes its buffer pool from the memory limit; 2Gi keeps a mid-sized table's indexes in memory.
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("1Gi")))
                .withLimits(Map.of("memory", new Quantity("2Gi")))
                .build();
    }

    private PersistentVolumeClaim volumeClaimTemplate() {
        Storage storage = collection.getSpec().getStorage();
        String size = storage == null || storage.getSize() == null ? Storage.DEFAULT_SIZE : storage.getSize();
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(DATA_VOLUME)
                .withLabels(labels())
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storage == null ? null : storage.getStorageClassName())
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity(size)))
                .endResources()
                .endSpec()
                .build();
    }

    /** Labels on every object of this worker. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(selector());
        labels.put("app.kubernetes.io/managed-by", "dynamo-sync-operator");
        labels.put("app.kubernetes.io/component", "worker");
        return labels;
    }

    private Map<String, String> selector() {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("app.kubernetes.io/name", "dynamo-sync-worker");
        selector.put("app.kubernetes.io/instance", name());
        selector.put(COLLECTION_LABEL, name());
        return selector;
    }

    private OwnerReference ownerReference() {
        // Controller and blockOwnerDeletion let the garbage collector remove these with the collection.
        return new OwnerReferenceBuilder()
                .withApiVersion(collection.getApiVersion())
                .withKind(collection.getKind())
                .withName(name())
                .withUid(collection.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private String name() {
        return collection.getMetadata().getName();
    }

    private String namespace() {
        return collection.getMetadata().getNamespace();
    }
}
