package io.dynamosync.worker.query;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What a query's rows become once DuckDB runs it: the hosted service's JSON answer ({@link JsonOutput}), or an
 * Arrow stream ({@link ArrowOutput}) for the query front's pulls.
 *
 * @param <T> what {@link QueryRunner#run(QueryRequest, String, QueryOutput)} returns
 */
public interface QueryOutput<T> {

    /**
     * Whether the worker's row limit applies. It bounds the memory of an answer built whole; a stream holds one batch
     * at a time, so only the request's {@code sql.default_row_limit} cuts it.
     */
    boolean rowLimited();

    /**
     * Whether stored {@code DOUBLE} numbers are shown with the exact digits of their companion columns, which
     * rewrites the statement (see {@link ExactProjection}). A stream carries the {@code DOUBLE}s themselves.
     */
    boolean exactNumbers();

    /** Turns the running statement's rows into the answer; the statement is cancelled at its time limit meanwhile. */
    T write(Result result) throws SQLException, IOException;

    /**
     * The running statement's rows and what the answer says beside them.
     *
     * @param plan how the statement shows exact numbers (unchanged when {@link #exactNumbers()} is false)
     * @param collections the collections the statement reads
     * @param limit the most rows to answer; more are cut, with a warning where the output has one
     * @param declared the request's parameters, by name
     * @param start when the query was received, in {@link System#nanoTime()}
     * @param stopped whether the query was cancelled or ran out of time, for outputs that fetch rows in batches:
     *     DuckDB does not interrupt a result that is being exported
     */
    record Result(
            ResultSet rows,
            ExactProjection.Plan plan,
            List<String> collections,
            long limit,
            Map<String, QueryParameter> declared,
            String queryId,
            long start,
            java.util.function.BooleanSupplier stopped) {}
}
