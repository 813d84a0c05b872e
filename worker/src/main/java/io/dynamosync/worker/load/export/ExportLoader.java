package io.dynamosync.worker.load.export;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.DynamoJson;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.load.LoadException;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.ParallelParts;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Feed;
import io.dynamosync.worker.store.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Loads a table through DynamoDB's export to S3, which consumes no read capacity: turns on
 * point-in-time recovery where the settings allow, starts {@code ExportTableToPointInTime} (or
 * picks up the export a previous run started), waits for it, then reads its manifests and
 * ingests the gzipped DynamoDB-JSON data files in parallel, each file checkpointed once
 * committed.
 *
 * <p>The export's client token is committed before the export is asked for, so a worker that
 * dies in between asks again with the same token and gets the same export back, not a second one.
 */
public final class ExportLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ExportLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The export's own checkpoint: client token, then ARN, export time and manifest. */
    public static final String EXPORT_CHECKPOINT = "load/export";
    /** Checkpoint name prefix: one checkpoint per data file done. */
    public static final String FILE_CHECKPOINT = "load/export/file/";

    private static final int BATCH_ITEMS = 2000;
    /** A batch is handed over at this size too, so a file of large items holds no more than this in one batch. */
    private static final long BATCH_BYTES = 4L << 20;

    private static final int THREADS = 4;

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final Store store;
    private final String tableArn;
    private final ItemId itemId;
    private final String bucket;
    private final String prefix;
    private final boolean enableRecovery;
    private final LoadProgress progress;
    private final Duration maxPoll;

    public ExportLoader(
            DynamoDbClient dynamoDb,
            S3Client s3,
            Store store,
            String tableArn,
            ItemId itemId,
            String bucket,
            String prefix,
            boolean enableRecovery,
            LoadProgress progress,
            Duration maxPoll) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.store = store;
        this.tableArn = tableArn;
        this.itemId = itemId;
        this.bucket = bucket;
        this.prefix = prefix;
        this.enableRecovery = enableRecovery;
        this.progress = progress;
        this.maxPoll = maxPoll;
    }

    /** The export's outcome: when it reflects the table, and where its files are. */
    public record Result(String exportArn, Instant exportTime, String exportDirectory) {}

    /** Runs (or resumes) the export and ingests every data file not yet committed. */
    public Result run() throws InterruptedException {
        ObjectNode state =
                store.checkpoint(EXPORT_CHECKPOINT).map(ObjectNode.class::cast).orElse(null);
        if (state == null || !state.hasNonNull("exportArn")) {
            state = startExport(state);
        }
        String arn = state.get("exportArn").asText();
        progress.exportArn(arn);
        ExportDescription export = awaitExport(arn);
        Instant exportTime = export.exportTime();
        String manifestKey = export.exportManifest();
        JsonNode summary = readJson(manifestKey);
        long itemCount = summary.path("itemCount").asLong();
        List<JsonNode> files = new ArrayList<>();
        try (BufferedReader lines = reader(summary.get("manifestFilesS3Key").asText(), false)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    files.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.start("Export", itemCount, files.size(), progress.snapshot().startedAt());
        Map<String, JsonNode> done = store.checkpoints(FILE_CHECKPOINT);
        List<JsonNode> todo = new ArrayList<>();
        for (JsonNode file : files) {
            JsonNode checkpoint =
                    done.get(FILE_CHECKPOINT + file.get("dataFileS3Key").asText());
            if (checkpoint == null) {
                todo.add(file);
            } else {
                progress.loaded(checkpoint.path("items").asLong());
                progress.unitDone();
            }
        }
        LOG.info("export {} has {} items in {} files; {} files to ingest", arn, itemCount, files.size(), todo.size());
        ingest(todo, exportTime);
        String directory = manifestKey.substring(0, manifestKey.lastIndexOf('/') + 1);
        return new Result(arn, exportTime, directory);
    }

    private ObjectNode startExport(ObjectNode earlier) {
        ensureRecovery();
        String token = earlier != null && earlier.hasNonNull("clientToken")
                ? earlier.get("clientToken").asText()
                : UUID.randomUUID().toString();
        ObjectNode state = JsonNodeFactory.instance.objectNode().put("clientToken", token);
        if (earlier == null) {
            store.commit(new Batch().checkpoint(EXPORT_CHECKPOINT, state));
        }
        ExportDescription started;
        try {
            started = dynamoDb.exportTableToPointInTime(b -> b.tableArn(tableArn)
                            .s3Bucket(bucket)
                            .s3Prefix(prefix)
                            .exportFormat(ExportFormat.DYNAMODB_JSON)
                            .clientToken(token))
                    .exportDescription();
        } catch (AwsServiceException e) {
            throw explain("start an export of", "dynamodb:ExportTableToPointInTime", e);
        }
        state.put("exportArn", started.exportArn());
        store.commit(new Batch().checkpoint(EXPORT_CHECKPOINT, state));
        LOG.info("started export {} of {} to s3://{}/{}", started.exportArn(), tableArn, bucket, prefix);
        return state;
    }

    private void ensureRecovery() {
        String table = tableArn.substring(tableArn.lastIndexOf('/') + 1);
        PointInTimeRecoveryStatus status;
        try {
            status = dynamoDb.describeContinuousBackups(b -> b.tableName(table))
                    .continuousBackupsDescription()
                    .pointInTimeRecoveryDescription()
                    .pointInTimeRecoveryStatus();
        } catch (AwsServiceException e) {
            throw explain("read point-in-time recovery of", "dynamodb:DescribeContinuousBackups", e);
        }
        if (status == PointInTimeRecoveryStatus.ENABLED) {
            return;
        }
        if (!enableRecovery) {
            throw new LoadException(
                    "PointInTimeRecoveryDisabled",
                    "an export needs point-in-time recovery on table " + table
                            + ", and it is off: turn it on (aws dynamodb update-continuous-backups --table-name "
                            + table
                            + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true), or use loadMethod Scan");
        }
        try {
            dynamoDb.updateContinuousBackups(
                    b -> b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
            LOG.info("turned on point-in-time recovery for {}", table);
        } catch (AwsServiceException e) {
            throw explain("turn on point-in-time recovery of", "dynamodb:UpdateContinuousBackups", e);
        }
    }

    private ExportDescription awaitExport(String arn) throws InterruptedException {
        Duration poll = Duration.ofMillis(200);
        while (true) {
            ExportDescription export;
            try {
                export = dynamoDb.describeExport(b -> b.exportArn(arn)).exportDescription();
            } catch (AwsServiceException e) {
                throw explain("follow the export of", "dynamodb:DescribeExport", e);
            }
            if (export.exportStatus() == ExportStatus.COMPLETED) {
                return export;
            }
            if (export.exportStatus() == ExportStatus.FAILED) {
                // The failed export is forgotten, so the next attempt starts a new one.
                store.commit(new Batch().checkpoint(EXPORT_CHECKPOINT, null));
                throw new LoadException(
                        "ExportFailed",
                        "export " + arn + " failed: " + export.failureCode() + ": " + export.failureMessage());
            }
            Thread.sleep(poll.toMillis());
            poll = poll.multipliedBy(2).compareTo(maxPoll) > 0 ? maxPoll : poll.multipliedBy(2);
        }
    }

    private void ingest(List<JsonNode> files, Instant exportTime) throws InterruptedException {
        List<ParallelParts.Part> parts = new ArrayList<>();
        for (JsonNode file : files) {
            parts.add(() -> ingestFile(file.get("dataFileS3Key").asText(), exportTime));
        }
        ParallelParts.run("export-ingest", THREADS, parts, "ExportIngestFailed");
    }

    /**
     * Ingests one data file in batches; only the last batch marks the file done, so a file cut
     * short by a crash is read again whole (the copies this leaves are dropped when the load ends).
     */
    private void ingestFile(String key, Instant exportTime) throws IOException {
        long items = 0;
        Batch batch = Batch.fromSnapshot();
        Feed feed = store.feed();
        try (BufferedReader lines = reader(key, true)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, AttributeValue> item;
                try (JsonParser parser = JSON.getFactory().createParser(line)) {
                    item = DynamoJson.exportLine(parser);
                }
                batch.upsert(itemId.of(item), item, exportTime, itemId.describeKey(item));
                items++;
                if (batch.size() >= BATCH_ITEMS || batch.approximateBytes() >= BATCH_BYTES) {
                    submit(feed, batch);
                    batch = Batch.fromSnapshot();
                }
            }
        }
        batch.checkpoint(
                FILE_CHECKPOINT + key, JsonNodeFactory.instance.objectNode().put("items", items));
        submit(feed, batch);
        feed.flush();
        progress.unitDone();
    }

    /** Hands a batch to the store's writer; the file reads on while it commits. */
    private void submit(Feed feed, Batch batch) {
        int size = batch.size();
        progress.read(size);
        feed.submit(batch, written -> progress.loaded(size));
    }

    private JsonNode readJson(String key) {
        try (BufferedReader reader = reader(key, false)) {
            return JSON.readTree(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BufferedReader reader(String key, boolean gzipped) throws IOException {
        ResponseInputStream<GetObjectResponse> object;
        try {
            object = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (AwsServiceException e) {
            throw new LoadException(
                    "ExportUnreadable",
                    "cannot read s3://" + bucket + "/" + key + " (grant s3:GetObject on the bucket): "
                            + e.awsErrorDetails().errorMessage(),
                    e);
        }
        return new BufferedReader(
                new InputStreamReader(
                        gzipped ? new GZIPInputStream(object, 64 * 1024) : object, StandardCharsets.UTF_8),
                64 * 1024);
    }

    /** Deletes every object of a committed export, which DynamoDB itself never removes. */
    public static int deleteExportFiles(S3Client s3, String bucket, String directory) {
        int deleted = 0;
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(directory))
                .contents()) {
            s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
            deleted++;
        }
        return deleted;
    }

    private LoadException explain(String doing, String action, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null
                ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        if ("AccessDeniedException".equals(code)) {
            return new LoadException(
                    "AccessDenied",
                    "the worker may not " + doing + " " + tableArn + ": grant " + action + ". AWS said: " + message,
                    e);
        }
        if ("PointInTimeRecoveryUnavailableException".equals(code)) {
            return new LoadException(
                    "PointInTimeRecoveryDisabled", "point-in-time recovery is off on " + tableArn + ": " + message, e);
        }
        return new LoadException(
                "ExportFailed", "could not " + doing + " " + tableArn + ": " + code + ": " + message, e);
    }
}
