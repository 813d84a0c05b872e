package io.dynamosync.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.DuckDbLimits;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.config.SettingsException;
import io.dynamosync.worker.load.InitialLoad;
import io.dynamosync.worker.load.LoadException;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.publish.Publisher;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Retention;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.StoreException;
import io.dynamosync.worker.store.StoreSpace;
import io.dynamosync.worker.store.Transformation;
import io.dynamosync.worker.store.TransformationException;
import io.dynamosync.worker.stream.StreamFollower;
import io.dynamosync.worker.stream.StreamLostException;
import io.dynamosync.worker.stream.StreamProgress;
import io.dynamosync.worker.verify.Verifications;
import io.dynamosync.worker.verify.Verifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * One collection's worker: opens the store, loads the table, and keeps at it. A step that fails
 * is reported in the status with a reason and a message, then retried with a growing pause
 * (up to five minutes), since most causes (a permission, a bucket) are fixed outside the worker
 * while it runs; each failure logs one line, its cause and when the next attempt comes.
 *
 * <p>A stream that fails while the table loads (trimmed, replaced, turned off) stops the load
 * within a fraction of a second, rather than when the load ends: the load is started over, with
 * the reason in the status.
 *
 * <p>The status is served without waiting for the store's writer: documents are counted on a
 * connection of the status's own (DuckDB readers never wait for a writer), and the items the
 * store refused are fetched in the background.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration MAX_PAUSE = Duration.ofMinutes(5);
    /** The checkpoint holding the load generation the store was built for. */
    static final String LOAD_GENERATION = "loadGeneration";
    /** The phase of a snapshot collection once loaded. */
    public static final String LOADED = "Loaded";
    /** The error reason of a stream gap that stopped following ({@code onGap: Fail}). */
    public static final String STREAM_GAP = "StreamGap";

    private final Settings settings;
    private final AwsClients aws;
    private final LoadProgress progress = new LoadProgress();
    private final Thread thread;
    private final ScheduledExecutorService progressLog;
    private final Verifications verifications;
    private volatile Store store;
    /** Publishes the collection to Iceberg, when the settings ask; null otherwise. */
    private Publisher publisher;

    private volatile StreamProgress streamProgress;
    private volatile String phase = "Pending";
    private volatile WorkerStatus.Error error;
    /** The last failure logged, so an unexpected error's stack trace is logged once, not on every retry. */
    private String lastFailure;

    private final Object statusLock = new Object();
    private Connection statusConnection;
    private long documentsSeen;

    public Worker(Settings settings, AwsClients aws) {
        this.settings = settings;
        this.aws = aws;
        // The SDK retries throttled calls itself; counting them there is the only place that sees them all.
        aws.onThrottle(progress::throttled);
        this.thread = new Thread(this::runUntilStopped, "worker-" + settings.collection());
        this.verifications =
                new Verifications(settings.collection(), Duration.ofMinutes(settings.verifyIntervalMinutes()));
        this.progressLog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress-log");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the store, so queries and readiness work before AWS answers, and sets DuckDB's memory
     * and threads (before the query runner locks the database's configuration).
     */
    public Worker open() {
        Store opened;
        DuckDbLimits limits = DuckDbLimits.of(settings);
        try {
            opened = Store.open(
                    settings.dataDirectory(),
                    settings.collection(),
                    Transformation.of(settings.ingestTransformation()),
                    settings.retentionPeriod() == null
                            ? null
                            : new Retention(settings.retention(), settings.retentionPeriod()),
                    limits::apply);
        } catch (java.io.UncheckedIOException e) {
            throw new SettingsException("dataDirectory " + settings.dataDirectory() + " cannot hold the store: "
                    + e.getCause().getClass().getSimpleName() + " "
                    + e.getCause().getMessage());
        }
        LOG.info(
                "DuckDB may use {} MiB of memory and {} threads",
                limits.memoryBytes() / (1024 * 1024),
                limits.threads());
        statusConnection = opened.newConnection();
        store = opened;
        if (settings.iceberg() != null) {
            // Before anything is written, so that every change reaches the table.
            opened.changes().keep();
            publisher = new Publisher(
                    settings.iceberg(),
                    settings.collection(),
                    opened,
                    aws::newS3,
                    System.getenv(),
                    settings.dataDirectory().resolve("publish"));
            publisher.allowScratchDirectory();
        }
        return this;
    }

    /** Starts loading and syncing in the background. */
    public void start() {
        thread.start();
        verifications.start();
        if (publisher != null) {
            publisher.start();
        }
        progressLog.scheduleAtFixedRate(this::logProgress, 30, 30, TimeUnit.SECONDS);
    }

    /** Every half minute while loading, and while the stream lags, a line says how far things are. */
    private void logProgress() {
        WorkerStatus status = status();
        WorkerStatus.Load load = status.load();
        if (load != null && !load.complete()) {
            LOG.info(
                    "{} {}: {} of about {} items ({}%), {} RCU consumed",
                    phase.toLowerCase(Locale.ROOT),
                    settings.tableName(),
                    load.itemsLoaded(),
                    load.itemsEstimated(),
                    load.percent(),
                    Math.round(load.consumedReadCapacity() == null ? 0 : load.consumedReadCapacity()));
        } else if (status.stream() != null
                && status.stream().lagMillis() != null
                && status.stream().lagMillis() > 1000) {
            // Not on every unsynced sample: under steady writes the stream is rarely synced, yet not behind.
            LOG.info(
                    "catching up with the stream of {}: {} records applied, {} ms behind",
                    settings.tableName(),
                    status.stream().recordsApplied(),
                    status.stream().lagMillis());
        }
    }

    private void runUntilStopped() {
        Duration pause = Duration.ofSeconds(1);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runOnce();
                return;
            } catch (StreamLostException e) {
                if (settings.failOnStreamGap() && store.servingGeneration() != null) {
                    stopAtGap(e);
                    return;
                }
                rebootstrap(e);
                pause = Duration.ofSeconds(1);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (LoadException e) {
                fail(e.reason(), e.getMessage(), null, pause);
            } catch (TransformationException e) {
                fail("TransformationFailed", e.getMessage(), null, pause);
            } catch (StoreException e) {
                fail("StoreFailed", e.getMessage(), null, pause);
            } catch (SdkException e) {
                StsException denied = assumeRoleDenial(e);
                if (denied != null) {
                    // The operator turns this reason into a condition that names the trust policy to fix.
                    fail(
                            "AssumeRoleDenied",
                            "STS refused the worker the integration's role: "
                                    + denied.awsErrorDetails().errorMessage(),
                            null,
                            pause);
                } else {
                    fail("AwsCallFailed", "an AWS call failed after retries: " + e.getMessage(), null, pause);
                }
            } catch (RuntimeException e) {
                fail("InternalError", e.toString(), e, pause);
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
        progress.reset();
        TableInfo table = TableInfo.describe(aws.dynamoDb(), settings.tableName());
        if (settings.followStream()) {
            requireStream(table);
        }
        rebuildIfAsked();
        InitialLoad load = new InitialLoad(settings, aws.dynamoDb(), aws::s3, store, progress);
        JsonNode state = load.begin(table);
        if (!settings.followStream()) {
            loadSnapshot(load, state, table);
            return;
        }
        Duration retention = Duration.ofMillis((long) (settings.streamRetentionHours() * 3_600_000));
        StreamFollower.begin(store, table.streamArn(), retention);
        // An export reflects the table within about a minute of its export time, so the
        // stream is replayed from a little before the load began.
        Instant notBefore = Instant.parse(state.get("startedAt").asText()).minus(Duration.ofMinutes(5));
        StreamProgress stream = new StreamProgress();
        streamProgress = stream;
        try (StreamFollower follower = new StreamFollower(
                aws.streams(),
                aws.dynamoDb(),
                store,
                table.itemId(),
                table.name(),
                table.streamArn(),
                notBefore,
                settings.ignoreTtlDeletes(),
                stream,
                StreamFollower.Timing.DEFAULT.forRetention(retention))) {
            follower.start();
            boolean loaded = state.path("complete").asBoolean();
            if (!loaded) {
                phase = state.get("method").asText().equals("Scan") ? "Scanning" : "Exporting";
                error = null;
            }
            runLoad(load, table, follower);
            // A failure met while streaming stays in the status until the stream gets past it: else the
            // same failure (a batch the transformation refuses) would show as Streaming at every attempt.
            long appliedBefore = stream.recordsApplied();
            if (!loaded || error == null) {
                phase = "Streaming";
                error = null;
            }
            LOG.info(
                    "collection {} holds {} documents; following the stream", settings.collection(), store.documents());
            follower.goLive();
            verifications.attach(new Verifier(
                    aws.dynamoDb(),
                    store,
                    Verifier.Table.of(aws.dynamoDb(), table),
                    stream,
                    settings.verifyReadCapacityUnits(),
                    settings.verifySegmentsPercent(),
                    Verifier.Timing.DEFAULT));
            try {
                while (true) {
                    RuntimeException failure = follower.failure();
                    if (failure != null) {
                        throw failure;
                    }
                    if (error != null && (stream.synced() || stream.recordsApplied() > appliedBefore)) {
                        phase = "Streaming";
                        error = null;
                    }
                    Thread.sleep(200);
                }
            } finally {
                verifications.detach();
            }
        }
    }

    /**
     * A snapshot collection: the table is loaded once (unless it was) and kept as it is; no stream is read, so
     * the table needs none. The worker then only answers queries.
     */
    private void loadSnapshot(InitialLoad load, JsonNode state, TableInfo table) throws InterruptedException {
        if (!state.path("complete").asBoolean()) {
            phase = state.get("method").asText().equals("Scan") ? "Scanning" : "Exporting";
            error = null;
        }
        // A load already complete returns at once, having said so in the progress.
        runLoad(load, table, null);
        phase = LOADED;
        error = null;
        LOG.info(
                "collection {} holds {} documents, a snapshot of {}; its stream is not followed",
                settings.collection(),
                store.documents(),
                table.name());
    }

    /**
     * Runs the load on a thread of its own while watching the stream follower (null for a snapshot): a stream that
     * fails during the load (trimmed, replaced, turned off) stops the load at once, since what it
     * would go on loading could not be kept in step with the table.
     */
    private void runLoad(InitialLoad load, TableInfo table, StreamFollower follower) throws InterruptedException {
        FutureTask<Void> task = new FutureTask<>(() -> {
            load.run(table);
            return null;
        });
        Thread loader = new Thread(task, "load-" + settings.collection());
        loader.setDaemon(true);
        loader.start();
        try {
            while (true) {
                try {
                    task.get(100, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    RuntimeException failure = follower == null ? null : follower.failure();
                    if (failure != null) {
                        LOG.warn("the stream failed during the load, which stops: {}", oneLine(failure.getMessage()));
                        throw failure;
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            // Nothing of a stopped load may commit after this returns: a re-load clears the store next.
            loader.interrupt();
            loader.join(TimeUnit.SECONDS.toMillis(60));
            if (loader.isAlive()) {
                LOG.error("the load did not stop within a minute of being asked to");
            }
        }
    }

    /**
     * Discards the store when the settings ask for another build of it than the one it holds
     * (the operator raises the load generation when the transformation or the table changes).
     */
    private void rebuildIfAsked() {
        long built = store.checkpoint(LOAD_GENERATION)
                .map(JsonNode::asLong)
                .orElse(store.checkpoint(InitialLoad.CHECKPOINT).isPresent() ? 1L : settings.loadGeneration());
        if (built != settings.loadGeneration()) {
            LOG.info(
                    "settings ask for load generation {}, the store holds {}: loading again",
                    settings.loadGeneration(),
                    built);
            store.clear(new WorkerStatus.Rebootstrap(
                    Instant.now(),
                    "RebuildRequested: load generation " + built + " became " + settings.loadGeneration()));
        }
        if (built != settings.loadGeneration()
                || store.checkpoint(LOAD_GENERATION).isEmpty()) {
            recordLoadGeneration();
        }
    }

    private void recordLoadGeneration() {
        store.commit(new Batch()
                .checkpoint(LOAD_GENERATION, JsonNodeFactory.instance.numberNode(settings.loadGeneration())));
    }

    /** The collection follows the table through its stream, which must carry new images. */
    private static void requireStream(TableInfo table) {
        if (table.streamArn() == null) {
            throw new LoadException(
                    "StreamDisabled",
                    "table " + table.name() + " has no stream, so changes cannot be followed: "
                            + "aws dynamodb update-table --table-name " + table.name()
                            + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES");
        }
        if (!table.streamViewType().equals("NEW_AND_OLD_IMAGES")
                && !table.streamViewType().equals("NEW_IMAGE")) {
            throw new LoadException(
                    "StreamViewTypeUnsupported",
                    "the stream of table " + table.name() + " carries "
                            + table.streamViewType()
                            + ", without the new images of changed items; turn the stream off and on "
                            + "again with StreamViewType=NEW_AND_OLD_IMAGES");
        }
    }

    /** Starts over from a new load: the stream has a gap that only a new load can fill. */
    private void rebootstrap(StreamLostException e) {
        stopFollowing();
        LOG.warn("re-loading collection {}: {}: {}", settings.collection(), e.reason(), e.getMessage());
        store.clear(new WorkerStatus.Rebootstrap(Instant.now(), e.reason() + ": " + e.getMessage()));
        recordLoadGeneration();
        progress.reset();
        phase = "Pending";
    }

    /**
     * A gap in the stream with {@code onGap: Fail}: following stops for good (until the settings change), and the
     * served replica stays as it was before the gap, answering queries, while the status says why it is no longer
     * kept up to date.
     */
    private void stopAtGap(StreamLostException e) {
        stopFollowing();
        phase = "Error";
        error = new WorkerStatus.Error(
                STREAM_GAP,
                e.reason() + ": " + oneLine(e.getMessage())
                        + ". The stream gap policy is Fail, so the collection no longer follows the table and keeps "
                        + "serving the replica as it was; set onStreamGap to Reload to load the table again.",
                Instant.now());
        LOG.error("{}: {}; following stopped, as the stream gap policy is Fail", e.reason(), oneLine(e.getMessage()));
    }

    /** The STS refusal behind a failed call, when credentials could not be had by assuming the role. */
    private static StsException assumeRoleDenial(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StsException sts && sts.statusCode() == 403) {
                return sts;
            }
        }
        return null;
    }

    /**
     * Reports a failure in the status and logs it in one line with the next attempt; only an
     * unexpected error ({@code unexpected} not null) adds its stack trace, and only the first time.
     */
    private void fail(String reason, String message, Exception unexpected, Duration nextAttempt) {
        stopFollowing();
        phase = "Error";
        error = new WorkerStatus.Error(reason, message, Instant.now());
        String line = reason + ": " + oneLine(message);
        boolean repeated = line.equals(lastFailure);
        lastFailure = line;
        LOG.error("{}; next attempt in {} s", line, nextAttempt.toSeconds(), repeated ? null : unexpected);
    }

    /** The follower of the last attempt has stopped: the status must not go on saying it follows the stream. */
    private void stopFollowing() {
        StreamProgress last = streamProgress;
        if (last != null) {
            last.stopped();
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Whether queries are answered from a complete generation: the store is open and a load has
     * completed (its journal applied). During the first load the worker answers queries with what
     * it has, but is not ready; during a re-load it stays ready, serving the last complete one.
     */
    public boolean ready() {
        Store s = store;
        return s != null && s.servingGeneration() != null;
    }

    /** Why the worker is not {@link #ready()}, in a sentence; null when it is. */
    public String notReadyBecause() {
        Store s = store;
        if (s == null) {
            return "the store is not open yet";
        }
        if (s.servingGeneration() != null) {
            return null;
        }
        WorkerStatus.Load load = progress.method() == null ? null : progress.snapshot();
        return "the first load is not complete"
                + (load == null
                        ? " (it has not started)"
                        : load.complete()
                                ? " (the changes made during it are being applied)"
                                : load.percent() != null
                                        ? " (" + load.percent() + "% loaded)"
                                        : " (" + load.itemsLoaded() + " items loaded)")
                + (error != null ? "; " + error.reason() + ": " + error.message() : "");
    }

    /**
     * Asks for a verification of the replica against the table, known by {@code token}: it runs once the worker
     * follows the stream, and {@code status.verification.requestToken} shows it taken. A token already taken asks for
     * nothing more.
     */
    public void requestVerification(String token) {
        verifications.request(token);
    }

    /** The replica's verifications, for the metrics. */
    public Verifications verifications() {
        return verifications;
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

    /** The Iceberg publisher; null when the collection publishes nothing. */
    public Publisher publisher() {
        return publisher;
    }

    /** The status document {@code GET /status} serves; it never waits for a commit. */
    public WorkerStatus status() {
        Store s = store;
        WorkerStatus.Store stored = s == null ? null : storeStatus(s);
        return new WorkerStatus(
                phase,
                settings.collection(),
                settings.tableName(),
                progress.method() == null ? null : progress.snapshot(),
                streamProgress == null ? null : streamProgress.snapshot(),
                stored,
                error != null
                        ? error
                        : streamProgress == null
                                ? null
                                : streamProgress.readError().orElse(null),
                s == null ? List.of() : s.rebootstraps(),
                s == null ? List.of() : s.refusedItems(),
                aws.throttles(),
                verifications.snapshot(),
                publisher == null ? null : publisher.status());
    }

    private WorkerStatus.Store storeStatus(Store s) {
        StoreSpace space;
        try {
            space = s.space();
        } catch (StoreException e) {
            LOG.debug("reading the store's space for the status: {}", e.getMessage());
            return new WorkerStatus.Store(documents(), s.bytes(), null, s.servingGeneration(), s.buildingGeneration());
        }
        return new WorkerStatus.Store(
                documents(),
                space.bytes(),
                space.freeBytes(),
                s.servingGeneration(),
                s.buildingGeneration(),
                s.compactions(),
                space.volume(),
                s.retention().map(Retention::written).orElse(null),
                oldestEventTime(s));
    }

    /** The oldest event time held, or null when it cannot be read for a moment (a re-load swapping its table in). */
    private static Instant oldestEventTime(Store s) {
        try {
            return s.oldestEventTime();
        } catch (StoreException e) {
            LOG.debug("reading the oldest event time for the status: {}", e.getMessage());
            return null;
        }
    }

    /** Documents counted on the status's own connection, which a running commit does not hold up. */
    private long documents() {
        synchronized (statusLock) {
            if (statusConnection == null) {
                return documentsSeen;
            }
            try (Statement s = statusConnection.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT count(*) FROM \"" + settings.collection().replace("\"", "\"\"") + "\"")) {
                rs.next();
                documentsSeen = rs.getLong(1);
            } catch (SQLException e) {
                // The table is being replaced (a re-load): the last count stands for a moment.
                LOG.debug("counting documents for the status: {}", e.getMessage());
            }
            return documentsSeen;
        }
    }

    /** Stops the background work and closes the store. */
    @Override
    public void close() {
        progressLog.shutdownNow();
        verifications.close();
        if (publisher != null) {
            publisher.close();
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (statusLock) {
            if (statusConnection != null) {
                try {
                    statusConnection.close();
                } catch (SQLException e) {
                    LOG.debug("closing the status connection: {}", e.getMessage());
                }
                statusConnection = null;
            }
        }
        Store s = store;
        if (s != null) {
            s.close();
        }
    }
}
