package io.dynamosync.front.api;

import io.dynamosync.api.query.ErrorType;

/**
 * Why a request got no answer, as the hosted service's API says it: an HTTP status, one of its error types
 * ({@code QUERY_ERROR}, {@code NOTFOUND}, {@code AUTHEXCEPTION}, {@code INVALIDINPUT}...: {@link ErrorType}, the list
 * the workers answer with too), a message a user can act on, and where in the query text the problem is when that is
 * known.
 */
public final class ApiError extends RuntimeException {

    /** No API key, or a wrong one. */
    public static final String AUTH = ErrorType.AUTHEXCEPTION.name();
    /** No such collection, workspace or path. */
    public static final String NOT_FOUND = ErrorType.NOTFOUND.name();
    /** An API key whose scope does not cover what the request reads, as the hosted service names it. */
    public static final String FORBIDDEN = ErrorType.FORBIDDEN.name();
    /** A resource of that name exists already. */
    public static final String ALREADY_EXISTS = ErrorType.ALREADYEXISTS.name();
    /** A resource kept changing under the request's change. */
    public static final String CONFLICT = ErrorType.CONFLICT.name();
    /** The request itself is malformed. */
    public static final String INVALID_INPUT = ErrorType.INVALIDINPUT.name();
    /** The query is not valid SQL, or valid SQL that cannot run. */
    public static final String QUERY_ERROR = ErrorType.QUERY_ERROR.name();
    /** The query ran past its time limit and was cancelled. */
    public static final String QUERY_TIMEOUT = ErrorType.QUERY_TIMEOUT.name();
    /** The query needs more rows or memory than it may have. */
    public static final String RESOURCE_EXCEEDED = ErrorType.RESOURCEEXCEEDED.name();
    /** A collection is loading, or its worker is not answering. */
    public static final String NOT_READY = ErrorType.NOT_READY.name();
    /** A path of the hosted service's API that this project does not serve. */
    public static final String NOT_IMPLEMENTED = ErrorType.NOTIMPLEMENTEDYET.name();
    /** A served path asked with another method. */
    public static final String METHOD_NOT_ALLOWED = ErrorType.METHODNOTALLOWED.name();
    /** As many queries as may run at once are running. */
    public static final String RATE_LIMIT = ErrorType.RATELIMITEXCEEDED.name();
    /** Anything else: a bug, or a worker that answered what it should not. */
    public static final String INTERNAL = ErrorType.INTERNALERROR.name();

    private final int status;
    private final String type;
    private final Integer line;
    private final Integer column;

    public ApiError(int status, String type, String message, Integer line, Integer column) {
        super(message);
        this.status = status;
        this.type = type;
        this.line = line;
        this.column = column;
    }

    public ApiError(int status, String type, String message) {
        this(status, type, message, null, null);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, NOT_FOUND, message);
    }

    public static ApiError invalidInput(String message) {
        return new ApiError(400, INVALID_INPUT, message);
    }

    public static ApiError queryError(String message, Integer line, Integer column) {
        return new ApiError(400, QUERY_ERROR, message, line, column);
    }

    /** A collection whose worker cannot answer now; the message names the collection. */
    public static ApiError notReady(String collection, String why) {
        return new ApiError(503, NOT_READY, "collection " + collection + " cannot answer: " + why);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The line of the query text the problem is on, from 1; null when unknown. */
    public Integer line() {
        return line;
    }

    /** The column on that line, from 1; null when unknown. */
    public Integer column() {
        return column;
    }
}
