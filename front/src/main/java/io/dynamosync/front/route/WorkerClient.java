package io.dynamosync.front.route;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.front.api.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Talks to one collection's worker through its Service ({@code http://<name>-worker.<namespace>.svc:8080} in a
 * cluster; the address template says where): its query API, its columns and its {@code /status}. A worker that
 * cannot be reached fails with {@link ApiError#NOT_READY} naming the collection.
 */
public final class WorkerClient {

    /** The worker's address inside a cluster: the collection's Service, as the operator creates it. */
    public static final String DEFAULT_ADDRESS = "http://{name}-worker.{namespace}.svc:8080";

    private static final String QUERIES = "/v1/orgs/self/queries";
    /** The header a worker takes a query's id from (the worker's {@code WorkerServer.QUERY_ID_HEADER}). */
    public static final String QUERY_ID_HEADER = "X-Dynamosync-Query-Id";

    /** The media type of the Arrow streams pulls ask workers for. */
    public static final String ARROW = "application/vnd.apache.arrow.stream";
    // A worker's numbers as it wrote them: every digit, trailing zeros too.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Function<DynamoCollection, String> address;
    private final WorkerKeys keys;
    private final Duration timeout;

    /**
     * @param address the base URL of a collection's worker
     * @param timeout how long a worker may take to answer a query, its own time limit included
     */
    public WorkerClient(Function<DynamoCollection, String> address, WorkerKeys keys, Duration timeout) {
        this.address = address;
        this.keys = keys;
        this.timeout = timeout;
    }

    /** Addresses from a template with {@code {name}} and {@code {namespace}} for the collection's. */
    public static Function<DynamoCollection, String> template(String template) {
        return collection -> template.replace("{name}", collection.getMetadata().getName())
                .replace("{namespace}", collection.getMetadata().getNamespace());
    }

    /** The worker's base URL. */
    public String address(DynamoCollection collection) {
        return address.apply(collection);
    }

    /** An answer of the worker's query API, its body still unread so that it can be passed on as it comes. */
    public record Answer(int status, String contentType, InputStream body) {}

    /**
     * Posts a query request (the hosted service's JSON body) to the worker and hands back its answer as it comes.
     *
     * @param name the collection as the user named it, for messages
     */
    public Answer query(DynamoCollection collection, String name, byte[] body) {
        return query(collection, name, body, null);
    }

    /**
     * As {@link #query(DynamoCollection, String, byte[])}, naming the query {@code queryId} on the worker, so that
     * {@link #cancel} can stop it there.
     */
    public Answer query(DynamoCollection collection, String name, byte[] body, String queryId) {
        return query(collection, name, body, queryId, "application/json");
    }

    /**
     * Runs a query on the worker for its rows as an Arrow stream, which the caller reads and closes; fails as the
     * worker failed when it answers with an error.
     */
    public InputStream queryArrow(DynamoCollection collection, String name, byte[] body) {
        Answer answer = query(collection, name, body, null, ARROW);
        if (answer.status() == 200 && answer.contentType().startsWith(ARROW)) {
            return answer.body();
        }
        JsonNode json;
        try (InputStream in = answer.body()) {
            json = JSON.readTree(in);
        } catch (IOException e) {
            throw ApiError.notReady(name, "its worker's answer broke off: " + e.getMessage());
        }
        if (answer.status() == 200) {
            throw ApiError.notReady(name, "its worker answers no Arrow stream; run a worker of the front's release");
        }
        throw WorkerErrors.of(answer.status(), json == null ? JSON.createObjectNode() : json, name);
    }

    private Answer query(DynamoCollection collection, String name, byte[] body, String queryId, String accept) {
        HttpRequest.Builder request = request(collection, QUERIES)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (queryId != null) {
            request.header(QUERY_ID_HEADER, queryId);
        }
        HttpResponse<InputStream> response =
                send(collection, name, request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 503
                && response.headers()
                        .firstValue("Content-Type")
                        .map(t -> !t.contains("json"))
                        .orElse(true)) {
            // The Service has no ready endpoint: no worker answered at all.
            close(response.body());
            throw ApiError.notReady(name, "its worker is not running");
        }
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse("application/json"),
                response.body());
    }

    /**
     * Asks the worker to cancel the query it runs as {@code queryId}; whether it was running there. A worker that
     * cannot be reached has nothing of it to stop either.
     */
    public boolean cancel(DynamoCollection collection, String name, String queryId) {
        try {
            HttpResponse<Void> response = send(
                    collection,
                    name,
                    request(collection, QUERIES + "/" + queryId).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (ApiError e) {
            return false;
        }
    }

    /** The collection's columns, each with its DuckDB type: {@code {"columns": [{"name", "type"}]}}. */
    public JsonNode schema(DynamoCollection collection, String name) {
        HttpResponse<InputStream> response = send(
                collection,
                name,
                request(collection, "/v1/schema").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            JsonNode json = JSON.readTree(in);
            if (response.statusCode() != 200) {
                throw WorkerErrors.of(response.statusCode(), json == null ? JSON.createObjectNode() : json, name);
            }
            return json;
        } catch (IOException e) {
            throw ApiError.notReady(name, "its worker's columns could not be read: " + e.getMessage());
        }
    }

    /** When the collection's worker last had every record it read committed, from its {@code /status}. */
    public Optional<Instant> syncedAsOf(DynamoCollection collection, String name) {
        HttpResponse<InputStream> response = send(
                collection,
                name,
                request(collection, "/status").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw ApiError.notReady(name, "its worker's /status answered " + response.statusCode());
            }
            JsonNode status = JSON.readTree(in);
            String at = status.path("stream").path("syncedAsOf").asText(null);
            return at == null ? Optional.empty() : Optional.of(Instant.parse(at));
        } catch (IOException e) {
            throw ApiError.notReady(name, "its worker's /status broke off: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(DynamoCollection collection, String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(address(collection) + path)).timeout(timeout);
        keys.of(collection).ifPresent(key -> builder.header("Authorization", "ApiKey " + key));
        return builder;
    }

    private <T> HttpResponse<T> send(
            DynamoCollection collection, String name, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ApiError(
                    408, ApiError.QUERY_TIMEOUT, "collection " + name + "'s worker did not answer within " + timeout);
        } catch (IOException e) {
            throw ApiError.notReady(name, "its worker at " + address(collection) + " is not reachable (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.notReady(name, "the front is stopping");
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to read from it
        }
    }
}
