package io.dynamosync.front.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.api.QueryRequest;
import io.dynamosync.front.async.QueryBook;
import io.dynamosync.front.catalog.Catalog;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.dynamosync.front.metrics.FrontMetrics;
import io.dynamosync.front.plan.ParameterText;
import io.dynamosync.front.plan.ParsedStatement;
import io.dynamosync.front.plan.QueryPlan;
import io.dynamosync.front.plan.ViewExpansion;
import io.dynamosync.front.plan.WorkerSql;
import io.dynamosync.front.pull.CrossCollectionQuery;
import io.dynamosync.front.route.WorkerClient;
import io.dynamosync.front.route.WorkerErrors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's one HTTP port: the hosted service's REST API under {@code /v1/orgs/self} (queries, validations,
 * collections, workspaces), its error shape on every failure, and {@code /healthz} and {@code /readyz}. Paths of
 * that API the front does not serve answer {@code NOTIMPLEMENTEDYET}: those of collections, documents, sources,
 * integrations, users, keys and the rest saying that collections mirror DynamoDB tables and are managed with
 * {@code kubectl}; those a later slice serves (async queries, pages, lambdas, views) saying so.
 */
public final class FrontServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontServer.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String API = "/v1/orgs/self";
    /** Marks a request already answered with an error, so that the 404 and 405 handlers leave it be. */
    private static final String ANSWERED = "dynamosync.answered";
    /** The API key a request presented ({@link FrontKey}). */
    private static final String CALLER = "dynamosync.caller";

    private static final String SERVED = "the front serves POST /queries (also async), GET /queries,"
            + " GET and DELETE /queries/{id}, GET /queries/{id}/pages, POST /queries/validations, query lambdas"
            + " (listed, read, run by version or tag), views (listed, read, used in queries),"
            + " GET /collections, GET /ws, GET /ws/{ws} and GET /ws/{ws}/collections[/{c}]";
    private static final String MANAGED_WITH_KUBECTL = "collections here mirror DynamoDB tables and are managed with"
            + " kubectl (DynamoCollection resources), not through this API; " + SERVED;

    /** An error body in the hosted service's shape. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(
            String message,
            @JsonProperty("error_id") String errorId,
            String type,
            Integer line,
            Integer column,
            @JsonProperty("query_id") String queryId) {}

    private final Javalin app;
    private final Catalog catalog;
    private final WorkerClient workers;
    private final CrossCollectionQuery cross;
    private final QueryBook book;
    private final FrontMetrics metrics;
    private final WorkspaceResources<QueryView> views;
    private final Connection parser;

    /**
     * Serves on {@code port} (0 for any free one).
     *
     * @param parser a confined DuckDB connection used only to parse statements
     */
    public FrontServer(
            int port,
            ApiKeys keys,
            Catalog catalog,
            WorkerClient workers,
            CrossCollectionQuery cross,
            QueryBook book,
            FrontMetrics metrics,
            WorkspaceResources<QueryLambda> lambdas,
            WorkspaceResources<QueryView> views,
            Connection parser) {
        this.views = views;
        this.metrics = metrics;
        this.catalog = catalog;
        this.workers = workers;
        this.cross = cross;
        this.book = book;
        this.parser = parser;
        LambdaRoutes lambdaRoutes = new LambdaRoutes(lambdas, this::collectionsOf, this::query, this::plan);
        ViewRoutes viewRoutes = new ViewRoutes(views, this::collectionsOf, this::plan);
        CatalogRoutes catalogRoutes = new CatalogRoutes(catalog);
        KeptQueryRoutes keptRoutes = new KeptQueryRoutes(book);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.routes.error(404, "*", ctx -> unserved(ctx));
            config.routes.error(405, "*", ctx -> unserved(ctx));
            config.routes.exception(ApiError.class, (e, ctx) -> fail(ctx, e, null));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
                fail(ctx, new ApiError(500, ApiError.INTERNAL, "the front failed to answer: " + e), null);
            });
            config.routes.get("/healthz", ctx -> ctx.result("ok"));
            config.routes.get("/readyz", ctx -> ctx.result("ready"));
            // The console: a page that uses the API below with the key its user gives it.
            config.routes.get(
                    "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(Console.PAGE));
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType(FrontMetrics.contentType()).result(metrics.scrape()));
            config.routes.before(API + "/*", ctx -> {
                FrontKey caller = keys.admit(ctx.header("Authorization"))
                        .orElseThrow(() -> new ApiError(
                                401,
                                ApiError.AUTH,
                                ctx.header("Authorization") == null
                                        ? "this API asks for an API key: send the header 'Authorization: ApiKey <key>'"
                                        : "the API key is not valid"));
                ctx.attribute(CALLER, caller);
            });
            config.routes.post(API + "/queries", ctx -> query(ctx, body(ctx)));
            config.routes.post(API + "/queries/validations", this::validate);
            config.routes.get(API + "/queries", keptRoutes::active);
            config.routes.get(API + "/queries/{id}", keptRoutes::info);
            config.routes.delete(API + "/queries/{id}", keptRoutes::cancel);
            config.routes.get(API + "/queries/{id}/pages", keptRoutes::page);
            config.routes.get(API + "/views", viewRoutes.listing()::all);
            config.routes.get(API + "/ws/{ws}/views", viewRoutes.listing()::inWorkspace);
            config.routes.get(API + "/ws/{ws}/views/{view}", viewRoutes::get);
            config.routes.post(API + "/ws/{ws}/views", viewRoutes::create);
            config.routes.post(API + "/ws/{ws}/views/{view}", viewRoutes::update);
            config.routes.delete(API + "/ws/{ws}/views/{view}", viewRoutes::delete);
            config.routes.get(API + "/lambdas", lambdaRoutes.listing()::all);
            config.routes.get(API + "/ws/{ws}/lambdas", lambdaRoutes.listing()::inWorkspace);
            config.routes.get(API + "/ws/{ws}/lambdas/{lambda}/versions", lambdaRoutes::versions);
            config.routes.get(API + "/ws/{ws}/lambdas/{lambda}/versions/{version}", lambdaRoutes::version);
            config.routes.post(API + "/ws/{ws}/lambdas/{lambda}/versions/{version}", lambdaRoutes::executeVersion);
            config.routes.get(API + "/ws/{ws}/lambdas/{lambda}/tags", lambdaRoutes::tags);
            config.routes.get(API + "/ws/{ws}/lambdas/{lambda}/tags/{tag}", lambdaRoutes::tag);
            config.routes.post(API + "/ws/{ws}/lambdas/{lambda}/tags/{tag}", lambdaRoutes::executeTag);
            config.routes.post(API + "/ws/{ws}/lambdas", lambdaRoutes::create);
            config.routes.post(API + "/ws/{ws}/lambdas/{lambda}/versions", lambdaRoutes::update);
            config.routes.post(API + "/ws/{ws}/lambdas/{lambda}/tags", lambdaRoutes::createTag);
            config.routes.delete(API + "/ws/{ws}/lambdas/{lambda}", lambdaRoutes::delete);
            config.routes.delete(API + "/ws/{ws}/lambdas/{lambda}/tags/{tag}", lambdaRoutes::deleteTag);
            config.routes.delete(API + "/ws/{ws}/lambdas/{lambda}/version/{version}", lambdaRoutes::deleteVersion);
            config.routes.get(API + "/collections", ctx -> catalogRoutes.collections(ctx, null));
            config.routes.get(API + "/ws", catalogRoutes::workspaces);
            config.routes.get(API + "/ws/{ws}", catalogRoutes::workspace);
            config.routes.get(API + "/ws/{ws}/collections", ctx -> catalogRoutes.collections(ctx, ctx.pathParam("ws")));
            config.routes.get(API + "/ws/{ws}/collections/{collection}", catalogRoutes::collection);
        });
        app.start("0.0.0.0", port);
        if (!keys.required()) {
            LOG.warn(
                    "the query front's API is open to anyone who reaches port {}: set {} to require an API key",
                    app.port(),
                    FrontKey.ENVIRONMENT);
        }
    }

    /** Answers a query request (of {@code POST /queries}, or a query lambda's call made into one). */
    private void query(Context ctx, ObjectNode body) throws IOException {
        String queryId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        String kind = FrontMetrics.ONE_COLLECTION;
        try {
            QueryRequest request = QueryRequest.of(JSON, body);
            QueryRequest.Sql sql = request.sql();
            if (sql == null) {
                throw ApiError.invalidInput("the request needs sql.query, e.g. {\"sql\": {\"query\": \"SELECT 1\"}}");
            }
            sql = withViews(body, sql);
            QueryPlan plan = QueryPlan.of(parse(sql.query()), catalog);
            kind = plan.collections().size() == 1 ? FrontMetrics.ONE_COLLECTION : FrontMetrics.ACROSS_COLLECTIONS;
            mayRead(ctx, plan);
            if (body.path("async").asBoolean(false)) {
                runAsync(ctx, body, plan, sql, queryId);
            } else if (body.path("sql").path("paginate").asBoolean(false)) {
                QueryBook.Kept kept =
                        book.completed(queryId, sql.query(), caller(ctx).name(), answer(plan, body, sql, queryId));
                json(
                        ctx,
                        book.firstResults(
                                kept,
                                QueryRequest.wholeNumber(body.path("sql"), "initial_paginate_response_doc_count")));
            } else if (plan.collections().size() == 1) {
                forward(ctx, plan.collections().get(0), body, queryId);
            } else {
                ctx.contentType("application/json").result(JSON.writeValueAsBytes(cross.run(plan, sql, queryId)));
            }
            metrics.answered(kind, "COMPLETED", Duration.ofNanos(System.nanoTime() - started));
        } catch (ApiError e) {
            metrics.answered(kind, e.type(), Duration.ofNanos(System.nanoTime() - started));
            fail(ctx, e, queryId);
        }
    }

    /**
     * An asynchronous query: run in the background and kept; answered with its results when it ends within
     * {@code async_options.client_timeout_ms} (the first {@code max_initial_results} of them, with the cursor of the
     * rest), else with its id and status, to poll with {@code GET /queries/{id}}.
     */
    private void runAsync(Context ctx, ObjectNode body, QueryPlan plan, QueryRequest.Sql sql, String queryId)
            throws JsonProcessingException {
        JsonNode options = body.path("async_options");
        Integer timeoutMs = QueryRequest.wholeNumber(options, "timeout_ms");
        Integer clientTimeoutMs = QueryRequest.wholeNumber(options, "client_timeout_ms");
        Integer first = QueryRequest.wholeNumber(options, "max_initial_results");
        if (first == null) {
            first = QueryRequest.wholeNumber(body, "max_initial_results");
        }
        // A statement sent to one worker is stopped there too; a JOIN's pulls end with the front's own work.
        Runnable onCancel = plan.collections().size() == 1
                ? () -> workers.cancel(
                        plan.collections().get(0).resource(),
                        plan.collections().get(0).name(),
                        queryId)
                : null;
        QueryBook.Kept kept = book.submit(
                queryId,
                sql.query(),
                caller(ctx).name(),
                timeoutMs == null ? null : Duration.ofMillis(timeoutMs),
                onCancel,
                () -> answer(plan, body, sql, queryId));
        book.awaitEnd(kept, Duration.ofMillis(clientTimeoutMs == null ? 0 : clientTimeoutMs));
        switch (kept.status()) {
            case COMPLETED -> {
                ObjectNode answer = book.firstResults(kept, first);
                answer.put("status", QueryBook.Status.COMPLETED.name());
                json(ctx, answer);
            }
            case ERROR -> throw kept.error();
            default -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("query_id", queryId);
                answer.put("status", kept.status().name());
                json(ctx, answer);
            }
        }
    }

    /** The whole answer to a query, from its worker or run by the front across collections. */
    private ObjectNode answer(QueryPlan plan, ObjectNode body, QueryRequest.Sql sql, String queryId)
            throws IOException {
        if (plan.collections().size() != 1) {
            return cross.run(plan, sql, queryId);
        }
        WorkerClient.Answer answer = send(plan.collections().get(0), body.deepCopy(), queryId);
        try (InputStream in = answer.body()) {
            JsonNode read = JSON.readTree(in);
            if (read instanceof ObjectNode object) {
                return object;
            }
        }
        throw new ApiError(502, ApiError.INTERNAL, "the worker's answer is not a JSON object");
    }

    /**
     * The request's statement with its views expanded ({@link ViewExpansion}); the body's text too, for the worker a
     * single-collection statement goes to.
     */
    private QueryRequest.Sql withViews(ObjectNode body, QueryRequest.Sql sql) {
        String expanded = ViewExpansion.expand(sql.query(), this::parse, catalog, views);
        if (expanded.equals(sql.query())) {
            return sql;
        }
        ((ObjectNode) body.get("sql")).put("query", expanded);
        return new QueryRequest.Sql(expanded, sql.parameters(), sql.defaultRowLimit());
    }

    /** Plans SQL as a query would be, views expanded: its error (parse, unknown collection) when it cannot run. */
    private void plan(String sql) {
        QueryPlan.of(parse(ViewExpansion.expand(sql, this::parse, catalog, views)), catalog);
    }

    /** The collections a statement names, as {@code workspace.collection}; none when it does not parse. */
    private List<String> collectionsOf(String sql) {
        try {
            return QueryPlan.of(parse(ViewExpansion.expand(sql, this::parse, catalog, views)), catalog)
                    .names();
        } catch (ApiError e) {
            return List.of();
        }
    }

    /** The API key the request presented. */
    static FrontKey caller(Context ctx) {
        FrontKey caller = ctx.attribute(CALLER);
        return caller == null ? ApiKeys.OPEN : caller;
    }

    /** Refuses a query naming a workspace the request's key may not read, with {@code FORBIDDEN}. */
    private static void mayRead(Context ctx, QueryPlan plan) {
        FrontKey caller = caller(ctx);
        for (QueryPlan.Target target : plan.collections()) {
            mayRead(caller, target.workspace());
        }
    }

    static void mayRead(FrontKey caller, String workspace) {
        if (!caller.allows(workspace)) {
            throw new ApiError(
                    403,
                    ApiError.FORBIDDEN,
                    "the API key '" + caller.name() + "' may read " + caller.scope() + ", not workspace " + workspace);
        }
    }

    /** Passes a single-collection query to its worker, the collection named as the worker names it. */
    private void forward(Context ctx, QueryPlan.Target target, ObjectNode body, String queryId) throws IOException {
        WorkerClient.Answer answer = send(target, body, queryId);
        // The rows go through as the worker writes them: no second copy of a large answer.
        ctx.contentType(answer.contentType()).result(answer.body());
    }

    /** Sends a single-collection query to its worker; a successful answer, or the worker's error as the front's. */
    private WorkerClient.Answer send(QueryPlan.Target target, ObjectNode body, String queryId) throws IOException {
        String sql = body.path("sql").path("query").asText();
        ((ObjectNode) body.get("sql")).put("query", WorkerSql.rewrite(sql, target.references(), target.collection()));
        // The front's own fields: the worker answers synchronously, the whole result.
        body.remove(java.util.List.of("async", "async_options", "max_initial_results"));
        ((ObjectNode) body.get("sql")).remove(java.util.List.of("paginate", "initial_paginate_response_doc_count"));
        WorkerClient.Answer answer =
                workers.query(target.resource(), target.name(), JSON.writeValueAsBytes(body), queryId);
        if (answer.status() == 200) {
            return answer;
        }
        JsonNode error;
        try (InputStream in = answer.body()) {
            error = JSON.readTree(in);
        } catch (IOException e) {
            // Not the worker's JSON: something between (a proxy, a pod going away) answered instead.
            error = null;
        }
        throw WorkerErrors.of(
                answer.status(), error == null || !error.isObject() ? JSON.createObjectNode() : error, target.name());
    }

    private void validate(Context ctx) throws JsonProcessingException {
        ObjectNode body = body(ctx);
        QueryRequest request = QueryRequest.of(JSON, body);
        if (request.sql() == null) {
            throw ApiError.invalidInput("the request needs sql.query, e.g. {\"sql\": {\"query\": \"SELECT 1\"}}");
        }
        QueryPlan plan =
                QueryPlan.of(parse(ViewExpansion.expand(request.sql().query(), this::parse, catalog, views)), catalog);
        mayRead(ctx, plan);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode collections = answer.putArray("collections");
        plan.names().forEach(collections::add);
        ArrayNode parameters = answer.putArray("parameters");
        ParameterText.names(request.sql().query()).forEach(parameters::add);
        json(ctx, answer);
    }

    private ParsedStatement parse(String sql) {
        synchronized (parser) {
            return ParsedStatement.parse(parser, sql);
        }
    }

    private static ObjectNode body(Context ctx) {
        try {
            JsonNode body = JSON.readTree(ctx.body());
            if (body instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw ApiError.invalidInput("the body is not JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "; expected {\"sql\": {\"query\": \"...\"}}");
        }
        throw ApiError.invalidInput("the body is not a JSON object; expected {\"sql\": {\"query\": \"...\"}}");
    }

    static void json(Context ctx, JsonNode answer) throws JsonProcessingException {
        ctx.contentType("application/json").result(JSON.writeValueAsBytes(answer));
    }

    /** Any path or method not served: the hosted service's other calls, or nothing of its API at all. */
    private static void unserved(Context ctx) {
        if (ctx.attribute(ANSWERED) != null) {
            return; // an answer of ours that happens to be a 404 or 405
        }
        if (ctx.path().startsWith(API)) {
            fail(
                    ctx,
                    new ApiError(
                            501,
                            ApiError.NOT_IMPLEMENTED,
                            ctx.method() + " " + ctx.path() + ": " + MANAGED_WITH_KUBECTL),
                    null);
        } else {
            fail(ctx, ApiError.notFound("the query front serves no " + ctx.path() + "; its API is under " + API), null);
        }
    }

    private static void fail(Context ctx, ApiError error, String queryId) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        try {
            ctx.status(error.status())
                    .contentType("application/json")
                    .result(JSON.writeValueAsBytes(new ErrorBody(
                            error.getMessage(),
                            UUID.randomUUID().toString(),
                            error.type(),
                            error.line(),
                            error.column(),
                            queryId)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port served on. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
