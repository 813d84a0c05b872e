package io.dynamosync.front.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.front.api.ApiError;
import org.junit.jupiter.api.Test;

class WorkerErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApiError of(int status, String type) {
        return WorkerErrors.of(
                status,
                JSON.createObjectNode()
                        .put("message", "m")
                        .put("type", type)
                        .put("line", 2)
                        .put("column", 5),
                "shop.orders");
    }

    @Test
    void theWorkersTypesPassAsTheyAreWithWhereTheProblemIs() {
        ApiError parse = of(400, "QUERY_ERROR");
        assertThat(parse.type()).isEqualTo("QUERY_ERROR");
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.line()).isEqualTo(2);
        assertThat(parse.column()).isEqualTo(5);
        assertThat(of(408, "QUERY_TIMEOUT").type()).isEqualTo("QUERY_TIMEOUT");
        assertThat(of(400, "QUERY_CANCELLED").type()).isEqualTo("QUERY_CANCELLED");
        assertThat(of(429, "RATELIMITEXCEEDED").type()).isEqualTo("RATELIMITEXCEEDED");
        assertThat(of(503, "NOT_READY").getMessage()).contains("shop.orders");
        assertThat(of(401, "AUTHEXCEPTION").getMessage()).contains("apiKeySecretRef");
    }

    @Test
    void thePreviousReleasesWorkerTypesAreReadAsTheTypesTheyStandFor() {
        ApiError parse = of(400, "QueryParseError");
        assertThat(parse.type()).isEqualTo("QUERY_ERROR");
        assertThat(parse.line()).isEqualTo(2);
        assertThat(parse.column()).isEqualTo(5);
        assertThat(of(400, "QueryNotAllowed").type()).isEqualTo("QUERY_ERROR");
        assertThat(of(408, "QueryTimeout").type()).isEqualTo("QUERY_TIMEOUT");
        assertThat(of(400, "InvalidInput").type()).isEqualTo("INVALIDINPUT");
        assertThat(of(429, "TooManyQueries").type()).isEqualTo("RATELIMITEXCEEDED");
        ApiError loading = of(503, "NotReady");
        assertThat(loading.type()).isEqualTo("NOT_READY");
        assertThat(loading.getMessage()).contains("shop.orders");
    }

    @Test
    void aWorkerFailingOrStoppingMeansItsCollectionCannotAnswerNow() {
        ApiError failing = of(500, "InternalError");
        assertThat(failing.status()).isEqualTo(503);
        assertThat(failing.type()).isEqualTo("NOT_READY");
        assertThat(failing.getMessage()).contains("shop.orders").contains("500");
    }

    @Test
    void aRefusedKeyIsTheFrontsProblemAndSaysWhichSecretToCheck() {
        ApiError refused = of(401, "AuthenticationError");
        assertThat(refused.type()).isEqualTo("INTERNALERROR");
        assertThat(refused.getMessage()).contains("shop.orders").contains("apiKeySecretRef");
    }
}
