package io.dynamosync.worker.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.SettingsException;
import io.dynamosync.worker.metrics.WorkerMetrics;
import io.dynamosync.worker.query.ArrowOutput;
import io.dynamosync.worker.query.QueryAdmission;
import io.dynamosync.worker.query.QueryFailure;
import io.dynamosync.worker.query.QueryRequest;
import io.dynamosync.worker.query.QueryRunner;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one HTTP port: {@code GET /status} (the load and sync progress the operator
 * copies into the collection's status), {@code GET /healthz} and {@code GET /readyz} (ready
 * once a complete load is served; a JSON 503 saying why before), {@code POST /v1/orgs/self/queries} (SQL over the collection, in the
 * hosted service's API shape), {@code GET /v1/schema} (the collection's columns), {@code POST /verify} (a
 * verification of the replica against the table, {@code {"token": "..."}}),
 * {@code GET /metrics} (Prometheus) and {@code GET /} (the query console).
 */
public final class WorkerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What the worker serves, for the answer to a path or method it does not. */
    private static final String PATHS =
            "POST /v1/orgs/self/queries, GET /v1/schema, GET /status, POST /verify, GET /metrics, "
                    + "GET /healthz, GET /readyz and GET / (the console)";

    private final Javalin app;
    private final QueryRunner queries;

    /** An error body as the hosted service's API gives it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(
            String message,
            String type,
            String reason,
            Integer line,
            Integer column,
            @JsonProperty("query_id") String queryId) {}

    public WorkerServer(Worker worker, int port, ApiKey apiKey) {
        WorkerMetrics metrics = new WorkerMetrics(worker);
        queries = worker.store() == null
                ? null
                : new QueryRunner(
                        worker.store(),
                        Duration.ofSeconds(worker.settings().queryTimeoutSeconds()),
                        worker.settings().queryMaxRows(),
                        QueryAdmission.forProcessors(Runtime.getRuntime().availableProcessors()),
                        metrics);
        byte[] console = resource("/console/index.html");
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // A known path asked with another method is a 405, not a 404; both answer JSON, as every error here does.
            config.http.prefer405over404 = true;
            config.routes.error(
                    404,
                    "*",
                    ctx -> fail(
                            ctx,
                            new QueryFailure(
                                    404,
                                    QueryFailure.NOT_FOUND,
                                    "the worker serves no " + ctx.path() + "; it serves " + PATHS,
                                    null,
                                    null),
                            null));
            config.routes.error(
                    405,
                    "*",
                    ctx -> fail(
                            ctx,
                            new QueryFailure(
                                    405,
                                    QueryFailure.METHOD_NOT_ALLOWED,
                                    ctx.method() + " is not " + "served on " + ctx.path() + "; it serves " + PATHS,
                                    null,
                                    null),
                            null));
            config.routes.get(
                    "/status",
                    ctx -> ctx.contentType("application/json").result(JSON.writeValueAsString(worker.status())));
            // Unauthenticated like /status, for the operator: it costs at most the verification's own RCU cap, one at a
            // time.
            config.routes.post("/verify", ctx -> {
                String token = null;
                if (!ctx.body().isBlank()) {
                    com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(ctx.body());
                    token = body.path("token").isTextual() ? body.get("token").asText() : null;
                }
                if (token == null || token.isBlank()) {
                    token = UUID.randomUUID().toString();
                }
                worker.requestVerification(token);
                ctx.status(202)
                        .contentType("application/json")
                        .result(JSON.writeValueAsString(java.util.Map.of("requestToken", token)));
            });
            config.routes.get("/healthz", ctx -> ctx.result("ok"));
            config.routes.get("/readyz", ctx -> {
                String notReady = worker.notReadyBecause();
                if (notReady == null) {
                    ctx.result("ready");
                } else {
                    ctx.status(503)
                            .contentType("application/json")
                            .result(JSON.writeValueAsString(java.util.Map.of(
                                    "ready", false, "reason", "NoCompleteGeneration", "message", notReady)));
                }
            });
            config.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType(WorkerMetrics.contentType()).result(metrics.scrape()));
            config.routes.get(
                    "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(console));
            config.routes.post("/v1/orgs/self/queries", ctx -> query(ctx, apiKey));
            config.routes.delete("/v1/orgs/self/queries/{id}", ctx -> {
                String id = ctx.pathParam("id");
                if (admitted(ctx, apiKey, id)) {
                    requireQueries();
                    if (!queries.cancel(id)) {
                        throw new QueryFailure(
                                404,
                                QueryFailure.NOT_FOUND,
                                "no query " + id + " runs here: it ended, or never ran",
                                null,
                                null);
                    }
                    ctx.contentType("application/json")
                            .result(JSON.writeValueAsString(
                                    java.util.Map.of("data", java.util.Map.of("query_id", id, "status", "CANCELLED"))));
                }
            });
            config.routes.get("/v1/schema", ctx -> {
                if (admitted(ctx, apiKey, null)) {
                    requireQueries();
                    ctx.contentType("application/json").result(JSON.writeValueAsString(queries.schema()));
                }
            });
            config.routes.exception(QueryFailure.class, (e, ctx) -> fail(ctx, e, null));
        });
        try {
            app.start("0.0.0.0", port);
        } catch (JavalinBindException e) {
            throw new SettingsException("http.port " + port + " is taken by another process");
        }
        if (apiKey.required()) {
            LOG.info("the query API and console ask for the API key from {}", ApiKey.ENVIRONMENT);
        } else {
            LOG.warn(
                    "the query API is open to anyone who reaches port {}: set {} to require an API key",
                    app.port(),
                    ApiKey.ENVIRONMENT);
        }
    }

    /** The header the query front names its queries in. */
    public static final String QUERY_ID_HEADER = "X-Dynamosync-Query-Id";

    private static final java.util.regex.Pattern QUERY_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    private void query(Context ctx, ApiKey apiKey) throws JsonProcessingException {
        // The query front names the queries it sends, so that it can cancel them.
        String named = ctx.header(QUERY_ID_HEADER);
        String queryId = named != null && QUERY_ID.matcher(named).matches()
                ? named
                : UUID.randomUUID().toString();
        if (!admitted(ctx, apiKey, queryId)) {
            return;
        }
        ArrowOutput arrow = null;
        try {
            requireQueries();
            QueryRequest request;
            try {
                request = JSON.readValue(ctx.body(), QueryRequest.class);
            } catch (JsonProcessingException e) {
                throw QueryFailure.badRequest(
                        QueryFailure.INVALID_INPUT,
                        "the body is not a query request: "
                                + e.getOriginalMessage().lines().findFirst().orElse("")
                                + "; expected {\"sql\": {\"query\": \"...\"}}");
            }
            if (wantsArrow(ctx)) {
                arrow = queries.arrow(() -> {
                    ctx.status(200).contentType(ArrowOutput.MEDIA_TYPE);
                    return ctx.outputStream();
                });
                queries.run(request, queryId, arrow);
                return;
            }
            ctx.contentType("application/json").result(JSON.writeValueAsString(queries.run(request, queryId)));
        } catch (RuntimeException e) {
            if (arrow != null && arrow.opened()) {
                // The status went out with the first bytes: the stream ends without its end-of-stream marker, which
                // tells the reader that rows are missing.
                LOG.warn("query {}: the Arrow answer ended early: {}", queryId, e.getMessage());
                return;
            }
            if (e instanceof QueryFailure failure) {
                fail(ctx, failure, queryId);
                return;
            }
            LOG.error("query {} failed unexpectedly", queryId, e);
            fail(
                    ctx,
                    new QueryFailure(
                            500, QueryFailure.INTERNAL, "the worker failed to answer the query: " + e, null, null),
                    queryId);
        }
    }

    /** Whether the request asks for the rows as an Arrow stream, as the query front's pulls do. */
    private static boolean wantsArrow(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains(ArrowOutput.MEDIA_TYPE);
    }

    private static boolean admitted(Context ctx, ApiKey apiKey, String queryId) throws JsonProcessingException {
        if (apiKey.admits(ctx.header("Authorization"))) {
            return true;
        }
        fail(
                ctx,
                new QueryFailure(
                        401,
                        QueryFailure.AUTHENTICATION,
                        ctx.header("Authorization") == null
                                ? "this worker asks for an API key: send the header 'Authorization: ApiKey <key>'"
                                : "the API key is not valid",
                        null,
                        null),
                queryId);
        return false;
    }

    private void requireQueries() {
        if (queries == null) {
            throw new QueryFailure(503, QueryFailure.NOT_READY, "the store is not open yet", null, null);
        }
    }

    private static void fail(Context ctx, QueryFailure failure, String queryId) {
        try {
            ctx.status(failure.status())
                    .contentType("application/json")
                    .result(JSON.writeValueAsString(new ErrorBody(
                            failure.getMessage(),
                            failure.errorType().name(),
                            failure.reason(),
                            failure.line(),
                            failure.column(),
                            queryId)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = WorkerServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the worker's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the server listens on (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    /** Stops serving, then cancels queries still running, so the store can close. */
    @Override
    public void close() {
        app.stop();
        if (queries != null) {
            queries.close();
        }
    }
}
