package io.dynamosync.worker.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.dynamosync.api.worker.WorkerSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.junit.jupiter.api.Test;

/** A REST catalog that cannot be reached, or refuses the worker, gets a reason the status can name. */
class CatalogsTest {

    private static WorkerSettings.Iceberg rest(String uri) {
        return new WorkerSettings.Iceberg("Rest", uri, "rest", "s3://warehouse/w", "shop.orders", 60L, 3600L);
    }

    @Test
    void anUnreachableRestCatalogIsUnavailable() throws Exception {
        int port;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Throwable failure =
                catchThrowable(() -> Catalogs.open(rest("http://127.0.0.1:" + port), new InMemoryFileIO(), Map.of()));
        assertThat(failure).isNotNull();
        assertThat(Publisher.reason(failure)).isEqualTo("CatalogUnavailable");
    }

    @Test
    void aRestCatalogRefusingTheWorkersTokenIsUnauthorized() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body =
                    ("{\"error\": {\"message\": \"bad token\", \"type\": \"NotAuthorizedException\", \"code\": 401}}")
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Throwable failure = catchThrowable(() -> Catalogs.open(
                    rest("http://127.0.0.1:" + server.getAddress().getPort()),
                    new InMemoryFileIO(),
                    Map.of(WorkerSettings.Iceberg.CATALOG_PASSWORD_ENV, "wrong-token")));
            assertThat(Publisher.reason(failure)).isEqualTo("CatalogUnauthorized");
            assertThat(failure.getMessage()).doesNotContain("wrong-token");
        } finally {
            server.stop(0);
        }
    }
}
