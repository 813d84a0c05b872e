package io.dynamosync.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamosync.operator.aws.AwsConnector;
import io.dynamosync.operator.aws.S3ExportFiles;
import io.dynamosync.operator.aws.SdkAccessProbe;
import io.dynamosync.operator.aws.SdkStreamEnabler;
import io.dynamosync.operator.aws.StsIdentityCheck;
import io.dynamosync.operator.collection.DynamoCollectionReconciler;
import io.dynamosync.operator.collection.PhaseMetrics;
import io.dynamosync.operator.collection.WorkerStatusSource;
import io.dynamosync.operator.integration.DynamoIntegrationReconciler;
import io.dynamosync.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * The operator as it runs, in a cluster and in tests alike: both reconcilers on one JOSDK {@link Operator}, with
 * leader election when configured, Micrometer metrics, and {@code /healthz}, {@code /readyz} and {@code /metrics}
 * on a small HTTP port.
 */
public final class DynamoSyncOperator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoSyncOperator.class);

    private final Operator operator;
    private final PrometheusMeterRegistry registry;
    private final SdkHttpClient awsHttp;
    private final AwsConnector connector;
    private final HttpServer http;
    private final KubernetesClient client;
    private final OperatorSettings.LeaderElection election;
    private volatile boolean closing;

    /**
     * Builds the operator; {@link #start()} runs it. A leader that loses its lease ends the process, as
     * {@link OperatorMain} needs; see the other constructor.
     *
     * @param client the Kubernetes client, closed with the operator
     * @param operatorCredentials the operator's own AWS identity, from which integrations' roles are assumed
     */
    public DynamoSyncOperator(
            KubernetesClient client, OperatorSettings settings, AwsCredentialsProvider operatorCredentials) {
        this(client, settings, operatorCredentials, DynamoSyncOperator::exitProcess);
    }

    /**
     * Builds the operator; {@link #start()} runs it.
     *
     * @param client the Kubernetes client, closed with the operator
     * @param operatorCredentials the operator's own AWS identity, from which integrations' roles are assumed
     * @param onLostLeadership run when this replica stops leading while it is not being closed: JOSDK cannot stop
     *     reconciling and wait for the lease again, so this must end the replica (its pod is restarted and stands
     *     by), or it would reconcile alongside the next leader
     */
    public DynamoSyncOperator(
            KubernetesClient client,
            OperatorSettings settings,
            AwsCredentialsProvider operatorCredentials,
            Runnable onLostLeadership) {
        this.client = client;
        this.election = settings.leaderElection();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        awsHttp = ApacheHttpClient.builder().maxConnections(64).build();
        connector = new AwsConnector(operatorCredentials, awsHttp);
        operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // Merge patches rather than server-side apply: the same code runs against Fabric8's mock API
                    // server in tests, which refuses SSA, and against clusters.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                            .build())
                    // close() releases the Lease after the operator stops, so it closes the client itself.
                    .withCloseClientOnStop(false)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(20));
            if (election != null) {
                o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                                election.leaseName())
                        .withLeaseNamespace(election.leaseNamespace())
                        .withIdentity(election.identity())
                        .withLeaseDuration(election.leaseDuration())
                        .withRenewDeadline(election.renewDeadline())
                        .withRetryPeriod(election.retryPeriod())
                        // JOSDK 5.2.3 calls System.exit(1) whenever leading stops, including when stop() cancels
                        // the election; called from the shutdown hook that blocks forever (JOSDK issues #1614,
                        // #3376), so the pod hangs until it is killed. Only a lease lost while running must end it.
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> LOG.info("leading as {}; reconciling", election.identity()),
                                () -> {
                                    if (!closing) {
                                        LOG.error(
                                                "{} lost the lease {}/{} while running; stopping so as not to "
                                                        + "reconcile alongside the next leader",
                                                election.identity(),
                                                election.leaseNamespace(),
                                                election.leaseName());
                                        onLostLeadership.run();
                                    }
                                },
                                leader -> LOG.info("leader is now {}", leader)))
                        .build());
            }
        });
        Clock clock = Clock.systemUTC();
        EventRecorder events = new EventRecorder(client);
        operator.register(
                new DynamoIntegrationReconciler(
                        connector,
                        new StsIdentityCheck(),
                        events,
                        clock,
                        settings.workerRoleArn(),
                        settings.statusPollPeriod()),
                watching(settings.watchNamespaces()));
        operator.register(
                new DynamoCollectionReconciler(
                        settings,
                        connector,
                        new SdkAccessProbe(),
                        new SdkStreamEnabler(),
                        new S3ExportFiles(),
                        new WorkerStatusSource(settings::workerAddress),
                        events,
                        new PhaseMetrics(registry),
                        clock),
                watching(settings.watchNamespaces()));
        try {
            http = HttpServer.create(new InetSocketAddress(settings.httpPort()), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + settings.httpPort(), e);
        }
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "operator-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n"));
        http.createContext("/readyz", exchange -> {
            // Ready once started and every informer is watching; with leader election a standby is ready too,
            // as readiness only gates traffic to the metrics port.
            boolean ready = operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy();
            respond(exchange, ready ? 200 : 503, ready ? "ok\n" : "informers not ready\n");
        });
        http.createContext("/metrics", exchange -> respond(exchange, 200, registry.scrape()));
    }

    /**
     * Narrows a controller to {@code namespaces} when some are given, so that Roles in those namespaces suffice; its
     * informers of integrations and collections follow the controller's namespaces.
     */
    private static <P extends HasMetadata> Consumer<ControllerConfigurationOverrider<P>> watching(
            Set<String> namespaces) {
        return o -> {
            if (!namespaces.isEmpty()) {
                o.settingNamespaces(namespaces);
            }
        };
    }

    /** Starts the reconcilers and the HTTP port. */
    public DynamoSyncOperator start() {
        http.start();
        operator.start();
        LOG.info("dynamo-sync operator started; health and metrics on port {}", port());
        return this;
    }

    /** The port of /healthz, /readyz and /metrics. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The metrics registry, for tests that read a meter. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Stops gracefully, as the JVM shutdown hook does: stops reconciling (letting running reconciles finish), then
     * hands the Lease back so that a standby takes over at its next try instead of when the lease expires, then
     * closes the Kubernetes client, the HTTP port and the AWS clients.
     */
    @Override
    public void close() {
        closing = true;
        operator.stop();
        if (election != null) {
            releaseLease();
        }
        client.close();
        http.stop(1);
        connector.close();
        awsHttp.close();
        registry.close();
    }

    /**
     * Empties the Lease's holder if it is still this replica, as client-go does when it releases on cancel (JOSDK
     * 5.2.3 does not release). Only after {@link Operator#stop()}: until then this replica may still reconcile.
     */
    private void releaseLease() {
        try {
            Lease lease = client.leases()
                    .inNamespace(election.leaseNamespace())
                    .withName(election.leaseName())
                    .get();
            if (lease == null
                    || lease.getSpec() == null
                    || !election.identity().equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            lease.getSpec().setHolderIdentity("");
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setAcquireTime(now);
            lease.getSpec().setRenewTime(now);
            // The Lease's resourceVersion makes this a conditional update: if another replica took the lease in
            // the meantime, the conflict leaves its lease alone.
            client.resource(lease).update();
            LOG.info("released the lease {}/{}", election.leaseNamespace(), election.leaseName());
        } catch (KubernetesClientException e) {
            // Not fatal: the standby takes over when the lease expires instead.
            LOG.warn(
                    "could not release the lease {}/{}: {}",
                    election.leaseNamespace(),
                    election.leaseName(),
                    e.getMessage());
        }
    }

    /**
     * Ends the process on a thread of its own: the leader-election thread that calls this returns at once, and the
     * shutdown hook's {@link #close()} can stop the executors it runs on without waiting for it.
     */
    private static void exitProcess() {
        new Thread(() -> System.exit(1), "lost-leadership-exit").start();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
