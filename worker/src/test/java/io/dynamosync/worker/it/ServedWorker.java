package io.dynamosync.worker.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A worker in process with its HTTP server, as {@code worker run} starts them (server first,
 * then the load), over a sample table; and a client for its query API.
 */
public final class ServedWorker implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Worker worker;
    private final AwsClients clients;
    private final WorkerServer server;
    private final String table;

    private ServedWorker(Worker worker, AwsClients clients, WorkerServer server, String table) {
        this.worker = worker;
        this.clients = clients;
        this.server = server;
        this.table = table;
    }

    /** An HTTP answer: its status and its body, parsed when it is JSON. */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /**
     * Fills a new sample table with {@code items} items, starts a worker of collection
     * {@code orders} on it with the given HTTP limits and API key, and waits until it follows
     * the stream.
     */
    public static ServedWorker start(LocalAws aws, Path data, int items, Map<String, Object> http, ApiKey apiKey)
            throws Exception {
        return start(aws, data, items, http, apiKey, Map.of());
    }

    /** As {@link #start(LocalAws, Path, int, Map, ApiKey)}, with more settings (e.g. {@code duckdb}). */
    public static ServedWorker start(
            LocalAws aws, Path data, int items, Map<String, Object> http, ApiKey apiKey, Map<String, Object> more)
            throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, items);
        Map<String, Object> raw =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        raw.put("http", http);
        raw.putAll(more);
        Settings settings = InitialLoadIT.settings(raw);
        AwsClients clients = new AwsClients(settings);
        Worker worker = new Worker(settings, clients).open();
        WorkerServer server = new WorkerServer(worker, 0, apiKey);
        worker.start();
        ServedWorker served = new ServedWorker(worker, clients, server, table);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(worker::status, s -> s.stream() != null && s.stream().synced() && "Streaming".equals(s.phase()));
        return served;
    }

    /** A second server on the same worker, e.g. with an API key. */
    public WorkerServer anotherServer(ApiKey apiKey) {
        return new WorkerServer(worker, 0, apiKey);
    }

    public String table() {
        return table;
    }

    public int port() {
        return server.port();
    }

    public WorkerStatus status() {
        return worker.status();
    }

    /** The worker's store, e.g. to hold its writer's lock. */
    public io.dynamosync.worker.store.Store store() {
        return worker.store();
    }

    /** The worker's AWS clients. */
    public AwsClients clients() {
        return clients;
    }

    /** Sends a query request body as is. */
    public static Answer post(int port, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/orgs/self/queries"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** GETs a path. */
    public static Answer get(int port, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** A request body for {@code sql}, with {@code parameters} as (name, type, value) triples. */
    public static String request(String sql, Integer defaultRowLimit, String... parameters) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode inner = body.putObject("sql");
        inner.put("query", sql);
        if (defaultRowLimit != null) {
            inner.put("default_row_limit", defaultRowLimit);
        }
        if (parameters.length > 0) {
            var list = inner.putArray("parameters");
            for (int i = 0; i < parameters.length; i += 3) {
                list.addObject()
                        .put("name", parameters[i])
                        .put("type", parameters[i + 1])
                        .put("value", parameters[i + 2]);
            }
        }
        return body.toString();
    }

    /** Runs {@code sql} through the query API. */
    public Answer query(String sql, String... parameters) throws IOException, InterruptedException {
        return post(port(), request(sql, null, parameters), null);
    }

    /**
     * The collection as it is stored: documents, a checksum of every row, the catalog's
     * tables and columns, and the checkpoints, read past the query API.
     */
    public String fingerprint() throws Exception {
        try (Connection c = worker.store().newConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM orders) || ' documents, rows ' "
                        + "|| (SELECT coalesce(bit_xor(hash(o)), 0) FROM orders o) || ', catalog ' "
                        + "|| (SELECT string_agg(table_name || '.' || column_name || ' ' || data_type, ',' ORDER BY table_name, column_name) "
                        + "FROM information_schema.columns) || ', checkpoints ' "
                        + "|| (SELECT coalesce(bit_xor(hash(c)), 0) FROM _sync_state c)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        server.close();
        worker.close();
        clients.close();
    }
}
