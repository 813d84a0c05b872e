package io.dynamosync.testkit.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * DynamoDB Local called in its own JSON, without the SDK, so that items pass through byte for
 * byte: numbers keep every digit and binaries their exact base64, as in a real export.
 */
final class RawDynamoDb {

    private static final ObjectMapper JSON = new ObjectMapper();
    // DynamoDB Local runs with -sharedDb, so any well-formed credential selects the one database.
    private static final String AUTHORIZATION =
            "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, "
                    + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0";

    private final URI endpoint;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    RawDynamoDb(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** A DynamoDB error answered by DynamoDB Local: its code (after the {@code #}) and message. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;

        Failure(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    JsonNode call(String operation, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("X-Amz-Date", "20200101T000000Z")
                .header("Authorization", AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(write(body)))
                .build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                String type = answer.path("__type").asText("UnknownError");
                String message = answer.hasNonNull("message")
                        ? answer.get("message").asText()
                        : answer.path("Message").asText();
                throw new Failure(type.substring(type.indexOf('#') + 1), message);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException("DynamoDB Local did not answer " + operation, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling " + operation, e);
        }
    }

    private static byte[] write(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
