package io.dynamosync.api.query;

/**
 * The query APIs' error types, as the hosted service's API names them (the {@code type} of its error bodies, which
 * its clients know): one list for the worker and the query front. Each has the HTTP status it is usually answered
 * with; a worker also says its finer cause in {@code reason} (for example {@code QueryParseError} under
 * {@link #QUERY_ERROR}).
 */
public enum ErrorType {
    /** The query is not valid SQL, is not allowed, or is valid SQL that cannot run. */
    QUERY_ERROR(400),
    /** The query ran past its time limit and was cancelled. */
    QUERY_TIMEOUT(408),
    /** The query was cancelled by its client. */
    QUERY_CANCELLED(400),
    /** The request itself is malformed. */
    INVALIDINPUT(400),
    /** As many queries as may run at once are running. */
    RATELIMITEXCEEDED(429),
    /** A collection is loading, or its worker is not answering. */
    NOT_READY(503),
    /** No API key, or a wrong one. */
    AUTHEXCEPTION(401),
    /** An API key whose scope does not cover what the request reads or writes. */
    FORBIDDEN(403),
    /** No such collection, workspace, query, lambda, view or path. */
    NOTFOUND(404),
    /** The query needs more rows or memory than it may have. */
    RESOURCEEXCEEDED(400),
    /** A path of the hosted service's API that this project does not serve. */
    NOTIMPLEMENTEDYET(501),
    /** A served path asked with another method. */
    METHODNOTALLOWED(405),
    /** A resource of that name exists already. */
    ALREADYEXISTS(409),
    /** A resource changed by someone else meanwhile, again and again: try again. */
    CONFLICT(409),
    /** Anything else: a bug, or a worker that answered what it should not. */
    INTERNALERROR(500);

    private final int status;

    ErrorType(int status) {
        this.status = status;
    }

    /** The HTTP status this type is usually answered with. */
    public int status() {
        return status;
    }
}
