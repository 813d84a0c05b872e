package io.dynamosync.front;

import io.dynamosync.front.route.WorkerClient;
import java.time.Duration;
import java.util.Set;

/**
 * How the front runs.
 *
 * @param port the HTTP port; 0 for any free one
 * @param namespaces the namespaces whose collections it serves; empty for all
 * @param commonsNamespace the namespace workspace {@code commons} (and bare collection names) stands for
 * @param workerAddress base URL of a collection's worker, with {@code {name}} and {@code {namespace}}
 * @param queryTimeout how long a query across collections may run in the front's DuckDB
 * @param maxRows the most rows a query across collections answers
 * @param memoryLimitBytes DuckDB's memory limit for one query across collections
 * @param concurrentQueries how many queries across collections run at once
 * @param maxPullRows the most rows a query across collections pulls of one collection, after its own filters
 * @param resultsKeptFor how long the results of an async or paginated query stay after it ends
 * @param resultsMaxBytes the most bytes of such results kept for all queries together
 * @param allowWrites whether keys with role {@code manage} may create, change and delete query lambdas and views
 *     through the API (the front's RBAC must then allow it); otherwise such writes are refused
 */
public record FrontSettings(
        int port,
        Set<String> namespaces,
        String commonsNamespace,
        String workerAddress,
        Duration queryTimeout,
        int maxRows,
        long memoryLimitBytes,
        int concurrentQueries,
        long maxPullRows,
        Duration resultsKeptFor,
        long resultsMaxBytes,
        boolean allowWrites) {

    public FrontSettings {
        namespaces = Set.copyOf(namespaces);
    }

    /** Port 8080, every namespace, {@code commons} in {@code default}, workers at their Services. */
    public static FrontSettings defaults() {
        return new FrontSettings(
                8080,
                Set.of(),
                "default",
                WorkerClient.DEFAULT_ADDRESS,
                Duration.ofSeconds(30),
                10_000,
                512L << 20,
                4,
                1_000_000,
                Duration.ofMinutes(30),
                256L << 20,
                false);
    }

    public FrontSettings withPort(int port) {
        return copy(port, namespaces, commonsNamespace, workerAddress, allowWrites);
    }

    public FrontSettings withNamespaces(Set<String> namespaces, String commonsNamespace) {
        return copy(port, namespaces, commonsNamespace, workerAddress, allowWrites);
    }

    public FrontSettings withWorkerAddress(String workerAddress) {
        return copy(port, namespaces, commonsNamespace, workerAddress, allowWrites);
    }

    public FrontSettings withWrites(boolean allowWrites) {
        return copy(port, namespaces, commonsNamespace, workerAddress, allowWrites);
    }

    /** These settings with the fields the withers change replaced. */
    private FrontSettings copy(
            int port, Set<String> namespaces, String commonsNamespace, String workerAddress, boolean allowWrites) {
        return new FrontSettings(
                port,
                namespaces,
                commonsNamespace,
                workerAddress,
                queryTimeout,
                maxRows,
                memoryLimitBytes,
                concurrentQueries,
                maxPullRows,
                resultsKeptFor,
                resultsMaxBytes,
                allowWrites);
    }
}
