package io.dynamosync.front;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.front.async.QueryBook;
import io.dynamosync.front.catalog.Catalog;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.dynamosync.front.catalog.Workspaces;
import io.dynamosync.front.http.ApiKeys;
import io.dynamosync.front.http.FrontServer;
import io.dynamosync.front.metrics.FrontMetrics;
import io.dynamosync.front.pull.CrossCollectionQuery;
import io.dynamosync.front.pull.FrontDuckDb;
import io.dynamosync.front.route.WorkerClient;
import io.dynamosync.front.route.WorkerKeys;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The query front, wired: the collections of the watched namespaces, their workers behind their Services, the
 * front's own DuckDB for queries across collections, and the HTTP API over them. Stateless: replicas share nothing.
 */
public final class Front implements AutoCloseable {

    private final Catalog catalog;
    private final CrossCollectionQuery cross;
    private final Connection parser;
    private final FrontServer server;
    private final QueryBook book;
    private final WorkspaceResources<QueryLambda> lambdas;
    private final WorkspaceResources<QueryView> views;

    private Front(
            Catalog catalog,
            WorkspaceResources<QueryLambda> lambdas,
            WorkspaceResources<QueryView> views,
            CrossCollectionQuery cross,
            QueryBook book,
            Connection parser,
            FrontServer server) {
        this.catalog = catalog;
        this.lambdas = lambdas;
        this.views = views;
        this.cross = cross;
        this.book = book;
        this.parser = parser;
        this.server = server;
    }

    /**
     * What a front serves: the collections, query lambdas and views, the address of each collection's worker and
     * the key each worker asks for.
     */
    public record Sources(
            Catalog catalog,
            WorkspaceResources<QueryLambda> lambdas,
            WorkspaceResources<QueryView> views,
            Function<DynamoCollection, String> workerAddresses,
            WorkerKeys workerKeys) {

        /** A collection whose worker the caller runs itself: its DynamoDB table and its worker's base URL. */
        public record Served(String table, String workerAddress) {}

        /**
         * Fixed sources, for tools that run their own workers (the demo, the benchmarks): {@code collections} by name,
         * all in {@code namespace}, which is workspace {@code commons}, with {@code lambdas} and no views.
         */
        public static Sources fixed(
                String namespace, Map<String, Served> collections, List<QueryLambda> lambdas, WorkerKeys workerKeys) {
            Workspaces workspaces = new Workspaces(namespace);
            List<DynamoCollection> resources = new ArrayList<>();
            collections.forEach((name, served) -> {
                DynamoCollection collection = new DynamoCollection();
                collection.setMetadata(new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .withCreationTimestamp(Instant.now().toString())
                        .build());
                DynamoCollectionSpec spec = new DynamoCollectionSpec();
                spec.setTable(served.table());
                collection.setSpec(spec);
                resources.add(collection);
            });
            return new Sources(
                    Catalog.of(resources, workspaces, Set.of(namespace)),
                    WorkspaceResources.of(lambdas, workspaces),
                    WorkspaceResources.of(List.of(), workspaces),
                    c -> collections.get(c.getMetadata().getName()).workerAddress(),
                    workerKeys);
        }
    }

    /** Starts watching and serving; returns once the collections that exist are known and the port is open. */
    public static Front start(KubernetesClient client, FrontSettings settings, ApiKeys keys) {
        // Workspace commons is always served: its namespace is watched whether or not it is named.
        java.util.Set<String> watched = new java.util.TreeSet<>(settings.namespaces());
        if (!watched.isEmpty()) {
            watched.add(settings.commonsNamespace());
        }
        Workspaces workspaces = new Workspaces(settings.commonsNamespace());
        Sources sources = new Sources(
                Catalog.watching(client, watched, workspaces),
                WorkspaceResources.watching(client, QueryLambda.class, watched, workspaces, settings.allowWrites()),
                WorkspaceResources.watching(client, QueryView.class, watched, workspaces, settings.allowWrites()),
                WorkerClient.template(settings.workerAddress()),
                new WorkerKeys(client));
        return start(sources, settings, keys);
    }

    /**
     * Serves {@code sources} (fixed ones, for a tool such as the demo or the benchmarks, or watched ones); the
     * settings' namespaces and worker address are those of the sources, not read again.
     */
    public static Front start(Sources sources, FrontSettings settings, ApiKeys keys) {
        Catalog catalog = sources.catalog();
        WorkspaceResources<QueryLambda> lambdas = sources.lambdas();
        WorkspaceResources<QueryView> views = sources.views();
        // A worker answers within its own time limit; this leaves it room to send what it found.
        WorkerClient workers = new WorkerClient(
                sources.workerAddresses(),
                sources.workerKeys(),
                settings.queryTimeout().plus(Duration.ofSeconds(30)));
        FrontDuckDb duckdb = new FrontDuckDb(settings.memoryLimitBytes(), 2);
        CrossCollectionQuery cross = new CrossCollectionQuery(
                workers,
                duckdb,
                new CrossCollectionQuery.Limits(
                        settings.queryTimeout(),
                        settings.maxRows(),
                        settings.concurrentQueries(),
                        settings.maxPullRows()));
        Connection parser;
        try {
            parser = duckdb.open();
        } catch (SQLException e) {
            catalog.close();
            lambdas.close();
            views.close();
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        }
        QueryBook book = new QueryBook(
                new QueryBook.Limits(
                        settings.resultsKeptFor(), settings.resultsMaxBytes(), settings.concurrentQueries()),
                Clock.systemUTC());
        FrontServer server = new FrontServer(
                settings.port(),
                keys,
                catalog,
                workers,
                cross,
                book,
                new FrontMetrics(catalog, book),
                lambdas,
                views,
                parser);
        return new Front(catalog, lambdas, views, cross, book, parser, server);
    }

    /** The port served on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        book.close();
        cross.close();
        catalog.close();
        lambdas.close();
        views.close();
        try {
            parser.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
