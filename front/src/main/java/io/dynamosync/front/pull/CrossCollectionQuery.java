package io.dynamosync.front.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.api.QueryRequest;
import io.dynamosync.front.plan.ParameterText;
import io.dynamosync.front.plan.Pushdown;
import io.dynamosync.front.plan.QueryPlan;
import io.dynamosync.front.plan.WorkerSql;
import io.dynamosync.front.route.WorkerClient;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;

/**
 * Runs a statement that reads several collections (or none): from each collection's worker it pulls the columns the
 * statement uses, filtered by the conditions on that collection alone ({@link Pushdown}), through the worker's query
 * API as an Arrow stream, loads them into a fresh {@link FrontDuckDb} as they arrive, and runs the statement there
 * as written. A collection with more rows to pull than {@link Limits#maxPullRows} fails the query
 * with {@code RESOURCEEXCEEDED} rather than answer from part of it. The answer says, per collection, the time its
 * data is synced to ({@code syncedAsOf}), read from its worker before the pull.
 */
public final class CrossCollectionQuery implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile("LINE (\\d+):");

    /**
     * The bounds of a query run by the front.
     *
     * @param timeout how long the statement may run in the front's DuckDB, pulls not counted
     * @param maxRows the most rows it answers
     * @param concurrent how many such queries run at once (each has its own DuckDB of the memory limit)
     * @param maxPullRows the most rows pulled of one collection, after its own filters
     */
    public record Limits(Duration timeout, int maxRows, int concurrent, long maxPullRows) {}

    /** Each collection's key column. */
    private static final String ID = "_id";

    private final WorkerClient workers;
    private final Limits limits;
    private final Semaphore places;
    /** Each query's own database, opened ahead. */
    private final FreshDatabases databases;
    /** The native memory of the Arrow batches on their way from the workers into DuckDB. */
    private final BufferAllocator memory = new RootAllocator();

    private final ExecutorService pullers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "front-pull");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "front-query-time-limit");
        thread.setDaemon(true);
        return thread;
    });

    public CrossCollectionQuery(WorkerClient workers, FrontDuckDb duckdb, Limits limits) {
        this.workers = workers;
        this.limits = limits;
        this.places = new Semaphore(limits.concurrent());
        this.databases = new FreshDatabases(duckdb);
    }

    /** Runs the plan's statement; the answer has the hosted service's query response shape. */
    public ObjectNode run(QueryPlan plan, QueryRequest.Sql sql, String queryId) {
        long start = System.nanoTime();
        boolean entered;
        try {
            entered = places.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, ApiError.NOT_READY, "the front is stopping");
        }
        if (!entered) {
            throw new ApiError(
                    429,
                    ApiError.RATE_LIMIT,
                    "the " + limits.concurrent() + " queries across collections the front runs at once are running;"
                            + " try again shortly");
        }
        // Confined from the start: loading the pulled rows needs neither files nor settings.
        try (Connection connection = databases.take()) {
            Map<String, QueryRequest.Parameter> declared = declared(plan, sql);
            Map<String, List<JsonNode>> filters = Pushdown.filters(plan);
            // Every collection at once: each pull waits on its own worker.
            PullStreams streams = new PullStreams();
            List<CompletableFuture<Pulled>> pulls = new ArrayList<>();
            for (QueryPlan.Target target : plan.collections()) {
                pulls.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return pull(connection, plan, target, filters.get(target.name()), declared, streams);
                            } catch (SQLException e) {
                                throw new IllegalStateException("DuckDB could not write a pull's SQL: " + e, e);
                            }
                        },
                        pullers));
            }
            Map<String, Instant> syncedAsOf = new LinkedHashMap<>();
            List<Pulled> pulled = new ArrayList<>();
            for (CompletableFuture<Pulled> pull : pulls) {
                Pulled p = joined(pull, pulls, streams);
                pulled.add(p);
                p.syncedAsOf().ifPresent(t -> syncedAsOf.put(p.target().name(), t));
            }
            int limit = sql.defaultRowLimit() == null
                    ? limits.maxRows()
                    : Math.max(1, Math.min(limits.maxRows(), sql.defaultRowLimit()));
            return execute(connection, plan, declared, pulled, syncedAsOf, limit, queryId, start);
        } catch (SQLException e) {
            throw queryError(e.getMessage());
        } finally {
            places.release();
        }
    }

    /**
     * Pulls the columns of one collection the statement may use, with its own filters, as one Arrow stream from its
     * worker, loaded into the front's DuckDB as it arrives. Every row is at least as new as the {@code syncedAsOf}
     * read before. The worker is asked for one row more than {@link Limits#maxPullRows}, to tell a collection at the
     * limit from one past it.
     */
    private Pulled pull(
            Connection connection,
            QueryPlan plan,
            QueryPlan.Target target,
            List<JsonNode> filters,
            Map<String, QueryRequest.Parameter> declared,
            PullStreams streams)
            throws SQLException {
        // Read before the pull, so that the pulled rows are at least as new as this; beside the columns, not after.
        CompletableFuture<Optional<Instant>> synced =
                CompletableFuture.supplyAsync(() -> workers.syncedAsOf(target.resource(), target.name()), pullers);
        JsonNode schema = workers.schema(target.resource(), target.name());
        Optional<Instant> syncedAsOf = value(synced);
        List<Pulled.Column> wanted = new ArrayList<>();
        Pulled.Column id = null;
        for (JsonNode column : schema.path("columns")) {
            Pulled.Column c = new Pulled.Column(
                    column.path("name").asText(), column.path("type").asText());
            if (plan.statement().selectsStar()
                    || plan.statement().names().contains(c.name().toLowerCase(Locale.ROOT))) {
                wanted.add(c);
            }
            if (c.name().equals(ID)) {
                id = c;
            }
        }
        if (wanted.isEmpty() && id != null) {
            // A statement that uses no column of it (count(*) over a join) still needs its rows.
            wanted.add(id);
        }
        Pulled pulled = new Pulled(target, syncedAsOf, wanted);
        String select;
        synchronized (connection) {
            select = pullSelect(connection, target, wanted, filters == null ? List.of() : filters);
            pulled.create(connection);
        }
        List<QueryRequest.Parameter> parameters = new ArrayList<>();
        for (String name : ParameterText.names(select)) {
            parameters.add(declared.get(name));
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of(
                    "sql", Map.of("query", select, "parameters", parameters, "default_row_limit", (int)
                            Math.min(Integer.MAX_VALUE, limits.maxPullRows() + 1))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream answer =
                        streams.opened(target.name(), workers.queryArrow(target.resource(), target.name(), body));
                Connection own = connection.unwrap(DuckDBConnection.class).duplicate()) {
            pulled.load(own, answer, memory);
        } catch (IOException e) {
            throw ApiError.notReady(target.name(), "its worker's answer broke off: " + e.getMessage());
        }
        if (pulled.rows() > limits.maxPullRows()) {
            throw new ApiError(
                    400,
                    ApiError.RESOURCE_EXCEEDED,
                    "collection " + target.name() + " has more than " + limits.maxPullRows()
                            + " rows to pull after its own filters, the most the front pulls of one collection;"
                            + " narrow the query with conditions on that collection alone");
        }
        return pulled;
    }

    /**
     * The SELECT of a pull: the wanted columns and the collection's own filters, written back as SQL by DuckDB
     * (whose {@code $name} parameters become the worker's {@code :name} again).
     */
    private static String pullSelect(
            Connection connection, QueryPlan.Target target, List<Pulled.Column> wanted, List<JsonNode> filters)
            throws SQLException {
        String template = "SELECT "
                + String.join(
                        ", ",
                        wanted.stream().map(c -> WorkerSql.quoted(c.name())).toList())
                + " FROM " + WorkerSql.quoted(target.collection());
        if (filters.isEmpty()) {
            return template;
        }
        JsonNode tree;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT CAST(json_serialize_sql('" + template.replace("'", "''") + "') AS VARCHAR)")) {
            rs.next();
            tree = JSON.readTree(rs.getString(1));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (PreparedStatement deserialize =
                connection.prepareStatement("SELECT json_deserialize_sql(CAST(? AS JSON))")) {
            deserialize.setString(1, Pushdown.withWhere(tree, filters).toString());
            try (ResultSet rs = deserialize.executeQuery()) {
                rs.next();
                return ParameterText.fromDuckDb(rs.getString(1));
            }
        }
    }

    /** What a call made beside another answered, or how it failed. */
    private static <T> T value(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * A pull's result. The first failure of any pull fails the query: the other pulls' streams are closed, which ends
     * their loading at once, and they are waited for, so that no pull outlives its query's place and database.
     */
    private static Pulled joined(
            CompletableFuture<Pulled> pull, List<CompletableFuture<Pulled>> all, PullStreams streams) {
        try {
            return pull.join();
        } catch (CompletionException e) {
            streams.abandon();
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
                // Each ended, one way or another, or is left to its worker's time limit.
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The parameters the request declares, by name; a parameter the statement uses undeclared is an error. */
    private static Map<String, QueryRequest.Parameter> declared(QueryPlan plan, QueryRequest.Sql sql) {
        Map<String, QueryRequest.Parameter> declared = new LinkedHashMap<>();
        if (sql.parameters() != null) {
            for (QueryRequest.Parameter p : sql.parameters()) {
                if (p == null || p.name() == null || declared.put(p.name(), p) != null) {
                    throw ApiError.invalidInput("each parameter needs a name of its own, used as :name in the query");
                }
            }
        }
        for (String used : ParameterText.names(plan.statement().sql())) {
            if (!declared.containsKey(used)) {
                throw ApiError.invalidInput("the query uses :" + used + ", which sql.parameters does not declare");
            }
        }
        return declared;
    }

    private ObjectNode execute(
            Connection connection,
            QueryPlan plan,
            Map<String, QueryRequest.Parameter> declared,
            List<Pulled> pulled,
            Map<String, Instant> syncedAsOf,
            int limit,
            String queryId,
            long start)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, plan)) {
            // DuckDB's driver binds by number only: :name is $n, n its place among the names used.
            List<String> used = ParameterText.names(plan.statement().sql());
            for (int i = 0; i < used.size(); i++) {
                statement.setObject(i + 1, declared.get(used.get(i)).bindValue());
            }
            return answer(statement, plan, syncedAsOf, limit, queryId, start, pulled);
        }
    }

    private static PreparedStatement prepare(Connection connection, QueryPlan plan) {
        try {
            return connection.prepareStatement(
                    ParameterText.asNumbered(plan.statement().sql()));
        } catch (SQLException e) {
            throw queryError(e.getMessage());
        }
    }

    private ObjectNode answer(
            PreparedStatement statement,
            QueryPlan plan,
            Map<String, Instant> syncedAsOf,
            int limit,
            String queryId,
            long start,
            List<Pulled> pulled)
            throws SQLException {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> limitTimer = timer.schedule(
                () -> {
                    timedOut.set(true);
                    try {
                        statement.cancel();
                    } catch (SQLException e) {
                        // already finished
                    }
                },
                limits.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try (ResultSet rs = statement.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            ArrayNode results = JSON.createArrayNode();
            boolean truncated = false;
            while (rs.next()) {
                if (results.size() == limit) {
                    truncated = true;
                    break;
                }
                results.add(ResultRows.row(rs, meta));
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("query_id", queryId);
            ArrayNode collections = response.putArray("collections");
            plan.names().forEach(collections::add);
            response.set("results", results);
            ArrayNode fields = response.putArray("column_fields");
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                fields.addObject().put("name", meta.getColumnLabel(i)).put("type", meta.getColumnTypeName(i));
            }
            response.put("results_total_doc_count", results.size());
            response.putObject("stats")
                    .put(
                            "elapsed_time_ms",
                            Duration.ofNanos(System.nanoTime() - start).toMillis())
                    .put(
                            "bytes_pulled",
                            pulled.stream().mapToLong(Pulled::bytes).sum());
            if (truncated) {
                response.putArray("warnings")
                        .add("the results were cut at " + limit
                                + " rows, the row limit; add a LIMIT or narrow the query to see the rest");
            }
            ObjectNode synced = response.putObject("syncedAsOf");
            syncedAsOf.forEach((name, at) -> synced.put(name, at.toString()));
            response.put("status", "COMPLETED");
            return response;
        } catch (SQLException e) {
            if (timedOut.get()) {
                throw new ApiError(
                        408,
                        ApiError.QUERY_TIMEOUT,
                        "the query ran longer than the time limit of "
                                + limits.timeout().toSeconds() + " s and was cancelled");
            }
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
                throw new ApiError(
                        400,
                        ApiError.RESOURCE_EXCEEDED,
                        "the query needs more memory than the front gives one query: " + e.getMessage());
            }
            throw e;
        } finally {
            limitTimer.cancel(false);
        }
    }

    /** DuckDB's message as a {@code QUERY_ERROR}, with the line DuckDB names when it names one. */
    private static ApiError queryError(String message) {
        String text = message == null ? "the query failed" : message;
        Matcher line = LINE.matcher(text);
        Integer at = line.find() ? Integer.valueOf(line.group(1)) : null;
        int cut = text.indexOf("\n\nLINE ");
        return ApiError.queryError(cut > 0 ? text.substring(0, cut) : text.strip(), at, null);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        databases.close();
        pullers.shutdownNow();
        try {
            memory.close();
        } catch (IllegalStateException e) {
            // A pull's batch still held while the front stops.
        }
    }
}
