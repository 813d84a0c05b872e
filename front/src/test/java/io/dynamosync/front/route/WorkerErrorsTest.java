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
    void theWorkersTypesAreTheHostedServicesTypes() {
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
    void aRefusedKeyIsTheFrontsProblemAndSaysWhichSecretToCheck() {
        ApiError refused = of(401, "AuthenticationError");
        assertThat(refused.type()).isEqualTo("INTERNALERROR");
        assertThat(refused.getMessage()).contains("shop.orders").contains("apiKeySecretRef");
    }
}
