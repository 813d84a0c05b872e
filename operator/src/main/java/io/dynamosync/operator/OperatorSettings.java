package io.dynamosync.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.worker.WorkerSettings;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * How this operator runs: the worker image and address, how often it polls workers and re-checks AWS access,
 * and its own ports. Read from the environment in a cluster ({@link #fromEnvironment}); tests build their own.
 *
 * @param workerImage the worker container image
 * @param workerServiceAccount service account of worker pods (for IRSA with role integrations); null for the
 *     namespace default
 * @param workerRoleArn the IAM role worker pods run as (the role their ServiceAccount's IRSA annotation or Pod
 *     Identity association names); a role integration's trust policy must trust it, since each worker assumes the
 *     integration's role itself. Null when not configured: the trust policy then names the operator only
 * @param workerAddressTemplate base URL of a worker, with {@code {name}} and {@code {namespace}} for the
 *     collection's; {@code /status} is appended
 * @param statusPollPeriod how often each worker's {@code /status} is read into its collection
 * @param accessRecheckPeriod how often a collection's AWS permissions are probed again when nothing changed
 * @param exportThresholdBytes table size from which loadMethod Auto exports instead of scanning
 * @param streamRetention how long the table's stream keeps records; suspensions are warned about near it
 * @param httpPort port of /healthz, /readyz and /metrics; 0 for any free one
 * @param leaderElection how replicas elect the one that reconciles; null runs without leader election (one replica)
 * @param watchNamespaces the namespaces whose integrations and collections are reconciled; empty for all, which
 *     needs cluster-wide permissions
 * @param workerPod how worker pods pull their image and where they are scheduled
 */
public record OperatorSettings(
        String workerImage,
        String workerServiceAccount,
        String workerRoleArn,
        String workerAddressTemplate,
        Duration statusPollPeriod,
        Duration accessRecheckPeriod,
        long exportThresholdBytes,
        Duration streamRetention,
        int httpPort,
        LeaderElection leaderElection,
        Set<String> watchNamespaces,
        WorkerPod workerPod) {

    /** The worker address inside the cluster: the collection's Service. */
    public static final String DEFAULT_WORKER_ADDRESS = "http://{name}-worker.{namespace}.svc:8080";
    /** The table size from which Auto exports: the worker contract's default, 5 GB. */
    public static final long DEFAULT_EXPORT_THRESHOLD_BYTES = WorkerSettings.Load.DEFAULT_EXPORT_THRESHOLD_BYTES;

    /** The repository of the worker image this project publishes; the tag is the operator's own version. */
    public static final String DEFAULT_WORKER_REPOSITORY = "ghcr.io/dynamo-sync/worker";

    public OperatorSettings {
        // Copied: the controllers are registered with it, and a caller's set must not change under them.
        watchNamespaces = Set.copyOf(watchNamespaces);
        workerPod = workerPod == null ? WorkerPod.NONE : workerPod;
    }

    /** The settings a cluster deployment gets when the environment sets nothing. */
    public static OperatorSettings defaults() {
        // The worker of the same release: a moving tag like latest with IfNotPresent would run whichever
        // worker a node happened to pull first.
        return new OperatorSettings(
                DEFAULT_WORKER_REPOSITORY + ":" + version(),
                null,
                null,
                DEFAULT_WORKER_ADDRESS,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                DEFAULT_EXPORT_THRESHOLD_BYTES,
                Duration.ofHours(24),
                8081,
                null,
                Set.of(),
                WorkerPod.NONE);
    }

    /** Settings from {@code DYNAMOSYNC_*} environment variables, each falling back to {@link #defaults()}. */
    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        OperatorSettings d = defaults();
        return new OperatorSettings(
                env.getOrDefault("DYNAMOSYNC_WORKER_IMAGE", d.workerImage()),
                env.getOrDefault("DYNAMOSYNC_WORKER_SERVICE_ACCOUNT", d.workerServiceAccount()),
                env.getOrDefault("DYNAMOSYNC_WORKER_ROLE_ARN", d.workerRoleArn()),
                env.getOrDefault("DYNAMOSYNC_WORKER_ADDRESS", d.workerAddressTemplate()),
                duration(env, "DYNAMOSYNC_STATUS_POLL_PERIOD", d.statusPollPeriod()),
                duration(env, "DYNAMOSYNC_ACCESS_RECHECK_PERIOD", d.accessRecheckPeriod()),
                Optional.ofNullable(env.get("DYNAMOSYNC_EXPORT_THRESHOLD_BYTES"))
                        .map(Long::parseLong)
                        .orElse(d.exportThresholdBytes()),
                duration(env, "DYNAMOSYNC_STREAM_RETENTION", d.streamRetention()),
                Optional.ofNullable(env.get("DYNAMOSYNC_HTTP_PORT"))
                        .map(Integer::parseInt)
                        .orElse(d.httpPort()),
                leaderElection(env),
                namespaces(env.getOrDefault("DYNAMOSYNC_WATCH_NAMESPACES", "")),
                new WorkerPod(
                        env.get("DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY"),
                        json(env, "DYNAMOSYNC_WORKER_IMAGE_PULL_SECRETS", new TypeReference<>() {}),
                        json(env, "DYNAMOSYNC_WORKER_NODE_SELECTOR", new TypeReference<>() {}),
                        json(env, "DYNAMOSYNC_WORKER_TOLERATIONS", new TypeReference<>() {}),
                        json(env, "DYNAMOSYNC_WORKER_AFFINITY", new TypeReference<>() {})));
    }

    /** A variable holding JSON of a Kubernetes type, as the Helm chart writes it ({@code toJson}); null when unset. */
    private static <T> T json(Map<String, String> env, String name, TypeReference<T> type) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new ObjectMapper().readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    name + " is not JSON of the expected shape: " + e.getOriginalMessage(), e);
        }
    }

    /** A comma-separated list, as the Helm chart joins {@code watchNamespaces}; blank entries are ignored. */
    private static Set<String> namespaces(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** This operator's version, as the build recorded it; also the tag of the images of this release. */
    public static String version() {
        Properties build = new Properties();
        try (InputStream in = OperatorSettings.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("build.properties is part of the operator's jar", e);
        }
        String version = build.getProperty("version");
        if (version == null || version.startsWith("${")) {
            throw new IllegalStateException("the operator was built without its version in build.properties");
        }
        return version;
    }

    private static LeaderElection leaderElection(Map<String, String> env) {
        // The Helm chart sets this from the pod's namespace; unset (e.g. run from a laptop) means one replica.
        String namespace = env.get("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE");
        if (namespace == null) {
            return null;
        }
        // Kubernetes sets HOSTNAME to the pod's name, which is unique among the replicas and names the holder in the
        // Lease readably; a random ID is the fallback so that two replicas can never share an identity.
        String identity = Optional.ofNullable(env.get("DYNAMOSYNC_LEADER_ELECTION_IDENTITY"))
                .or(() -> Optional.ofNullable(env.get("HOSTNAME")))
                .filter(s -> !s.isBlank())
                .orElseGet(() -> UUID.randomUUID().toString());
        LeaderElection d = LeaderElection.in(namespace, identity);
        return d.withTimings(
                duration(env, "DYNAMOSYNC_LEADER_ELECTION_LEASE_DURATION", d.leaseDuration()),
                duration(env, "DYNAMOSYNC_LEADER_ELECTION_RENEW_DEADLINE", d.renewDeadline()),
                duration(env, "DYNAMOSYNC_LEADER_ELECTION_RETRY_PERIOD", d.retryPeriod()));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        return value == null ? fallback : Duration.parse(value);
    }

    /** These settings with another worker address template, for tests that serve /status themselves. */
    public OperatorSettings withWorkerAddressTemplate(String template) {
        return copy(c -> c.workerAddressTemplate = template);
    }

    /** These settings with the IAM role worker pods run as. */
    public OperatorSettings withWorkerRoleArn(String roleArn) {
        return copy(c -> c.workerRoleArn = roleArn);
    }

    /** These settings with other polling periods. */
    public OperatorSettings withPeriods(Duration statusPoll, Duration accessRecheck) {
        return copy(c -> {
            c.statusPollPeriod = statusPoll;
            c.accessRecheckPeriod = accessRecheck;
        });
    }

    /** These settings with another HTTP port. */
    public OperatorSettings withHttpPort(int port) {
        return copy(c -> c.httpPort = port);
    }

    /** These settings with leader election; null turns it off. */
    public OperatorSettings withLeaderElection(LeaderElection election) {
        return copy(c -> c.leaderElection = election);
    }

    /** These settings watching only {@code namespaces}; empty watches all. */
    public OperatorSettings withWatchNamespaces(Set<String> namespaces) {
        return copy(c -> c.watchNamespaces = namespaces);
    }

    /** These settings with another worker image. */
    public OperatorSettings withWorkerImage(String image) {
        return copy(c -> c.workerImage = image);
    }

    /** These settings with other worker pod settings. */
    public OperatorSettings withWorkerPod(WorkerPod pod) {
        return copy(c -> c.workerPod = pod);
    }

    /**
     * The worker image's pull policy: {@link WorkerPod#imagePullPolicy} when set, else {@code IfNotPresent}. The Helm
     * chart always sets it, to {@code Always} for a {@code -SNAPSHOT} tag (rebuilt under the same tag, so a node must
     * pull it again) and {@code IfNotPresent} for a release, by the rule it applies to the operator's own image.
     */
    public String workerImagePullPolicy() {
        return workerPod.imagePullPolicy() == null
                        || workerPod.imagePullPolicy().isBlank()
                ? "IfNotPresent"
                : workerPod.imagePullPolicy();
    }

    /**
     * What every worker pod gets beside its container: how its image is pulled, and where it may be scheduled. A
     * collection's {@code spec.scheduling} replaces the node selector, tolerations or affinity it names.
     *
     * @param imagePullPolicy the worker image's pull policy; null for {@code IfNotPresent}
     * @param imagePullSecrets Secrets, in each collection's namespace, to pull the worker image with
     * @param nodeSelector node labels worker pods require
     * @param tolerations taints worker pods tolerate
     * @param affinity node and pod affinity of worker pods
     */
    public record WorkerPod(
            String imagePullPolicy,
            List<LocalObjectReference> imagePullSecrets,
            Map<String, String> nodeSelector,
            List<Toleration> tolerations,
            Affinity affinity) {

        /** Nothing set: IfNotPresent, no pull secrets, scheduled anywhere. */
        public static final WorkerPod NONE = new WorkerPod(null, null, null, null, null);

        /** The pull policies Kubernetes knows. */
        private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

        public WorkerPod {
            if (imagePullPolicy != null && !imagePullPolicy.isBlank() && !PULL_POLICIES.contains(imagePullPolicy)) {
                throw new IllegalArgumentException("DYNAMOSYNC_WORKER_IMAGE_PULL_POLICY must be one of "
                        + new java.util.TreeSet<>(PULL_POLICIES) + ", got " + imagePullPolicy);
            }
            imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
            nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
            tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        }
    }

    /** The base URL of the worker of a collection. */
    public String workerAddress(String namespace, String name) {
        return workerAddressTemplate.replace("{name}", name).replace("{namespace}", namespace);
    }

    /**
     * Leader election among replicas through a {@code coordination.k8s.io/v1} Lease: only the holder reconciles; the
     * others keep their informers warm and take over once the lease is released (on a graceful stop) or expires.
     *
     * @param leaseNamespace namespace of the Lease
     * @param leaseName name of the Lease, the same for every replica
     * @param identity this replica's name in the Lease's {@code holderIdentity}; unique among the replicas
     * @param leaseDuration how long a lease that is not renewed keeps the others waiting, the longest a crashed
     *     leader leaves resources unreconciled
     * @param renewDeadline how long the leader keeps failing to renew before it gives up leading (and the process
     *     exits, so that it cannot reconcile alongside the next leader)
     * @param retryPeriod how often the leader renews and the others try to acquire
     */
    public record LeaderElection(
            String leaseNamespace,
            String leaseName,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod) {

        /** The Lease every replica of the operator competes for. */
        public static final String DEFAULT_LEASE_NAME = "dynamo-sync-operator";

        public LeaderElection {
            Objects.requireNonNull(leaseNamespace, "leaseNamespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
            // As client-go requires: a leader must give up before its lease can expire under it, and must get
            // more than one try at renewing before it gives up.
            if (retryPeriod.isNegative()
                    || retryPeriod.isZero()
                    || renewDeadline.compareTo(retryPeriod) <= 0
                    || leaseDuration.compareTo(renewDeadline) <= 0) {
                throw new IllegalArgumentException("leader election needs lease duration > renew deadline > retry "
                        + "period > 0, got " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
        }

        /**
         * The default lease in {@code namespace}: 15 s lease, 10 s renew deadline, 2 s retry, the defaults of JOSDK
         * and client-go, so that a crashed leader is replaced within about 15 s at one Lease write per 2 s.
         */
        public static LeaderElection in(String namespace, String identity) {
            return new LeaderElection(
                    namespace,
                    DEFAULT_LEASE_NAME,
                    identity,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }

        /** This election with other timings. */
        public LeaderElection withTimings(Duration lease, Duration renew, Duration retry) {
            return new LeaderElection(leaseNamespace, leaseName, identity, lease, renew, retry);
        }
    }

    /** These settings with the changes {@code change} makes to a copy of their fields: one home for the withers. */
    private OperatorSettings copy(java.util.function.Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return new OperatorSettings(
                c.workerImage,
                c.workerServiceAccount,
                c.workerRoleArn,
                c.workerAddressTemplate,
                c.statusPollPeriod,
                c.accessRecheckPeriod,
                c.exportThresholdBytes,
                c.streamRetention,
                c.httpPort,
                c.leaderElection,
                c.watchNamespaces,
                c.workerPod);
    }

    /** The fields of a copy in the making. */
    private static final class Fields {
        String workerImage;
        String workerServiceAccount;
        String workerRoleArn;
        String workerAddressTemplate;
        Duration statusPollPeriod;
        Duration accessRecheckPeriod;
        long exportThresholdBytes;
        Duration streamRetention;
        int httpPort;
        LeaderElection leaderElection;
        Set<String> watchNamespaces;
        WorkerPod workerPod;

        Fields(OperatorSettings from) {
            workerImage = from.workerImage;
            workerServiceAccount = from.workerServiceAccount;
            workerRoleArn = from.workerRoleArn;
            workerAddressTemplate = from.workerAddressTemplate;
            statusPollPeriod = from.statusPollPeriod;
            accessRecheckPeriod = from.accessRecheckPeriod;
            exportThresholdBytes = from.exportThresholdBytes;
            streamRetention = from.streamRetention;
            httpPort = from.httpPort;
            leaderElection = from.leaderElection;
            watchNamespaces = from.watchNamespaces;
            workerPod = from.workerPod;
        }
    }
}
