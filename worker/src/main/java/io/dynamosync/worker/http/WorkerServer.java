package io.dynamosync.worker.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dynamosync.worker.Worker;
import io.javalin.Javalin;

/**
 * The worker's one HTTP port: {@code GET /status} (the load and sync progress the operator
 * copies into the collection's status), {@code GET /healthz} and {@code GET /readyz} (ready
 * once the store is open).
 */
public final class WorkerServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Javalin app;

    public WorkerServer(Worker worker, int port) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/status", ctx -> ctx.contentType("application/json").result(JSON.writeValueAsString(worker.status())));
            config.routes.get("/healthz", ctx -> ctx.result("ok"));
            config.routes.get("/readyz", ctx -> {
                if (worker.ready()) {
                    ctx.result("ready");
                } else {
                    ctx.status(503).result("the store is not open yet");
                }
            });
        }).start("0.0.0.0", port);
    }

    /** The port the server listens on (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
