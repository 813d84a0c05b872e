package io.dynamosync.testkit.front;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamosync.testkit.export.ExportService;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import io.dynamosync.testkit.fault.Faults;
import io.dynamosync.testkit.stream.ShardedStreams;
import io.dynamosync.testkit.stream.StreamTrimming;
import io.dynamosync.testkit.stream.TtlDeletes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DynamoDB and DynamoDB Streams endpoint the kit hands out. Each call is counted and checked
 * against the fault rules; the export and point-in-time-recovery calls DynamoDB Local lacks are
 * answered by the {@link ExportService}, streams with shard lineages by {@link ShardedStreams},
 * and the stream calls of tables under {@link StreamTrimming} see trimmed streams; everything
 * else goes to DynamoDB Local byte for byte, except GetRecords answers holding REMOVE records a
 * test marked as time-to-live deletes ({@link TtlDeletes}). The read capacity answers report
 * consuming is counted in {@link Faults#consumedCapacity}.
 */
public final class AwsFront implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AwsFront.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hop-by-hop headers, and those the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "date",
            "via",
            "warning",
            "from",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer");

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the
        // client's delayed ACK and every call waits about 40 ms. Read once, at first use.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final URI dynamoDbLocal;
    private final Faults faults;
    private final ExportService exports;
    private final ShardedStreams shardedStreams;
    private final TtlDeletes ttlDeletes;
    private final StreamTrimming trimming;

    /** Starts the front on a loopback port (0 for any free one), forwarding to {@code dynamoDbLocal}. */
    public AwsFront(
            URI dynamoDbLocal,
            Faults faults,
            ExportService exports,
            ShardedStreams shardedStreams,
            TtlDeletes ttlDeletes,
            StreamTrimming trimming,
            int port) {
        this.dynamoDbLocal = dynamoDbLocal;
        this.faults = faults;
        this.exports = exports;
        this.shardedStreams = shardedStreams;
        this.ttlDeletes = ttlDeletes;
        this.trimming = trimming;
        this.executor = Executors.newCachedThreadPool(daemonThreads("aws-front"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the AWS front port", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The endpoint URL clients use. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            AwsCall call = AwsCall.parse(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body);
            FaultRule fault = faults.onCall(call.operation(), call.table());
            if (fault != null && !fault.latency().isZero()) {
                Thread.sleep(fault.latency().toMillis());
            }
            if (fault != null && fault.error() != null) {
                respondError(exchange, fault.error(), fault.error().message(call.operation(), call.table()));
            } else if (shardedStreams.handles(call)) {
                ShardedStreams.Answer answer = shardedStreams.handle(call);
                byte[] emulated = JSON.writeValueAsBytes(answer.body());
                respond(
                        exchange,
                        answer.status(),
                        isGetRecords(call) && answer.status() == 200
                                ? ttlDeletes.mark(call.table(), emulated)
                                : emulated);
            } else if (exports.handles(call)) {
                ExportService.Answer answer = exports.handle(call);
                respond(exchange, answer.status(), JSON.writeValueAsBytes(answer.body()));
            } else if (trimming.handles(call)) {
                StreamTrimming.Decision decision = trimming.decide(call);
                if (decision instanceof StreamTrimming.Forward forward) {
                    byte[] sent = forward.body() == call.body() ? body : JSON.writeValueAsBytes(forward.body());
                    HttpResponse<byte[]> response = forward(exchange, call, sent);
                    if (response.statusCode() == 200) {
                        trimming.answered(call, forward.body(), JSON.readTree(response.body()));
                    }
                } else {
                    respondError(
                            exchange,
                            AwsError.TRIMMED_DATA_ACCESS,
                            AwsError.TRIMMED_DATA_ACCESS.message(call.operation(), call.table()));
                }
            } else {
                HttpResponse<byte[]> response = forward(exchange, call, body);
                countConsumed(call, response);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("AWS front failed a call", e);
            respondError(exchange, AwsError.INTERNAL_SERVER_ERROR, "test kit: " + e);
        }
    }

    private static boolean isGetRecords(AwsCall call) {
        return "DynamoDBStreams_20120810".equals(call.service()) && "GetRecords".equals(call.operation());
    }

    /**
     * Adds what an answer reports consuming to the counts, for calls that asked for it. The body is
     * only scanned for its top-level {@code ConsumedCapacity}, since a Scan page may be megabytes.
     */
    private void countConsumed(AwsCall call, HttpResponse<byte[]> response) {
        String asked = call.body().path("ReturnConsumedCapacity").asText("NONE");
        if (response.statusCode() != 200 || asked.equals("NONE")) {
            return;
        }
        try (JsonParser parser = JSON.getFactory().createParser(response.body())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("ConsumedCapacity")) {
                    JsonNode consumed = JSON.readTree(parser);
                    double units = 0;
                    for (JsonNode one : consumed.isArray()
                            ? consumed
                            : JSON.createArrayNode().add(consumed)) {
                        units += one.path("CapacityUnits").asDouble(0);
                    }
                    faults.consumed(call.operation(), call.table(), units, Instant.now());
                    return;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            LOG.warn("could not read the consumed capacity of a {} answer: {}", call.operation(), e.toString());
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, AwsCall call, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        dynamoDbLocal.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    request.header(header.getKey(), value);
                }
            }
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Headers out = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                out.put(name, values);
            }
        });
        byte[] answer = response.body();
        if (response.statusCode() == 200
                && isGetRecords(call)
                && ttlDeletes.marks(call.table())
                && response.headers()
                        .firstValue("Content-Encoding")
                        .filter(e -> !e.equals("identity"))
                        .isEmpty()) {
            byte[] marked = ttlDeletes.mark(call.table(), answer);
            if (marked != answer) {
                answer = marked;
                // The SDK checks DynamoDB's answers against this header.
                CRC32 crc = new CRC32();
                crc.update(answer);
                out.set("x-amz-crc32", Long.toString(crc.getValue()));
            }
        }
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(answer);
        }
        return response;
    }

    private static void respondError(HttpExchange exchange, AwsError error, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", error.wireType());
        body.put("message", message);
        exchange.getResponseHeaders().set("x-amzn-ErrorType", error.code());
        respond(exchange, error.httpStatus(), JSON.writeValueAsBytes(body));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
