package io.dynamosync.worker.query;

import io.dynamosync.worker.sql.SqlText;
import io.dynamosync.worker.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs users' SQL against the collection's store so that a query can harm neither the data
 * nor the host: one read-only statement (see {@link StatementCheck}), in a read-only
 * transaction, on a database whose file and network access is off and whose configuration is
 * locked, cancelled at the time limit, and, as JSON, cut at the row limit. Results stream from DuckDB (the
 * runner sets each of its connections to stream before the configuration is locked), so the row
 * limit bounds the memory a JSON answer takes; an Arrow answer ({@link ArrowOutput}) holds one batch at a time. How many run at once, and how many of those may run
 * long, is the {@link QueryAdmission}'s.
 */
public final class QueryRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryRunner.class);

    /** Told of every query's outcome ({@code COMPLETED} or the failure's type) and duration, for the metrics. */
    @FunctionalInterface
    public interface Listener {
        void finished(String outcome, Duration elapsed);
    }

    private final Store store;
    private final Duration timeout;
    private final int maxRows;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final QueryAdmission admission;
    /** Connections, one for each place; a query takes one for its run. */
    private final BlockingQueue<Connection> connections;

    private final QueryAdmission.Gate gate;
    /** The native memory Arrow answers' batches are exported through; one batch a stream at a time. */
    private final BufferAllocator arrowMemory = new RootAllocator();

    private final Set<Statement> running = ConcurrentHashMap.newKeySet();
    /** The statements running, by query id, for {@link #cancel(String)}. */
    private final Map<String, Statement> byId = new ConcurrentHashMap<>();
    /** The ids of queries cancelled while running, until they end. */
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    /**
     * Locks the store's database down (see {@link Confinement#lockDown(Connection)}) and readies the runner.
     *
     * @param admission how many queries may run at once, and how many of them long
     */
    public QueryRunner(Store store, Duration timeout, int maxRows, QueryAdmission admission, Listener listener) {
        this.store = store;
        this.timeout = timeout;
        this.maxRows = maxRows;
        this.listener = listener;
        this.admission = admission;
        this.gate = admission.gate();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "query-time-limit");
            thread.setDaemon(true);
            return thread;
        });
        this.connections = new ArrayBlockingQueue<>(admission.running());
        try {
            // One connection a place, set to stream results while the configuration can still change.
            boolean streaming = true;
            for (int i = 0; i < admission.running(); i++) {
                Connection connection = connect();
                streaming &= Confinement.streamResults(connection);
                connections.add(connection);
                if (store.retention().isPresent()) {
                    store.retention().get().hideExpired(connection, store.collection());
                }
            }
            if (!streaming) {
                LOG.warn(
                        "another query runner locked the store's configuration first: this one's results are not streamed");
            }
            try (Connection connection = connect()) {
                Confinement.lockDown(connection);
            }
        } catch (SQLException e) {
            closeConnections();
            throw new IllegalStateException("cannot lock the store down for queries: " + e.getMessage(), e);
        }
    }

    /** Runs one query; throws {@link QueryFailure} with what to tell the client when it cannot. */
    public QueryResponse run(QueryRequest request, String queryId) {
        return run(request, queryId, JsonOutput.INSTANCE);
    }

    /**
     * Runs one query into {@code output}; throws {@link QueryFailure} with what to tell the client when it cannot.
     */
    public <T> T run(QueryRequest request, String queryId, QueryOutput<T> output) {
        long start = System.nanoTime();
        String outcome = "COMPLETED";
        try {
            return runChecked(request, queryId, start, output);
        } catch (QueryFailure e) {
            outcome = e.reason();
            throw e;
        } catch (RuntimeException e) {
            outcome = QueryFailure.INTERNAL;
            throw e;
        } finally {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            LOG.debug("query {}: {} in {} ms", queryId, outcome, elapsed.toMillis());
            listener.finished(outcome, elapsed);
        }
    }

    /** An Arrow stream of the rows, written to the body {@code body} opens once the statement runs. */
    public ArrowOutput arrow(ArrowOutput.Body body) {
        return new ArrowOutput(arrowMemory, body);
    }

    private <T> T runChecked(QueryRequest request, String queryId, long start, QueryOutput<T> output) {
        QueryRequest.Sql sql = request == null ? null : request.sql();
        if (sql == null || sql.query() == null || sql.query().isBlank()) {
            throw QueryFailure.badRequest(
                    QueryFailure.INVALID_INPUT,
                    "the request needs sql.query, e.g. {\"sql\": {\"query\": \"SELECT 1\"}}");
        }
        long limit = output.rowLimited() ? maxRows : Long.MAX_VALUE;
        if (sql.defaultRowLimit() != null) {
            if (sql.defaultRowLimit() < 1) {
                throw QueryFailure.badRequest(
                        QueryFailure.INVALID_INPUT,
                        "sql.default_row_limit must be 1 or more, was " + sql.defaultRowLimit());
            }
            limit = Math.min(limit, sql.defaultRowLimit());
        }
        Map<String, QueryParameter> declared = DeclaredParameters.of(sql.parameters());
        // The hosted service's * EXCEPT (a, b) is DuckDB's * EXCLUDE (a, b), as in transformations.
        SqlText text = new SqlText(new SqlText(sql.query()).exceptAsExclude());
        SqlText.Rewritten rewritten = text.bind(declared.keySet());
        List<Object> values = new ArrayList<>();
        for (String name : rewritten.order()) {
            values.add(declared.get(name).bindValue());
        }
        boolean acquired;
        try {
            acquired = gate.enter(admission.queueWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryFailure(503, QueryFailure.NOT_READY, "the worker is stopping", null, null);
        }
        if (!acquired) {
            throw new QueryFailure(
                    429,
                    QueryFailure.TOO_MANY,
                    "the " + admission.running() + " queries the worker runs at once are running; try again shortly",
                    null,
                    null);
        }
        Connection connection = connections.poll();
        try {
            if (connection == null) {
                throw new IllegalStateException("no connection for a query that has a place");
            }
            StatementCheck.Checked checked;
            try {
                checked = StatementCheck.check(connection, rewritten.sql());
            } catch (QueryFailure e) {
                throw DeclaredParameters.withHint(e, text, declared);
            }
            return execute(
                    connection,
                    rewritten.sql(),
                    values,
                    new Run<>(limit, checked, queryId, start, text, declared, output));
        } catch (SQLException e) {
            throw DeclaredParameters.withHint(DuckDbErrors.of(e.getMessage(), rewritten.sql()), text, declared);
        } finally {
            if (connection != null) {
                connections.add(connection);
            }
            gate.places().release();
        }
    }

    /** A query's run, beside its connection and statement. */
    private record Run<T>(
            long limit,
            StatementCheck.Checked checked,
            String queryId,
            long start,
            SqlText text,
            Map<String, QueryParameter> declared,
            QueryOutput<T> output) {}

    private <T> T execute(Connection connection, String sql, List<Object> values, Run<T> run) throws SQLException {
        try (Statement transaction = connection.createStatement()) {
            transaction.execute("BEGIN TRANSACTION READ ONLY");
        }
        try {
            return executeInTransaction(connection, sql, values, run);
        } finally {
            try (Statement transaction = connection.createStatement()) {
                transaction.execute("ROLLBACK");
            } catch (SQLException e) {
                LOG.debug("rollback after query {}: {}", run.queryId(), e.getMessage());
            }
        }
    }

    private <T> T executeInTransaction(Connection connection, String sql, List<Object> values, Run<T> run)
            throws SQLException {
        String queryId = run.queryId();
        // Before the query: another statement on the connection would end its streamed result.
        List<String> collections = collections(connection, run.checked().tables());
        ExactProjection.Plan plan = run.output().exactNumbers()
                ? exactPlan(connection, sql, run.checked())
                : ExactProjection.Plan.unchanged(sql);
        PreparedStatement prepared;
        try {
            prepared = connection.prepareStatement(plan.sql());
        } catch (SQLException e) {
            if (plan.sql().equals(sql)) {
                throw e;
            }
            // The user's own statement says what is wrong with it, at its own line and column.
            LOG.warn(
                    "query {}: the statement rewritten to show exact numbers failed ({}); running it as sent: {}",
                    queryId,
                    e.getMessage(),
                    plan.sql());
            plan = ExactProjection.Plan.unchanged(sql);
            prepared = connection.prepareStatement(sql);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean heldLong = new AtomicBoolean();
        AtomicBoolean stoppedLong = new AtomicBoolean();
        try (PreparedStatement statement = prepared) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            running.add(statement);
            byId.put(queryId, statement);
            ScheduledFuture<?> limitTimer = timer.schedule(
                    () -> {
                        timedOut.set(true);
                        cancel(statement);
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            ScheduledFuture<?> longTimer = timer.schedule(
                    () -> {
                        if (gate.turnLong()) {
                            heldLong.set(true);
                        } else {
                            stoppedLong.set(true);
                            cancel(statement);
                        }
                    },
                    admission.longAfter().toMillis(),
                    TimeUnit.MILLISECONDS);
            try (ResultSet rs = statement.executeQuery()) {
                return run.output()
                        .write(new QueryOutput.Result(
                                rs,
                                plan,
                                collections,
                                run.limit(),
                                run.declared(),
                                queryId,
                                run.start(),
                                () -> timedOut.get() || stoppedLong.get() || cancelled.contains(queryId)));
            } finally {
                limitTimer.cancel(false);
                // Cancelled before it ran, or waited for if running, so a long place taken is always given back.
                if (!longTimer.cancel(false)) {
                    waitFor(longTimer);
                }
                if (heldLong.get()) {
                    gate.longPlaces().release();
                }
                running.remove(statement);
                byId.remove(queryId, statement);
            }
        } catch (SQLException | IOException e) {
            if (cancelled.remove(queryId)) {
                throw new QueryFailure(400, QueryFailure.CANCELLED, "the query was cancelled", null, null);
            }
            if (stoppedLong.get() && !timedOut.get()) {
                throw new QueryFailure(
                        429,
                        QueryFailure.TOO_MANY,
                        "the query was stopped after running "
                                + admission.longAfter().toMillis() + " ms: " + admission.longRunning()
                                + " long-running queries, as many as the worker runs at once, are running; try again shortly or narrow the query",
                        null,
                        null);
            }
            if (timedOut.get()) {
                throw new QueryFailure(
                        408,
                        QueryFailure.TIMEOUT,
                        "the query ran longer than the time limit of " + timeout.toSeconds() + " s and was cancelled",
                        null,
                        null);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("the answer could not be written: " + io.getMessage(), io);
            }
            throw DeclaredParameters.withHint(DuckDbErrors.of(e.getMessage(), sql), run.text(), run.declared());
        }
    }

    /** How the query shows the collection's stored DOUBLE numbers with every digit (see {@link ExactProjection}). */
    private ExactProjection.Plan exactPlan(Connection connection, String sql, StatementCheck.Checked checked)
            throws SQLException {
        if (checked.tables().stream().noneMatch(t -> t.equalsIgnoreCase(store.collection()))) {
            return ExactProjection.Plan.unchanged(sql);
        }
        ExactColumns exact = ExactColumns.read(connection, store.collection());
        try {
            return ExactProjection.plan(connection, sql, checked.statement(), exact, store.collection());
        } catch (QueryFailure e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("cannot plan exact numbers for a query, running it as sent: {}", e.toString());
            return ExactProjection.Plan.unchanged(sql);
        }
    }

    /** Of the tables the query names, those that exist (a CTE's name is not a collection). */
    private static List<String> collections(Connection connection, List<String> named) throws SQLException {
        Map<String, String> existing = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")) {
            while (rs.next()) {
                existing.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(1));
            }
        }
        List<String> collections = new ArrayList<>();
        for (String name : named) {
            String table = existing.get(name.toLowerCase(Locale.ROOT));
            if (table != null && !collections.contains(table)) {
                collections.add(table);
            }
        }
        return collections;
    }

    /** The collection's columns, their types and the attributes they hold; exact companions are no column of their own. */
    public CollectionSchema schema() {
        try (Connection connection = connect()) {
            return CollectionSchema.read(connection, store.collection());
        } catch (SQLException e) {
            throw new QueryFailure(
                    500,
                    QueryFailure.QUERY_ERROR,
                    "cannot read the collection's columns: " + e.getMessage(),
                    null,
                    null);
        }
    }

    /**
     * A connection of our own to the store. A duplicate takes over the writer's auto-commit
     * flag, which is off while a batch commits; it is set back on so that each query opens and
     * ends its own read-only transaction.
     */
    private Connection connect() throws SQLException {
        Connection connection = store.newConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    private static void waitFor(ScheduledFuture<?> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            // It ran, or never will: either way its outcome is in the flags.
        }
    }

    /** Cancels the running query {@code queryId}; false when no query of that id runs here. */
    public boolean cancel(String queryId) {
        Statement statement = byId.get(queryId);
        if (statement == null) {
            return false;
        }
        cancelled.add(queryId);
        cancel(statement);
        return true;
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            // Already finished or closed: nothing left to cancel.
        }
    }

    /** Cancels running queries, so the store can close. */
    @Override
    public void close() {
        running.forEach(QueryRunner::cancel);
        timer.shutdownNow();
        closeConnections();
        try {
            arrowMemory.close();
        } catch (IllegalStateException e) {
            // A stream's batch still held by a handler that has not ended: the process is stopping anyway.
            LOG.warn("closing the Arrow answers' memory: {}", e.getMessage());
        }
    }

    private void closeConnections() {
        Connection connection;
        while ((connection = connections.poll()) != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a query connection: {}", e.getMessage());
            }
        }
    }
}
