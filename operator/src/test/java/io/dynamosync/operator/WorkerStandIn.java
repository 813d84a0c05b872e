package io.dynamosync.operator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpServer;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the workers' {@code GET /status} on one loopback port ({@code /<namespace>/<collection>/status}),
 * and takes their {@code POST /verify}:
 * each answer is a {@link WorkerStatus} made by {@link WorkerAnswer} in a state a worker goes through, written as
 * the worker writes it, so the operator under test reads what it reads from real workers.
 */
public final class WorkerStandIn implements AutoCloseable {

    /**
     * The worker's own JSON settings ({@code WorkerServer.JSON}): ISO-8601 times, plain decimals; the records
     * themselves leave out nulls ({@code @JsonInclude(NON_NULL)}).
     */
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpServer server;
    private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
    private final Map<String, List<String>> verifyRequests = new ConcurrentHashMap<>();

    /** Starts answering; every collection's worker is silent until told what to say. */
    public WorkerStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                String[] path = exchange.getRequestURI().getPath().split("/");
                if (path.length == 4 && "verify".equals(path[3]) && "POST".equals(exchange.getRequestMethod())) {
                    String token = JSON.readTree(exchange.getRequestBody())
                            .path("token")
                            .asText();
                    verifyRequests
                            .computeIfAbsent(path[1] + "/" + path[2], k -> new CopyOnWriteArrayList<>())
                            .add(token);
                    exchange.sendResponseHeaders(202, -1);
                    return;
                }
                byte[] body =
                        path.length == 4 && "status".equals(path[3]) ? answers.get(path[1] + "/" + path[2]) : null;
                if (body == null) {
                    // As a pod that is not ready: its Service has no endpoint to answer.
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** The tokens of the verifications the operator asked a collection's worker for ({@code POST /verify}), in order. */
    public List<String> verifyRequests(String namespace, String collection) {
        return List.copyOf(verifyRequests.getOrDefault(namespace + "/" + collection, List.of()));
    }

    /** The operator's worker address template that reaches this stand-in. */
    public String addressTemplate() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/{namespace}/{name}";
    }

    /** Makes the worker of a collection answer as {@code answer} stands now; null makes it silent. */
    public void answer(String namespace, String collection, WorkerAnswer answer) {
        if (answer == null) {
            answers.remove(namespace + "/" + collection);
        } else {
            answers.put(namespace + "/" + collection, json(answer.build()));
        }
    }

    /** The body a worker in this state serves. */
    static byte[] json(WorkerStatus status) {
        try {
            return JSON.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
