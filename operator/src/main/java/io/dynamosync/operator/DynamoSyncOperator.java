package io.dynamosync.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamosync.operator.aws.AwsConnector;
import io.dynamosync.operator.aws.SdkAccessProbe;
import io.dynamosync.operator.aws.SdkStreamEnabler;
import io.dynamosync.operator.aws.S3ExportFiles;
import io.dynamosync.operator.aws.StsIdentityCheck;
import io.dynamosync.operator.collection.CollectionPhases;
import io.dynamosync.operator.collection.DynamoCollectionReconciler;
import io.dynamosync.operator.collection.WorkerStatusSource;
import io.dynamosync.operator.integration.DynamoIntegrationReconciler;
import io.dynamosync.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
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
import java.util.concurrent.Executors;
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

    /**
     * Builds the operator; {@link #start()} runs it.
     *
     * @param client the Kubernetes client, closed with the operator
     * @param operatorCredentials the operator's own AWS identity, from which integrations' roles are assumed
     */
    public DynamoSyncOperator(KubernetesClient client, OperatorSettings settings,
            AwsCredentialsProvider operatorCredentials) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        awsHttp = ApacheHttpClient.builder().maxConnections(64).build();
        connector = new AwsConnector(operatorCredentials, awsHttp);
        operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    // Merge patches rather than server-side apply: the same code runs against Fabric8's mock API
                    // server in tests, which refuses SSA, and against clusters.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build())
                    .withCloseClientOnStop(true)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(20));
            if (settings.leaderElectionNamespace() != null) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration("dynamo-sync-operator",
                        settings.leaderElectionNamespace()));
            }
        });
        Clock clock = Clock.systemUTC();
        EventRecorder events = new EventRecorder(client);
        operator.register(new DynamoIntegrationReconciler(connector, new StsIdentityCheck(), events, clock));
        operator.register(new DynamoCollectionReconciler(settings, connector, new SdkAccessProbe(),
                new SdkStreamEnabler(), new S3ExportFiles(), new WorkerStatusSource(settings::workerAddress), events,
                new CollectionPhases(registry), clock));
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

    /** Stops reconciling (letting running reconciles finish), then the HTTP port and AWS clients. */
    @Override
    public void close() {
        operator.stop();
        http.stop(1);
        connector.close();
        awsHttp.close();
        registry.close();
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
