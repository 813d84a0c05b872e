package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryLambdaParameter;
import io.dynamosync.api.v1alpha1.QueryLambdaSpec;
import io.dynamosync.api.v1alpha1.QueryLambdaVersionSpec;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.ResourceWrites;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Query lambdas as the hosted service's API serves them: listed, their versions and tags read, and run by version
 * or tag with the call's parameters over the version's defaults. They are {@code QueryLambda} resources, managed
 * with {@code kubectl} or GitOps; where the front allows writes, keys with role {@code manage} also create them,
 * add versions (numbered 1, 2, ...), tag versions and delete tags, versions and lambdas through the API, which
 * writes the resources. Otherwise the API's writes are refused with {@code FORBIDDEN}, saying so.
 */
final class LambdaRoutes {

    /** Runs a query request body as {@code POST /queries} would, answering on the context. */
    @FunctionalInterface
    interface QueryRunner {
        void run(Context ctx, ObjectNode body) throws Exception;
    }

    private static final String READ_ONLY = "query lambdas here are QueryLambda resources in the workspace's"
            + " namespace, managed with kubectl or GitOps (kubectl -n <namespace> edit querylambda <name>: add a"
            + " version to spec.versions, move a tag in spec.tags)";

    private final WorkspaceResources<QueryLambda> lambdas;
    private final Function<String, List<String>> collectionsOf;
    private final QueryRunner runner;
    private final java.util.function.Consumer<String> checkSql;

    /** @param checkSql throws the query's error when SQL to save cannot run (a parse error, an unknown collection) */
    LambdaRoutes(
            WorkspaceResources<QueryLambda> lambdas,
            Function<String, List<String>> collectionsOf,
            QueryRunner runner,
            java.util.function.Consumer<String> checkSql) {
        this.lambdas = lambdas;
        this.collectionsOf = collectionsOf;
        this.runner = runner;
        this.checkSql = checkSql;
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

    /** {@code POST /ws/{ws}/lambdas}: a new query lambda, with its first version, "1". */
    void create(Context ctx) throws Exception {
        createFrom(ctx, Manage.writes(ctx, lambdas, READ_ONLY), Manage.body(ctx));
    }

    /**
     * {@code POST /ws/{ws}/lambdas/{lambda}/versions}: a new version, numbered after the highest, which becomes
     * {@code latest}; with {@code ?create=true}, a missing lambda is created with it as version "1".
     */
    void update(Context ctx) throws Exception {
        ResourceWrites<QueryLambda> writes = Manage.writes(ctx, lambdas, READ_ONLY);
        JsonNode body = Manage.body(ctx);
        String workspace = ctx.pathParam("ws");
        String name = ctx.pathParam("lambda");
        // Checked once, before the edit that may be tried again; numbered in it, against the lambda as it is then.
        QueryLambdaVersionSpec added = versionFrom(body, null);
        QueryLambda edited;
        try {
            edited = writes.edit(workspace, name, lambda -> {
                List<QueryLambdaVersionSpec> versions =
                        new ArrayList<>(existing(lambda).getSpec().getVersions());
                // Never a number used before, even by a version deleted since: a client pinned to it would run
                // other SQL.
                int highest = number(annotation(lambda));
                for (QueryLambdaVersionSpec v : versions) {
                    highest = Math.max(highest, number(v.getVersion()));
                }
                String next = Integer.toString(Math.max(highest, versions.size()) + 1);
                added.setVersion(next);
                lambda.getMetadata().getAnnotations().put(LAST_VERSION, next);
                versions.add(added);
                lambda.getSpec().setVersions(versions);
                if (body.hasNonNull("description")) {
                    lambda.getSpec().setDescription(body.get("description").asText());
                }
                return lambda;
            });
        } catch (ApiError e) {
            if (!e.type().equals(ApiError.NOT_FOUND) || !"true".equals(ctx.queryParam("create"))) {
                throw e;
            }
            ObjectNode named = ((ObjectNode) body.deepCopy()).put("name", name);
            createFrom(ctx, writes, named);
            return;
        }
        Manage.data(ctx, versionJson(edited, added));
    }

    private void createFrom(Context ctx, ResourceWrites<QueryLambda> writes, JsonNode body) {
        String name = Manage.name(body, "the query lambda's");
        QueryLambdaVersionSpec first = versionFrom(body, "1");
        QueryLambdaSpec spec = new QueryLambdaSpec();
        spec.setDescription(body.path("description").asText(null));
        spec.setVersions(new ArrayList<>(List.of(first)));
        QueryLambda lambda = new QueryLambda();
        lambda.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .addToAnnotations(LAST_VERSION, "1")
                .build());
        lambda.setSpec(spec);
        Manage.data(ctx, versionJson(writes.create(ctx.pathParam("ws"), lambda), first));
    }

    /** {@code POST /ws/{ws}/lambdas/{lambda}/tags}: {@code tag_name} names {@code version} from now on. */
    void createTag(Context ctx) throws Exception {
        ResourceWrites<QueryLambda> writes = Manage.writes(ctx, lambdas, READ_ONLY);
        JsonNode body = Manage.body(ctx);
        String tag = Manage.text(body, "tag_name", "{\"tag_name\": \"prod\", \"version\": \"2\"}");
        String version = Manage.text(body, "version", "{\"tag_name\": \"prod\", \"version\": \"2\"}");
        if (tag.equals(QueryLambda.LATEST)) {
            throw ApiError.invalidInput("tag latest always names the newest version; it cannot be set");
        }
        QueryLambda edited = writes.edit(ctx.pathParam("ws"), ctx.pathParam("lambda"), lambda -> {
            version(existing(lambda), version);
            Map<String, String> tags = new TreeMap<>(
                    lambda.getSpec().getTags() == null
                            ? Map.of()
                            : lambda.getSpec().getTags());
            tags.put(tag, version);
            lambda.getSpec().setTags(tags);
            return lambda;
        });
        Manage.data(ctx, tagJson(edited, tag));
    }

    /** {@code DELETE /ws/{ws}/lambdas/{lambda}/tags/{tag}}: the tag goes; answers what it named. */
    void deleteTag(Context ctx) throws Exception {
        ResourceWrites<QueryLambda> writes = Manage.writes(ctx, lambdas, READ_ONLY);
        String tag = ctx.pathParam("tag");
        if (tag.equals(QueryLambda.LATEST)) {
            throw ApiError.invalidInput("tag latest always names the newest version; it cannot be deleted");
        }
        ObjectNode[] before = new ObjectNode[1];
        writes.edit(ctx.pathParam("ws"), ctx.pathParam("lambda"), lambda -> {
            before[0] = tagJson(existing(lambda), tag);
            Map<String, String> tags = new TreeMap<>(lambda.getSpec().getTags());
            tags.remove(tag);
            lambda.getSpec().setTags(tags);
            return lambda;
        });
        Manage.data(ctx, before[0]);
    }

    /**
     * {@code DELETE /ws/{ws}/lambdas/{lambda}/version/{version}}: the version goes, with the tags that named it; a
     * lambda's only version is not deleted (delete the lambda).
     */
    void deleteVersion(Context ctx) throws Exception {
        ResourceWrites<QueryLambda> writes = Manage.writes(ctx, lambdas, READ_ONLY);
        String version = ctx.pathParam("version");
        ObjectNode[] before = new ObjectNode[1];
        writes.edit(ctx.pathParam("ws"), ctx.pathParam("lambda"), lambda -> {
            QueryLambdaVersionSpec gone = version(existing(lambda), version);
            before[0] = versionJson(lambda, gone);
            if (lambda.getSpec().getVersions().size() == 1) {
                throw ApiError.invalidInput(
                        "version " + version + " is the query lambda's only one; delete the" + " query lambda instead");
            }
            List<QueryLambdaVersionSpec> versions =
                    new ArrayList<>(lambda.getSpec().getVersions());
            versions.remove(gone);
            lambda.getSpec().setVersions(versions);
            if (lambda.getSpec().getTags() != null) {
                Map<String, String> tags = new TreeMap<>(lambda.getSpec().getTags());
                tags.values().removeIf(version::equals);
                lambda.getSpec().setTags(tags);
            }
            return lambda;
        });
        Manage.data(ctx, before[0]);
    }

    /** {@code DELETE /ws/{ws}/lambdas/{lambda}}: the query lambda goes, every version. */
    void delete(Context ctx) throws Exception {
        ResourceWrites<QueryLambda> writes = Manage.writes(ctx, lambdas, READ_ONLY);
        QueryLambda deleted = writes.delete(ctx.pathParam("ws"), ctx.pathParam("lambda"));
        Manage.data(ctx, usable(deleted) ? lambdaJson(deleted) : FrontServer.JSON.createObjectNode());
    }

    /** A version from a request's {@code sql} ({@code query}, {@code default_parameters}) and {@code description}. */
    private QueryLambdaVersionSpec versionFrom(JsonNode body, String number) {
        JsonNode sql = body.path("sql");
        String query = Manage.text(sql, "query", "{\"sql\": {\"query\": \"SELECT ...\"}}");
        checkSql.accept(query);
        List<QueryLambdaParameter> defaults = new ArrayList<>();
        for (JsonNode p : sql.path("default_parameters")) {
            defaults.add(new QueryLambdaParameter(
                    Manage.text(p, "name", "{\"name\": \"min\", \"type\": \"int\", \"value\": \"1\"}"),
                    Manage.text(p, "type", "{\"name\": \"min\", \"type\": \"int\", \"value\": \"1\"}"),
                    p.path("value").asText("")));
        }
        QueryLambdaVersionSpec version = new QueryLambdaVersionSpec();
        version.setVersion(number);
        version.setSql(query);
        version.setDescription(body.path("description").asText(null));
        version.setDefaultParameters(defaults.isEmpty() ? null : defaults);
        return version;
    }

    /** The annotation keeping the highest version number the API gave the lambda, deleted versions included. */
    static final String LAST_VERSION = "dynamosync.io/last-version";

    private static String annotation(QueryLambda lambda) {
        if (lambda.getMetadata().getAnnotations() == null) {
            lambda.getMetadata().setAnnotations(new java.util.HashMap<>());
        }
        return lambda.getMetadata().getAnnotations().getOrDefault(LAST_VERSION, "0");
    }

    /** The lambda as written, when it is one with versions; {@code NOTFOUND}, as the reads answer, otherwise. */
    private static QueryLambda existing(QueryLambda lambda) {
        if (!usable(lambda)) {
            throw ApiError.notFound("query lambda " + lambda.getMetadata().getName() + " has no versions to change");
        }
        return lambda;
    }

    private static int number(String version) {
        try {
            return Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return 0;
        }
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
