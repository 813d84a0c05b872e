package io.dynamosync.front.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.front.api.ApiError;

/**
 * A worker's error answer in the hosted service's types: the worker names its failures in its own words
 * ({@code QueryParseError}, {@code QueryTimeout}...); clients of the front see {@code QUERY_ERROR},
 * {@code QUERY_TIMEOUT} and the rest, with the worker's message, line and column.
 */
public final class WorkerErrors {

    private WorkerErrors() {}

    /** The worker's error answer as the front answers it; {@code name} is the collection as the user named it. */
    public static ApiError of(int status, JsonNode body, String name) {
        String workerType = body.path("type").asText("");
        String message = body.path("message").asText("the worker of collection " + name + " answered " + status);
        Integer line = body.hasNonNull("line") ? body.get("line").asInt() : null;
        Integer column = body.hasNonNull("column") ? body.get("column").asInt() : null;
        return switch (workerType) {
            case "QueryParseError", "QueryError", "QueryNotAllowed" ->
                new ApiError(400, ApiError.QUERY_ERROR, message, line, column);
            case "QueryTimeout" -> new ApiError(408, ApiError.QUERY_TIMEOUT, message);
            case "InvalidInput" -> new ApiError(400, ApiError.INVALID_INPUT, message);
            case "TooManyQueries" -> new ApiError(429, ApiError.RATE_LIMIT, message);
            case "NotReady" -> ApiError.notReady(name, message);
            // The front presents the key the collection's Secret holds; a refusal means that Secret is wrong.
            case "AuthenticationError" ->
                new ApiError(
                        502,
                        ApiError.INTERNAL,
                        "the worker of collection " + name
                                + " refused the front's API key: check the Secret its spec.query.apiKeySecretRef names");
            // A worker failing, stopping or starting: to the client, the collection cannot answer now.
            default ->
                status >= 500
                        ? ApiError.notReady(name, "its worker answered " + status + ": " + message)
                        : new ApiError(
                                status,
                                ApiError.INTERNAL,
                                "the worker of collection " + name + " answered " + status + ": " + message);
        };
    }
}
