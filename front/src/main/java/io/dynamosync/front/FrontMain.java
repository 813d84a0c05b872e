package io.dynamosync.front;

import io.dynamosync.front.http.ApiKeys;
import io.dynamosync.front.http.FrontKey;
import io.dynamosync.front.http.SecretApiKeys;
import io.dynamosync.front.route.WorkerClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The query front's command line: {@code front [--port 8080] [--namespaces a,b] [--commons-namespace ns]}. */
@Command(
        name = "front",
        mixinStandardHelpOptions = true,
        description = "Serves the hosted service's REST API over every DynamoCollection of the watched namespaces.")
public final class FrontMain implements Callable<Integer> {

    // Each option defaults to a DYNAMOSYNC_* environment variable, as the operator's settings do: the chart's
    // Deployment sets them, and the local kubelet gives a pod its port in DYNAMOSYNC_HTTP_PORT.
    @Option(
            names = "--port",
            description = "HTTP port (default ${DEFAULT-VALUE}; env DYNAMOSYNC_HTTP_PORT).",
            defaultValue = "${env:DYNAMOSYNC_HTTP_PORT:-8080}")
    int port;

    @Option(
            names = "--namespaces",
            description = "Comma-separated namespaces whose collections are served; all when empty (default; env"
                    + " DYNAMOSYNC_WATCH_NAMESPACES).",
            defaultValue = "${env:DYNAMOSYNC_WATCH_NAMESPACES:-}")
    String namespaces;

    @Option(
            names = "--commons-namespace",
            description = "The namespace of workspace commons and of bare collection names (default ${DEFAULT-VALUE};"
                    + " env DYNAMOSYNC_COMMONS_NAMESPACE).",
            defaultValue = "${env:DYNAMOSYNC_COMMONS_NAMESPACE:-default}")
    String commonsNamespace;

    @Option(
            names = "--worker-address",
            description = "A worker's base URL, with {name} and {namespace} (default: the collection's Service, "
                    + WorkerClient.DEFAULT_ADDRESS + "; env DYNAMOSYNC_WORKER_ADDRESS).",
            defaultValue = "${env:DYNAMOSYNC_WORKER_ADDRESS:-" + WorkerClient.DEFAULT_ADDRESS + "}")
    String workerAddress;

    @Option(
            names = "--query-timeout-seconds",
            description = "Time limit of a query across collections (default ${DEFAULT-VALUE}).",
            defaultValue = "30")
    int queryTimeoutSeconds;

    @Option(
            names = "--max-rows",
            description = "The most rows a query across collections answers (default ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int maxRows;

    @Option(
            names = "--memory-limit-mb",
            description = "DuckDB memory limit of one query across collections, in MiB (default ${DEFAULT-VALUE}).",
            defaultValue = "512")
    long memoryLimitMb;

    @Option(
            names = "--concurrent-queries",
            description = "How many queries across collections run at once (default ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int concurrentQueries;

    @Option(
            names = "--max-pull-rows",
            description = "The most rows a query across collections pulls of one collection, after its own filters"
                    + " (default ${DEFAULT-VALUE}).",
            defaultValue = "1000000")
    long maxPullRows;

    @Option(
            names = "--results-keep-minutes",
            description = "How long the results of an async or paginated query stay after it ends (default"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "30")
    long resultsKeepMinutes;

    @Option(
            names = "--results-max-mb",
            description = "The most MiB of such results kept for all queries together; the oldest go first (default"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "256")
    long resultsMaxMb;

    @Option(
            names = "--api-keys-secret",
            description = "A Secret in the front's own namespace whose entries are API keys, each with its scope (see"
                    + " README); read again every 15 s. None by default (env DYNAMOSYNC_API_KEYS_SECRET).",
            defaultValue = "${env:DYNAMOSYNC_API_KEYS_SECRET:-}")
    String apiKeysSecret;

    @Option(
            names = "--allow-writes",
            description = "Lets keys with role manage create, change and delete query lambdas and views through the API"
                    + " (the front's RBAC must allow it; the chart's front.allowWrites does both). Off by default: they"
                    + " are then managed with kubectl or GitOps only (env DYNAMOSYNC_FRONT_ALLOW_WRITES).",
            defaultValue = "${env:DYNAMOSYNC_FRONT_ALLOW_WRITES:-false}",
            arity = "1",
            fallbackValue = "true")
    boolean allowWrites;

    @Option(
            names = "--namespace",
            description = "The front's own namespace, where --api-keys-secret is (default ${DEFAULT-VALUE}; env"
                    + " DYNAMOSYNC_NAMESPACE).",
            defaultValue = "${env:DYNAMOSYNC_NAMESPACE:-default}")
    String ownNamespace;

    @Override
    public Integer call() throws InterruptedException {
        Set<String> watched = Arrays.stream(namespaces.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        FrontSettings settings = new FrontSettings(
                port,
                watched,
                commonsNamespace,
                workerAddress,
                Duration.ofSeconds(queryTimeoutSeconds),
                maxRows,
                memoryLimitMb << 20,
                concurrentQueries,
                maxPullRows,
                Duration.ofMinutes(resultsKeepMinutes),
                resultsMaxMb << 20,
                allowWrites);
        KubernetesClient client = new KubernetesClientBuilder().build();
        ApiKeys keys = ApiKeys.of(FrontKey.of(System.getenv(FrontKey.ENVIRONMENT)));
        SecretApiKeys secretKeys = apiKeysSecret.isBlank()
                ? null
                : new SecretApiKeys(client, ownNamespace, apiKeysSecret.strip(), keys).start(Duration.ofSeconds(15));
        Front front = Front.start(client, settings, keys);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (secretKeys != null) {
                secretKeys.close();
            }
            front.close();
            client.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FrontMain()).execute(args));
    }
}
