package io.dynamosync.worker.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.load.export.ExportLoader;
import io.dynamosync.worker.load.scan.ScanLoader;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The initial load of a collection: picks the method (Auto chooses Scan below the export
 * threshold, Export above), records it so a restart keeps it, runs it, and commits the load as
 * complete. A load already complete is not run again.
 *
 * <p>The {@code load} checkpoint holds {@code method}, {@code startedAt} (where the stream
 * follower starts reading), {@code segments} for a scan, and {@code complete}.
 */
public final class InitialLoad {

    private static final Logger LOG = LoggerFactory.getLogger(InitialLoad.class);
    /** The load's own checkpoint. */
    public static final String CHECKPOINT = "load";

    private final Settings settings;
    private final DynamoDbClient dynamoDb;
    /** S3 is asked for only by an export, so a scan never builds a client for it. */
    private final Supplier<S3Client> s3;

    private final Store store;
    private final LoadProgress progress;

    public InitialLoad(Settings settings, DynamoDbClient dynamoDb, S3Client s3, Store store, LoadProgress progress) {
        this(settings, dynamoDb, () -> s3, store, progress);
    }

    /** A load whose S3 client is built only if the load exports. */
    public InitialLoad(
            Settings settings, DynamoDbClient dynamoDb, Supplier<S3Client> s3, Store store, LoadProgress progress) {
        this.settings = settings;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.store = store;
        this.progress = progress;
    }

    /** The committed load checkpoint, if a load has started. */
    public Optional<JsonNode> state() {
        return store.checkpoint(CHECKPOINT);
    }

    /** Whether a load has been committed as complete. */
    public boolean isComplete() {
        return state().map(s -> s.path("complete").asBoolean()).orElse(false);
    }

    /**
     * Starts the load if none has started: decides the method and commits the checkpoint.
     *
     * @return the load checkpoint
     */
    public JsonNode begin(TableInfo table) {
        Optional<JsonNode> existing = state();
        if (existing.isPresent()) {
            return existing.get();
        }
        String method = settings.loadMethod();
        if (method.equals("Auto")) {
            method = table.sizeBytes() >= settings.exportThresholdBytes() ? "Export" : "Scan";
            LOG.info("table {} holds {} bytes: loading by {}", table.name(), table.sizeBytes(), method);
        }
        if (method.equals("Export") && (settings.s3() == null || settings.s3().bucket() == null)) {
            throw new LoadException(
                    "ExportBucketMissing",
                    "table " + table.name() + " is large enough to load by export (" + table.sizeBytes()
                            + " bytes), but the integration names no S3 bucket: set one, or set loadMethod Scan");
        }
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put("method", method);
        state.put("startedAt", Instant.now().toString());
        state.put("complete", false);
        if (method.equals("Scan")) {
            state.put(
                    "segments",
                    settings.scanSegments() != null ? settings.scanSegments() : segmentsFor(table.sizeBytes()));
        }
        store.commit(new Batch().checkpoint(CHECKPOINT, state));
        return state;
    }

    /** Runs the begun load to its end and commits it as complete. */
    public void run(TableInfo table) throws InterruptedException {
        JsonNode state = begin(table);
        if (state.path("complete").asBoolean()) {
            // The figures of the load itself, as committed with it, not what the collection holds now.
            boolean scan = state.path("method").asText().equals("Scan");
            Integer units = state.hasNonNull("units")
                    ? Integer.valueOf(state.get("units").asInt())
                    : scan && state.hasNonNull("segments")
                            ? Integer.valueOf(state.get("segments").asInt())
                            : null;
            progress.start(
                    state.path("method").asText(),
                    state.path("itemsEstimated").asLong(table.itemCount()),
                    units,
                    Instant.parse(state.get("startedAt").asText()));
            progress.loaded(state.path("items").asLong(store.documents()));
            progress.consumedBefore(state.path("consumedReadCapacity").asDouble(0));
            for (int i = 0; units != null && i < units; i++) {
                progress.unitDone();
            }
            if (state.hasNonNull("exportArn")) {
                progress.exportArn(state.get("exportArn").asText());
            }
            progress.complete(Instant.parse(
                    state.path("completedAt").asText(state.get("startedAt").asText())));
            return;
        }
        String method = state.get("method").asText();
        Instant startedAt = Instant.parse(state.get("startedAt").asText());
        ObjectNode completed = ((ObjectNode) state).deepCopy();
        if (method.equals("Scan")) {
            int segments = state.get("segments").asInt();
            progress.start("Scan", table.itemCount(), segments, startedAt);
            double cap = readCapacity(table);
            long averageItem = table.itemCount() == 0 ? 1024 : Math.max(1, table.sizeBytes() / table.itemCount());
            new ScanLoader(dynamoDb, store, table.name(), table.itemId(), segments, cap, averageItem, progress).run();
        } else {
            progress.start("Export", table.itemCount(), null, startedAt);
            ExportLoader.Result result = new ExportLoader(
                            dynamoDb,
                            s3.get(),
                            store,
                            table.arn(),
                            table.itemId(),
                            settings.s3().bucket(),
                            settings.exportPrefix(),
                            settings.enablePointInTimeRecovery(),
                            progress,
                            Duration.ofSeconds(10))
                    .run();
            completed.put("exportArn", result.exportArn());
            completed.put("exportTime", result.exportTime().toString());
            completed.put("exportDirectory", result.exportDirectory());
        }
        // The loaded table gets its key and the load's rows go from the write-ahead log into the file before the load
        // counts as complete, so its end is the moment the generation is ready to serve.
        store.finishLoad();
        Instant now = Instant.now();
        completed.put("complete", true);
        completed.put("completedAt", now.toString());
        completed.put("items", progress.itemsLoaded());
        completed.put("consumedReadCapacity", progress.consumedReadCapacity());
        if (progress.snapshot().itemsEstimated() != null) {
            completed.put("itemsEstimated", progress.snapshot().itemsEstimated());
        }
        Integer units = progress.snapshot().segmentsTotal() != null
                ? progress.snapshot().segmentsTotal()
                : progress.snapshot().filesTotal();
        if (units != null) {
            completed.put("units", units);
        }
        store.commit(new Batch().checkpoint(CHECKPOINT, completed));
        progress.complete(now);
        LOG.info(
                "loaded {} items of {} by {} in {}",
                progress.itemsLoaded(),
                table.name(),
                method,
                Duration.between(startedAt, now));
        if (method.equals("Export") && settings.cleanupExport()) {
            int deleted = ExportLoader.deleteExportFiles(
                    s3.get(),
                    settings.s3().bucket(),
                    completed.get("exportDirectory").asText());
            LOG.info(
                    "deleted {} export files under s3://{}/{}",
                    deleted,
                    settings.s3().bucket(),
                    completed.get("exportDirectory").asText());
        }
    }

    /**
     * The scan's cap in RCU per second: the units set; or the percent set of the table's
     * provisioned read capacity; or, when neither is set, half of it on a provisioned table and
     * {@link Settings#DEFAULT_ON_DEMAND_UNITS} on an on-demand one.
     */
    double readCapacity(TableInfo table) {
        if (settings.readCapacityUnits() != null) {
            return settings.readCapacityUnits();
        }
        if (table.onDemand()) {
            if (settings.readCapacityPercent() != null) {
                throw new LoadException(
                        "ReadCapacityPercentOnDemand",
                        "table " + table.name()
                                + " is on-demand, so it has no provisioned read capacity to take a percent of: set readCapacity.units instead");
            }
            return Settings.DEFAULT_ON_DEMAND_UNITS;
        }
        int percent =
                settings.readCapacityPercent() != null ? settings.readCapacityPercent() : Settings.DEFAULT_PERCENT;
        return Math.max(1, table.provisionedReadCapacity() * percent / 100.0);
    }

    /** Segments for a table of this size: one per gigabyte, at least four, at most a thousand. */
    static int segmentsFor(long bytes) {
        long gigabytes = bytes / (1024L * 1024 * 1024);
        return (int) Math.max(4, Math.min(1000, gigabytes));
    }
}
