package io.dynamosync.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.load.InitialLoad;
import io.dynamosync.worker.load.LoadException;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.StoreException;
import io.dynamosync.worker.store.Transformation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One collection's worker: opens the store, loads the table, and keeps at it. A step that fails
 * is reported in the status with a reason and a message, then retried with a growing pause
 * (up to five minutes), since most causes (a permission, a bucket) are fixed outside the worker
 * while it runs.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    private final Settings settings;
    private final AwsClients aws;
    private final LoadProgress progress = new LoadProgress();
    private final List<WorkerStatus.Rebootstrap> rebootstraps = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile Store store;
    private volatile String phase = "Pending";
    private volatile WorkerStatus.Error error;

    public Worker(Settings settings, AwsClients aws) {
        this.settings = settings;
        this.aws = aws;
        this.thread = new Thread(this::runUntilStopped, "worker-" + settings.collection());
    }

    /** Opens the store, so queries and readiness work before AWS answers. */
    public Worker open() {
        store = Store.open(settings.dataDirectory(), settings.collection(), Transformation.of(settings.ingestTransformation()));
        return this;
    }

    /** Starts loading and syncing in the background. */
    public void start() {
        thread.start();
    }

    private void runUntilStopped() {
        Duration pause = Duration.ofSeconds(1);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runOnce();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (LoadException e) {
                fail(e.reason(), e.getMessage(), e);
            } catch (StoreException e) {
                fail(e.getMessage().contains("transformation") ? "TransformationFailed" : "StoreFailed", e.getMessage(), e);
            } catch (SdkException e) {
                fail("AwsCallFailed", "an AWS call failed after retries: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                fail("InternalError", e.toString(), e);
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }

    private void runOnce() throws InterruptedException {
        TableInfo table = TableInfo.describe(aws.dynamoDb(), settings.tableName());
        InitialLoad load = new InitialLoad(settings, aws.dynamoDb(), aws.s3(), store, progress);
        JsonNode state = load.begin(table);
        if (!state.path("complete").asBoolean()) {
            phase = state.get("method").asText().equals("Scan") ? "Scanning" : "Exporting";
        }
        error = null;
        load.run(table);
        error = null;
        LOG.info("collection {} holds {} documents", settings.collection(), store.documents());
    }

    private void fail(String reason, String message, Exception e) {
        phase = "Error";
        error = new WorkerStatus.Error(reason, message, Instant.now());
        LOG.error("{}: {}", reason, message, e instanceof LoadException ? null : e);
    }

    /** Whether the store is open, so queries can be answered. */
    public boolean ready() {
        return store != null;
    }

    public Store store() {
        return store;
    }

    public LoadProgress progress() {
        return progress;
    }

    public Settings settings() {
        return settings;
    }

    /** The status document {@code GET /status} serves. */
    public WorkerStatus status() {
        Store s = store;
        WorkerStatus.Store stored = s == null ? null : new WorkerStatus.Store(s.documents(), s.bytes());
        return new WorkerStatus(phase, settings.collection(), settings.tableName(),
                progress.method() == null ? null : progress.snapshot(), null, stored, error,
                List.copyOf(rebootstraps), s == null ? List.of() : s.refusedItems());
    }

    /** Stops the background work and closes the store. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Store s = store;
        if (s != null) {
            s.close();
        }
    }
}
