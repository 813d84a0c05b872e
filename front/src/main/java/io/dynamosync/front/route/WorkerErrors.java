package io.dynamosync.front.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.query.ErrorType;
import io.dynamosync.front.api.ApiError;
import java.util.Map;

/**
 * A worker's error answer as the front answers it. Workers answer with the same {@link ErrorType}s as the front (and
 * their finer {@code reason}); workers of the release before named their errors in their own words only
 * ({@code QueryParseError}, {@code QueryTimeout}...), which are read as the types they stand for, so that workers
 * still on that release answer clients as before. (A front of that release reads the new types as unknown: upgrade
 * the front with or before the workers, as the chart does.)
 */
public final class WorkerErrors {

    /** The previous release's worker types, by the type each stands for. */
    private static final Map<String, ErrorType> BEFORE = Map.of(
            "QueryParseError", ErrorType.QUERY_ERROR,
            "QueryError", ErrorType.QUERY_ERROR,
            "QueryNotAllowed", ErrorType.QUERY_ERROR,
            "QueryTimeout", ErrorType.QUERY_TIMEOUT,
            "QueryCancelled", ErrorType.QUERY_CANCELLED,
            "InvalidInput", ErrorType.INVALIDINPUT,
            "TooManyQueries", ErrorType.RATELIMITEXCEEDED,
            "NotReady", ErrorType.NOT_READY,
            "AuthenticationError", ErrorType.AUTHEXCEPTION);

    private WorkerErrors() {}

    /** The worker's error answer as the front answers it; {@code name} is the collection as the user named it. */
    public static ApiError of(int status, JsonNode body, String name) {
        String message = body.path("message").asText("the worker of collection " + name + " answered " + status);
        Integer line = body.hasNonNull("line") ? body.get("line").asInt() : null;
        Integer column = body.hasNonNull("column") ? body.get("column").asInt() : null;
        ErrorType type = type(body.path("type").asText(""));
        if (type == ErrorType.NOT_READY) {
            return ApiError.notReady(name, message);
        }
        if (type == ErrorType.AUTHEXCEPTION) {
            // The front presents the key the collection's Secret holds; a refusal means that Secret is wrong.
            return new ApiError(
                    502,
                    ApiError.INTERNAL,
                    "the worker of collection " + name
                            + " refused the front's API key: check the Secret its spec.query.apiKeySecretRef names");
        }
        if (status >= 500 || type == null) {
            // A worker failing, stopping or starting (or something else answering in its place): to the client, the
            // collection cannot answer now.
            return status >= 500
                    ? ApiError.notReady(name, "its worker answered " + status + ": " + message)
                    : new ApiError(
                            status,
                            ApiError.INTERNAL,
                            "the worker of collection " + name + " answered " + status + ": " + message);
        }
        return new ApiError(status, type.name(), message, line, column);
    }

    private static ErrorType type(String text) {
        try {
            return ErrorType.valueOf(text);
        } catch (IllegalArgumentException e) {
            return BEFORE.get(text);
        }
    }
}
