package io.dynamosync.worker.query;

/**
 * Why a query got no results, as the query API answers it: an HTTP status, a one-word type
 * ({@code QueryParseError}, {@code QueryError}, {@code QueryNotAllowed}, {@code QueryTimeout},
 * {@code InvalidInput}...), a message, and where in the query text the problem is when DuckDB
 * says so.
 */
public final class QueryFailure extends RuntimeException {

    /** The query text is not valid SQL. */
    public static final String PARSE_ERROR = "QueryParseError";
    /** Valid SQL that DuckDB could not run: an unknown column, a failed cast... */
    public static final String QUERY_ERROR = "QueryError";
    /** Not a single read-only statement, or an attempt to reach files, the network or settings. */
    public static final String NOT_ALLOWED = "QueryNotAllowed";
    /** The query ran longer than the worker's time limit and was cancelled. */
    public static final String TIMEOUT = "QueryTimeout";
    /** A query cancelled by its client ({@code DELETE /v1/orgs/self/queries/{id}}). */
    public static final String CANCELLED = "QueryCancelled";
    /** The request itself is malformed: no query, a bad parameter, a bad row limit. */
    public static final String INVALID_INPUT = "InvalidInput";
    /** As many queries as the worker runs at once are already running. */
    public static final String TOO_MANY = "TooManyQueries";
    /** The store is not open yet. */
    public static final String NOT_READY = "NotReady";

    private final int status;
    private final String type;
    private final Integer line;
    private final Integer column;

    public QueryFailure(int status, String type, String message, Integer line, Integer column) {
        super(message);
        this.status = status;
        this.type = type;
        this.line = line;
        this.column = column;
    }

    /** A 400 without a position. */
    public static QueryFailure badRequest(String type, String message) {
        return new QueryFailure(400, type, message, null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The line of the query text the problem is on, from 1; null when DuckDB gives no position. */
    public Integer line() {
        return line;
    }

    /** The column on that line, from 1; null when DuckDB gives no position. */
    public Integer column() {
        return column;
    }
}
