package io.dynamosync.operator.collection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;

/** Reads a worker's {@code GET /status}; an unreachable or failing worker reads as empty. */
public final class WorkerStatusSource {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final BiFunction<String, String, String> address;

    /** @param address the base URL of a collection's worker, from its namespace and name */
    public WorkerStatusSource(BiFunction<String, String, String> address) {
        this.address = address;
    }

    /** The address polled for a collection. */
    public String statusUrl(String namespace, String name) {
        return address.apply(namespace, name) + "/status";
    }

    /** The worker's status, or empty when it did not answer with one. */
    public Optional<WorkerStatus> read(String namespace, String name) {
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(statusUrl(namespace, name)))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(JSON.readValue(response.body(), WorkerStatus.class));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Asks the worker for a verification known by {@code token} ({@code POST /verify}); the worker takes a token once,
     * so asking again is harmless. Whether it took it shows in its status, so a failure here is only retried.
     *
     * @return whether the worker answered that it took the request
     */
    public boolean requestVerification(String namespace, String name, String token) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(address.apply(namespace, name) + "/verify"))
                            .timeout(Duration.ofSeconds(3))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    JSON.writeValueAsString(java.util.Map.of("token", token))))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 202;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
