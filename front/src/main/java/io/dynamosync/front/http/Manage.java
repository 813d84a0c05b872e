package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.ResourceWrites;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * What every write of query lambdas and views through the API checks first: that the front allows writes, that the
 * request's key may manage that workspace, that the body is a JSON object and that a new name is one Kubernetes
 * takes.
 */
final class Manage {

    /** A Kubernetes object name (a DNS subdomain), which a lambda's or view's name becomes. */
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Manage() {}

    /**
     * Where the request may write {@code resources} of its workspace ({@code ws} in the path); {@code FORBIDDEN},
     * saying why and what to do, when the front does not allow writes ({@code readOnly} says how to change them
     * instead) or the key does not have role {@code manage} for that workspace.
     */
    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceWrites<T> writes(
            Context ctx, WorkspaceResources<T> resources, String readOnly) {
        String workspace = ctx.pathParam("ws");
        FrontKey caller = FrontServer.caller(ctx);
        FrontServer.mayRead(caller, workspace);
        ResourceWrites<T> writes = resources
                .writes()
                .orElseThrow(() -> new ApiError(
                        403,
                        ApiError.FORBIDDEN,
                        readOnly + "; the front does not change them (the chart's front.allowWrites lets keys with"
                                + " role manage write them through this API)"));
        if (!caller.manages()) {
            throw new ApiError(
                    403,
                    ApiError.FORBIDDEN,
                    "the API key '" + caller.name() + "' may run queries, not manage query lambdas and views: give it"
                            + " \"role\": \"manage\" in the front's API keys Secret");
        }
        return writes;
    }

    /** Answers {@code {"data": ...}}, the hosted service's shape of a write's answer. */
    static void data(Context ctx, JsonNode data) {
        com.fasterxml.jackson.databind.node.ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", data);
        try {
            FrontServer.json(ctx, answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request's body, a JSON object ({@code {}} when empty). */
    static JsonNode body(Context ctx) {
        if (ctx.body().isBlank()) {
            return FrontServer.JSON.createObjectNode();
        }
        try {
            JsonNode body = FrontServer.JSON.readTree(ctx.body());
            if (body.isObject()) {
                return body;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // answered below
        }
        throw ApiError.invalidInput("the body is not a JSON object");
    }

    /** {@code name} when Kubernetes takes it as an object's name; {@code INVALIDINPUT} saying the rule otherwise. */
    static String name(JsonNode body, String what) {
        String name = body.path("name").asText("");
        if (name.length() > 253 || !NAME.matcher(name).matches()) {
            throw ApiError.invalidInput(what + " name '" + name + "' is not a Kubernetes name, which it becomes:"
                    + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
        return name;
    }

    /** A required text field of the body. */
    static String text(JsonNode node, String field, String example) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw ApiError.invalidInput("the request needs " + field + ", e.g. " + example);
        }
        return value;
    }
}
