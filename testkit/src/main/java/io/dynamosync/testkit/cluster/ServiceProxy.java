package io.dynamosync.testkit.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The cluster's Service network, on one loopback port: {@code http://127.0.0.1:PORT/<namespace>/<service>/<path>}
 * reaches {@code <path>} on a ready pod that the Service's selector matches (or a running one, when the Service
 * publishes not-ready addresses), as
 * {@code http://<service>.<namespace>.svc:<port>/<path>} does in a cluster. Point the operator's worker address
 * template at {@link #addressTemplate()}.
 */
public final class ServiceProxy implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * Headers a Service does not carry through as they came: a Service forwards the connection as it is, but the
     * proxy makes a new one, and Java's client sets these itself (and refuses some).
     */
    private static final java.util.Set<String> NOT_FORWARDED = java.util.Set.of(
            "connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive", "te");

    private final KubernetesClient client;
    private final LocalKubelet kubelet;
    private final HttpServer server;

    /** Serves on a free loopback port. */
    public ServiceProxy(KubernetesClient client, LocalKubelet kubelet) {
        this.client = client;
        this.kubelet = kubelet;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "service-proxy");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::forward);
        server.start();
    }

    /** The base URL of a Service. */
    public String address(String namespace, String service) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + namespace + "/" + service;
    }

    /** The operator's worker address template for workers behind this proxy ({@code <name>-worker} Services). */
    public String addressTemplate() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/{namespace}/{name}-worker";
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getRawPath().split("/", 4);
            if (parts.length < 3) {
                reply(exchange, 404, "no such service");
                return;
            }
            Optional<LocalPod> pod = endpoint(parts[1], parts[2]);
            if (pod.isEmpty()) {
                // What a client of a Service without ready endpoints sees: the connection is refused.
                reply(exchange, 503, "service " + parts[1] + "/" + parts[2] + " has no ready endpoint");
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            URI target = URI.create(pod.get().address() + "/" + (parts.length == 4 ? parts[3] : "")
                    + (query == null ? "" : "?" + query));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            // Every header, as a Service passes the connection on whole: the query front's query ids, say.
            exchange.getRequestHeaders().forEach((header, values) -> {
                if (!NOT_FORWARDED.contains(header.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(value -> request.header(header, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                reply(exchange, 502, "pod did not answer: " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 502, "interrupted");
                return;
            }
            // Every header back too (Content-Encoding with a compressed body, say), but those of the connection.
            response.headers().map().forEach((header, values) -> {
                String name = header.toLowerCase(java.util.Locale.ROOT);
                if (!NOT_FORWARDED.contains(name) && !name.equals("date") && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(header, values);
                }
            });
            exchange.sendResponseHeaders(
                    response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private Optional<LocalPod> endpoint(String namespace, String serviceName) {
        Service service =
                client.services().inNamespace(namespace).withName(serviceName).get();
        if (service == null || service.getSpec().getSelector() == null) {
            return Optional.empty();
        }
        Map<String, String> selector = service.getSpec().getSelector();
        // As in a cluster: a Service lists only ready pods, unless it publishes not-ready addresses too.
        boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        for (Map.Entry<String, LocalPod> entry : kubelet.pods().entrySet()) {
            LocalPod pod = entry.getValue();
            if (!entry.getKey().startsWith(namespace + "/") || !(pod.ready() || notReadyToo && pod.alive())) {
                continue;
            }
            Pod resource = client.pods()
                    .inNamespace(namespace)
                    .withName(entry.getKey().substring(namespace.length() + 1))
                    .get();
            Map<String, String> labels =
                    resource == null || resource.getMetadata().getLabels() == null
                            ? Map.of()
                            : resource.getMetadata().getLabels();
            if (labels.entrySet().containsAll(selector.entrySet())) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = ("{\"message\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
