package io.dynamosync.operator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How this operator runs: the worker image and address, how often it polls workers and re-checks AWS access,
 * and its own ports. Read from the environment in a cluster ({@link #fromEnvironment}); tests build their own.
 *
 * @param workerImage the worker container image
 * @param workerServiceAccount service account of worker pods (for IRSA with role integrations); null for the
 *     namespace default
 * @param workerAddressTemplate base URL of a worker, with {@code {name}} and {@code {namespace}} for the
 *     collection's; {@code /status} is appended
 * @param statusPollPeriod how often each worker's {@code /status} is read into its collection
 * @param accessRecheckPeriod how often a collection's AWS permissions are probed again when nothing changed
 * @param exportThresholdBytes table size from which loadMethod Auto exports instead of scanning
 * @param streamRetention how long the table's stream keeps records; suspensions are warned about near it
 * @param httpPort port of /healthz, /readyz and /metrics; 0 for any free one
 * @param leaderElectionNamespace namespace of the leader-election lease; null runs without leader election
 */
public record OperatorSettings(
        String workerImage,
        String workerServiceAccount,
        String workerAddressTemplate,
        Duration statusPollPeriod,
        Duration accessRecheckPeriod,
        long exportThresholdBytes,
        Duration streamRetention,
        int httpPort,
        String leaderElectionNamespace) {

    /** The worker address inside the cluster: the collection's Service. */
    public static final String DEFAULT_WORKER_ADDRESS = "http://{name}-worker.{namespace}.svc:8080";
    /** The table size from which Auto exports, as DESIGN.md states: 5 GB. */
    public static final long DEFAULT_EXPORT_THRESHOLD_BYTES = 5_000_000_000L;

    /** The settings a cluster deployment gets when the environment sets nothing. */
    public static OperatorSettings defaults() {
        return new OperatorSettings("ghcr.io/dynamo-sync/worker:latest", null, DEFAULT_WORKER_ADDRESS,
                Duration.ofSeconds(30), Duration.ofMinutes(10), DEFAULT_EXPORT_THRESHOLD_BYTES, Duration.ofHours(24),
                8081, null);
    }

    /** Settings from {@code DYNAMOSYNC_*} environment variables, each falling back to {@link #defaults()}. */
    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        OperatorSettings d = defaults();
        return new OperatorSettings(
                env.getOrDefault("DYNAMOSYNC_WORKER_IMAGE", d.workerImage()),
                env.getOrDefault("DYNAMOSYNC_WORKER_SERVICE_ACCOUNT", d.workerServiceAccount()),
                env.getOrDefault("DYNAMOSYNC_WORKER_ADDRESS", d.workerAddressTemplate()),
                duration(env, "DYNAMOSYNC_STATUS_POLL_PERIOD", d.statusPollPeriod()),
                duration(env, "DYNAMOSYNC_ACCESS_RECHECK_PERIOD", d.accessRecheckPeriod()),
                Optional.ofNullable(env.get("DYNAMOSYNC_EXPORT_THRESHOLD_BYTES")).map(Long::parseLong)
                        .orElse(d.exportThresholdBytes()),
                duration(env, "DYNAMOSYNC_STREAM_RETENTION", d.streamRetention()),
                Optional.ofNullable(env.get("DYNAMOSYNC_HTTP_PORT")).map(Integer::parseInt).orElse(d.httpPort()),
                // The Helm chart sets this from the pod's namespace; unset (e.g. run from a laptop) means one replica.
                env.get("DYNAMOSYNC_LEADER_ELECTION_NAMESPACE"));
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        return value == null ? fallback : Duration.parse(value);
    }

    /** These settings with another worker address template, for tests that serve /status themselves. */
    public OperatorSettings withWorkerAddressTemplate(String template) {
        return new OperatorSettings(workerImage, workerServiceAccount, template, statusPollPeriod,
                accessRecheckPeriod, exportThresholdBytes, streamRetention, httpPort, leaderElectionNamespace);
    }

    /** These settings with other polling periods. */
    public OperatorSettings withPeriods(Duration statusPoll, Duration accessRecheck) {
        return new OperatorSettings(workerImage, workerServiceAccount, workerAddressTemplate, statusPoll,
                accessRecheck, exportThresholdBytes, streamRetention, httpPort, leaderElectionNamespace);
    }

    /** These settings with another HTTP port. */
    public OperatorSettings withHttpPort(int port) {
        return new OperatorSettings(workerImage, workerServiceAccount, workerAddressTemplate, statusPollPeriod,
                accessRecheckPeriod, exportThresholdBytes, streamRetention, port, leaderElectionNamespace);
    }

    /** The base URL of the worker of a collection. */
    public String workerAddress(String namespace, String name) {
        return workerAddressTemplate.replace("{name}", name).replace("{namespace}", namespace);
    }
}
