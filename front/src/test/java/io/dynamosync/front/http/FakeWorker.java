package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.duckdb.DuckDBResultSet;

/**
 * A stand-in for one collection's worker with the worker's API shape (query API, {@code /v1/schema},
 * {@code /status}), over a DuckDB table, so the front's routing and pulls are tested without a cluster.
 */
final class FakeWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String collection;
    final AtomicReference<String> lastQuery = new AtomicReference<>();
    final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    /** The id the front named the last query with, and the last id it asked to cancel. */
    final AtomicReference<String> lastQueryId = new AtomicReference<>();

    final AtomicReference<String> lastCancelled = new AtomicReference<>();
    /** How long each query waits before it is answered, for queries that take a while. */
    final AtomicReference<java.time.Duration> delay = new AtomicReference<>(java.time.Duration.ZERO);

    /** Whether Arrow answers end without their end-of-stream marker, as a worker stopped mid-answer sends them. */
    final java.util.concurrent.atomic.AtomicBoolean cutArrow = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether Arrow answers break off in the middle of their last batch, as a dropped connection leaves them. */
    final java.util.concurrent.atomic.AtomicBoolean cutArrowMidBatch = new java.util.concurrent.atomic.AtomicBoolean();

    private static final String ARROW = "application/vnd.apache.arrow.stream";
    private final BufferAllocator memory = new RootAllocator();
    private final Connection db;
    private final Javalin app;
    private final int maxRows;

    FakeWorker(String collection, List<String> setup, int maxRows) throws SQLException {
        this.collection = collection;
        this.maxRows = maxRows;
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            for (String sql : setup) {
                s.execute(sql);
            }
        }
        app = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.routes.post("/v1/orgs/self/queries", ctx -> {
                        lastAuthorization.set(ctx.header("Authorization"));
                        lastQueryId.set(ctx.header("X-Dynamosync-Query-Id"));
                        JsonNode body = JSON.readTree(ctx.body());
                        String sql = body.path("sql").path("query").asText();
                        lastQuery.set(sql);
                        Thread.sleep(delay.get().toMillis());
                        // Parameters bound as literals: enough for a stand-in.
                        for (JsonNode p : body.path("sql").path("parameters")) {
                            String value = p.path("value").asText();
                            sql = sql.replace(
                                    ":" + p.path("name").asText(),
                                    p.path("type").asText().equals("string") ? "'" + value + "'" : value);
                        }
                        try {
                            String accept = ctx.header("Accept");
                            if (accept != null && accept.contains(ARROW)) {
                                int limit = body.path("sql")
                                        .path("default_row_limit")
                                        .asInt(Integer.MAX_VALUE);
                                ctx.status(200).contentType(ARROW).result(arrow(sql, limit));
                            } else {
                                ctx.contentType("application/json").result(run(sql).toString());
                            }
                        } catch (SQLException e) {
                            ctx.status(400)
                                    .contentType("application/json")
                                    .result(JSON.createObjectNode()
                                            .put("message", e.getMessage())
                                            .put("type", "QUERY_ERROR")
                                            .put("reason", "QueryError")
                                            .put("line", 1)
                                            .put("column", 8)
                                            .toString());
                        }
                    });
                    config.routes.delete("/v1/orgs/self/queries/{id}", ctx -> {
                        lastCancelled.set(ctx.pathParam("id"));
                        ctx.contentType("application/json").result("{\"data\": {\"status\": \"CANCELLED\"}}");
                    });
                    config.routes.get("/v1/schema", ctx -> {
                        ObjectNode schema = JSON.createObjectNode().put("collection", collection);
                        ArrayNode columns = schema.putArray("columns");
                        synchronized (db) {
                            try (Statement s = db.createStatement();
                                    ResultSet rs = s.executeQuery("SELECT column_name, data_type FROM "
                                            + "information_schema.columns WHERE table_name = '" + collection
                                            + "' ORDER BY ordinal_position")) {
                                while (rs.next()) {
                                    columns.addObject()
                                            .put("name", rs.getString(1))
                                            .put("type", rs.getString(2));
                                }
                            }
                        }
                        ctx.contentType("application/json").result(schema.toString());
                    });
                    config.routes.get(
                            "/status",
                            ctx -> ctx.contentType("application/json")
                                    .result("{\"stream\":{\"syncedAsOf\":\"2026-12-07T06:00:00Z\"}}"));
                })
                .start("127.0.0.1", 0);
    }

    /** The rows as an Arrow stream, as the worker answers a pull: batches until the limit is reached. */
    private byte[] arrow(String sql, int limit) throws SQLException, java.io.IOException {
        synchronized (db) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery(sql);
                    ArrowReader reader =
                            (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(memory, 64)) {
                ArrowStreamWriter writer = new ArrowStreamWriter(
                        reader.getVectorSchemaRoot(), reader, java.nio.channels.Channels.newChannel(out));
                writer.start();
                long written = 0;
                while (written < limit && reader.loadNextBatch()) {
                    written += reader.getVectorSchemaRoot().getRowCount();
                    writer.writeBatch();
                }
                writer.end();
            }
            byte[] bytes = out.toByteArray();
            // A worker that stops mid-answer sends what it wrote, without the end-of-stream marker.
            if (cutArrowMidBatch.get()) {
                return java.util.Arrays.copyOf(bytes, bytes.length - 20);
            }
            return cutArrow.get() ? java.util.Arrays.copyOf(bytes, bytes.length - 8) : bytes;
        }
    }

    private ObjectNode run(String sql) throws SQLException {
        synchronized (db) {
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode results = answer.putArray("results");
            ArrayNode fields = answer.putArray("column_fields");
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    fields.addObject().put("name", meta.getColumnLabel(i)).put("type", meta.getColumnTypeName(i));
                }
                while (rs.next()) {
                    if (results.size() == maxRows) {
                        answer.putArray("warnings").add("the results were cut at " + maxRows + " rows, the row limit");
                        break;
                    }
                    ObjectNode row = results.addObject();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.set(
                                meta.getColumnLabel(i),
                                v == null
                                        ? JSON.nullNode()
                                        : JSON.valueToTree(
                                                v instanceof java.math.BigDecimal
                                                                || v instanceof Number
                                                                || v instanceof Boolean
                                                        ? v
                                                        : v.toString()));
                    }
                }
            }
            return answer;
        }
    }

    String address() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() throws SQLException {
        app.stop();
        db.close();
        memory.close();
    }
}
