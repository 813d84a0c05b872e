package io.dynamosync.worker.query;

import io.dynamosync.api.query.ErrorType;

/**
 * Why a query got no results, as the query API answers it: an HTTP status, the worker's one-word
 * reason ({@code QueryParseError}, {@code QueryError}, {@code QueryNotAllowed}, {@code QueryTimeout},
 * {@code InvalidInput}...) and its type in the hosted service's list ({@link #errorType()}, shared
 * with the query front), a message, and where in the query text the problem is when DuckDB says so.
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
    /** An API key is set and the request lacks it or presents another. */
    public static final String AUTHENTICATION = "AuthenticationError";
    /** No such path, or no such query to cancel. */
    public static final String NOT_FOUND = "NotFound";
    /** A path asked with a method it does not serve. */
    public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
    /** The worker failed to answer: a bug. */
    public static final String INTERNAL = "InternalError";

    private final int status;
    private final String reason;
    private final Integer line;
    private final Integer column;

    public QueryFailure(int status, String reason, String message, Integer line, Integer column) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.line = line;
        this.column = column;
    }

    /** A 400 without a position. */
    public static QueryFailure badRequest(String reason, String message) {
        return new QueryFailure(400, reason, message, null, null);
    }

    public int status() {
        return status;
    }

    /** The worker's own name for the failure, e.g. {@code QueryParseError}: the body's {@code reason}. */
    public String reason() {
        return reason;
    }

    /** The failure's type in the hosted service's list, shared with the query front: the body's {@code type}. */
    public ErrorType errorType() {
        return switch (reason) {
            case PARSE_ERROR, QUERY_ERROR, NOT_ALLOWED -> ErrorType.QUERY_ERROR;
            case TIMEOUT -> ErrorType.QUERY_TIMEOUT;
            case CANCELLED -> ErrorType.QUERY_CANCELLED;
            case INVALID_INPUT -> ErrorType.INVALIDINPUT;
            case TOO_MANY -> ErrorType.RATELIMITEXCEEDED;
            case NOT_READY -> ErrorType.NOT_READY;
            case AUTHENTICATION -> ErrorType.AUTHEXCEPTION;
            case NOT_FOUND -> ErrorType.NOTFOUND;
            case METHOD_NOT_ALLOWED -> ErrorType.METHODNOTALLOWED;
            default -> ErrorType.INTERNALERROR;
        };
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
