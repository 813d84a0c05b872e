package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryLambdaParameter;
import io.dynamosync.api.v1alpha1.QueryLambdaVersionSpec;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Query lambdas as the hosted service's API serves them: listed, their versions and tags read, and run by version
 * or tag with the call's parameters over the version's defaults. They are {@code QueryLambda} resources, managed
 * with {@code kubectl} or GitOps: the API's writes are refused with {@code FORBIDDEN}, saying so.
 */
final class LambdaRoutes {

    /** Runs a query request body as {@code POST /queries} would, answering on the context. */
    @FunctionalInterface
    interface QueryRunner {
        void run(Context ctx, ObjectNode body) throws Exception;
    }

    private final WorkspaceResources<QueryLambda> lambdas;
    private final Function<String, List<String>> collectionsOf;
    private final QueryRunner runner;

    LambdaRoutes(
            WorkspaceResources<QueryLambda> lambdas, Function<String, List<String>> collectionsOf, QueryRunner runner) {
        this.lambdas = lambdas;
        this.collectionsOf = collectionsOf;
        this.runner = runner;
    }

    /** {@code GET /lambdas} and {@code GET /ws/{ws}/lambdas}. */
    Listing<QueryLambda> listing() {
        return new Listing<>(lambdas, LambdaRoutes::usable, this::lambdaJson);
    }

    void versions(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        // Newest first, as the hosted service lists them.
        List<QueryLambdaVersionSpec> versions = lambda.getSpec().getVersions();
        for (int i = versions.size() - 1; i >= 0; i--) {
            data.add(versionJson(lambda, versions.get(i)));
        }
        FrontServer.json(ctx, answer);
    }

    void version(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", versionJson(lambda, version(lambda, ctx.pathParam("version"))));
        FrontServer.json(ctx, answer);
    }

    void tags(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        for (String tag : tagNames(lambda)) {
            data.add(tagJson(lambda, tag));
        }
        FrontServer.json(ctx, answer);
    }

    void tag(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", tagJson(lambda, ctx.pathParam("tag")));
        FrontServer.json(ctx, answer);
    }

    void executeVersion(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        execute(ctx, version(lambda, ctx.pathParam("version")));
    }

    void executeTag(Context ctx) throws Exception {
        QueryLambda lambda = lambda(ctx);
        execute(ctx, tagged(lambda, ctx.pathParam("tag")));
    }

    /** Runs a version: its SQL, the call's parameters over its defaults, and the call's query options. */
    private void execute(Context ctx, QueryLambdaVersionSpec version) throws Exception {
        JsonNode call =
                ctx.body().isBlank() ? FrontServer.JSON.createObjectNode() : FrontServer.JSON.readTree(ctx.body());
        if (!call.isObject()) {
            throw ApiError.invalidInput("the body is not a JSON object; expected {\"parameters\": [...]}");
        }
        Map<String, JsonNode> parameters = new LinkedHashMap<>();
        if (version.getDefaultParameters() != null) {
            for (QueryLambdaParameter p : version.getDefaultParameters()) {
                parameters.put(
                        p.getName(),
                        FrontServer.JSON
                                .createObjectNode()
                                .put("name", p.getName())
                                .put("type", p.getType())
                                .put("value", p.getValue()));
            }
        }
        for (JsonNode p : call.path("parameters")) {
            parameters.put(p.path("name").asText(), p);
        }
        ObjectNode body = FrontServer.JSON.createObjectNode();
        ObjectNode sql = body.putObject("sql");
        sql.put("query", version.getSql());
        ArrayNode given = sql.putArray("parameters");
        parameters.values().forEach(given::add);
        for (String option : List.of("default_row_limit", "paginate", "initial_paginate_response_doc_count")) {
            if (call.has(option)) {
                sql.set(option, call.get(option));
            }
        }
        for (String option : List.of("async", "async_options", "max_initial_results", "timeout_ms")) {
            if (call.has(option)) {
                body.set(option, call.get(option));
            }
        }
        runner.run(ctx, body);
    }

    /** Every write of the API: refused, since GitOps owns the resources. */
    void write(Context ctx) {
        String workspace = ctx.pathParamMap().getOrDefault("ws", "<workspace>");
        throw new ApiError(
                403,
                ApiError.FORBIDDEN,
                "query lambdas here are QueryLambda resources in the workspace's namespace, managed with kubectl or "
                        + "GitOps (kubectl -n <namespace of " + workspace + "> edit querylambda <name>: add a "
                        + "version to spec.versions, move a tag in spec.tags); the front does not change them");
    }

    private QueryLambda lambda(Context ctx) {
        String workspace = ctx.pathParam("ws");
        String name = ctx.pathParam("lambda");
        FrontServer.mayRead(FrontServer.caller(ctx), workspace);
        return lambdas.find(workspace, name)
                .filter(LambdaRoutes::usable)
                .orElseThrow(() -> ApiError.notFound("query lambda " + workspace + "." + name + " does not exist; "
                        + "GET /v1/orgs/self/ws/" + workspace + "/lambdas lists them"));
    }

    /** Whether a resource is a query lambda with a version to run (the CRD requires one; a bare object may lack it). */
    private static boolean usable(QueryLambda lambda) {
        return lambda.getSpec() != null
                && lambda.getSpec().getVersions() != null
                && !lambda.getSpec().getVersions().isEmpty();
    }

    private static QueryLambdaVersionSpec version(QueryLambda lambda, String version) {
        return lambda.getSpec()
                .version(version)
                .orElseThrow(() ->
                        ApiError.notFound("query lambda " + lambda.getMetadata().getName()
                                + " has no version " + version + "; its versions are "
                                + lambda.getSpec().getVersions().stream()
                                        .map(QueryLambdaVersionSpec::getVersion)
                                        .toList()));
    }

    private static QueryLambdaVersionSpec tagged(QueryLambda lambda, String tag) {
        return lambda.getSpec()
                .tagged(tag)
                .orElseThrow(() ->
                        ApiError.notFound("query lambda " + lambda.getMetadata().getName() + " has no tag " + tag
                                + "; its tags are " + tagNames(lambda)));
    }

    private static List<String> tagNames(QueryLambda lambda) {
        java.util.TreeSet<String> tags = new java.util.TreeSet<>();
        tags.add(QueryLambda.LATEST);
        if (lambda.getSpec().getTags() != null) {
            tags.addAll(lambda.getSpec().getTags().keySet());
        }
        return List.copyOf(tags);
    }

    private ObjectNode lambdaJson(QueryLambda lambda) {
        List<QueryLambdaVersionSpec> versions = lambda.getSpec().getVersions();
        QueryLambdaVersionSpec latest = versions.get(versions.size() - 1);
        ObjectNode l = FrontServer.JSON.createObjectNode();
        l.put("workspace", lambdas.workspace(lambda));
        l.put("name", lambda.getMetadata().getName());
        l.put("last_updated", lambda.getMetadata().getCreationTimestamp());
        l.put("version_count", versions.size());
        ArrayNode collections = l.putArray("collections");
        collectionsOf.apply(latest.getSql()).forEach(collections::add);
        l.set("latest_version", versionJson(lambda, latest));
        return l;
    }

    private ObjectNode versionJson(QueryLambda lambda, QueryLambdaVersionSpec version) {
        ObjectNode v = FrontServer.JSON.createObjectNode();
        v.put("workspace", lambdas.workspace(lambda));
        v.put("name", lambda.getMetadata().getName());
        v.put("version", version.getVersion());
        v.put("description", version.getDescription() == null ? "" : version.getDescription());
        v.put("created_at", lambda.getMetadata().getCreationTimestamp());
        v.put("state", "ACTIVE");
        ObjectNode sql = v.putObject("sql");
        sql.put("query", version.getSql());
        ArrayNode defaults = sql.putArray("default_parameters");
        if (version.getDefaultParameters() != null) {
            for (QueryLambdaParameter p : version.getDefaultParameters()) {
                defaults.addObject()
                        .put("name", p.getName())
                        .put("type", p.getType())
                        .put("value", p.getValue());
            }
        }
        ArrayNode collections = v.putArray("collections");
        collectionsOf.apply(version.getSql()).forEach(collections::add);
        return v;
    }

    private ObjectNode tagJson(QueryLambda lambda, String tag) {
        ObjectNode t = FrontServer.JSON.createObjectNode();
        t.put("tag_name", tag);
        t.set("version", versionJson(lambda, tagged(lambda, tag)));
        return t;
    }
}
