package io.dynamosync.testkit.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.testkit.front.AwsCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Answers the calls DynamoDB Local lacks, as AWS does: point-in-time recovery
 * ({@code DescribeContinuousBackups}, {@code UpdateContinuousBackups}) and export to S3
 * ({@code ExportTableToPointInTime}, {@code DescribeExport}, {@code ListExports}).
 *
 * <p>An export reads the table from DynamoDB Local when the call arrives and writes AWS's layout
 * to S3: {@code <prefix>/AWSDynamoDB/<export-id>/} with {@code _started},
 * {@code data/<random>.json.gz} (gzipped DynamoDB JSON, one {@code {"Item":{...}}} a line),
 * {@code manifest-files.json}, {@code manifest-summary.json} and their {@code .checksum} files.
 * It stays {@code IN_PROGRESS} for at least {@link #minimumDuration(Duration)}, then turns
 * {@code COMPLETED}, or {@code FAILED} with AWS's failure code when S3 refuses it.
 *
 * <p>Limits, all answered with a {@code ValidationException}: only {@code FULL_EXPORT} and
 * {@code DYNAMODB_JSON}. An {@code ExportTime} inside the recovery window is accepted, but the
 * data are the table's at the time of the call (the kit keeps no history).
 */
public final class ExportService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "DynamoDB_20120810";
    private static final Set<String> OPERATIONS = Set.of(
            "ExportTableToPointInTime",
            "DescribeExport",
            "ListExports",
            "DescribeContinuousBackups",
            "UpdateContinuousBackups");
    private static final String ERROR_NAMESPACE = "com.amazonaws.dynamodb.v20120810#";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An answer to one call: HTTP status and JSON body. */
    public record Answer(int status, JsonNode body) {}

    private final RawDynamoDb dynamoDb;
    private final S3Client s3;
    private final Map<String, Instant> recoveryEnabledSince = new ConcurrentHashMap<>();
    private final Map<String, Export> exportsByArn = new ConcurrentHashMap<>();
    private final List<String> exportOrder = new CopyOnWriteArrayList<>();
    private final ExecutorService jobs = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "export-job");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration minimumDuration = Duration.ofMillis(500);
    private volatile int dataFiles = 3;
    /** A data file larger than this is uploaded in parts of this size: S3Proxy takes a single unchunked PUT of at most 32 MB. */
    private volatile int partBytes = 16 << 20;

    /**
     * @param dynamoDbLocal DynamoDB Local's own endpoint (not the front)
     * @param s3 a client of the S3 endpoint exports are written to
     */
    public ExportService(java.net.URI dynamoDbLocal, S3Client s3) {
        this.dynamoDb = new RawDynamoDb(dynamoDbLocal);
        this.s3 = s3;
    }

    /** How long an export stays IN_PROGRESS at the least, so callers see the state AWS shows. */
    public ExportService minimumDuration(Duration duration) {
        this.minimumDuration = Objects.requireNonNull(duration);
        return this;
    }

    /** How many data files an export writes (AWS writes at least one a partition). */
    public ExportService dataFiles(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an export has at least one data file");
        }
        this.dataFiles = count;
        return this;
    }

    /** Above what size a data file is uploaded in parts, and the parts' size (S3's least part is 5 MiB). */
    public ExportService uploadPartBytes(int bytes) {
        if (bytes < 5 << 20) {
            throw new IllegalArgumentException("S3 takes parts of at least 5 MiB, not " + bytes + " bytes");
        }
        this.partBytes = bytes;
        return this;
    }

    /** Forgets point-in-time recovery for a table, as if it had never been enabled. */
    public void disableRecovery(String table) {
        recoveryEnabledSince.remove(table);
    }

    /** Whether this service answers the call rather than DynamoDB Local. */
    public boolean handles(AwsCall call) {
        return TARGET_PREFIX.equals(call.service()) && OPERATIONS.contains(call.operation());
    }

    /** Answers one call. */
    public Answer handle(AwsCall call) {
        try {
            JsonNode body = call.body();
            return switch (call.operation()) {
                case "DescribeContinuousBackups" -> ok(backups(requireTable(text(body, "TableName"))));
                case "UpdateContinuousBackups" -> ok(updateBackups(body));
                case "ExportTableToPointInTime" -> ok(single(startExport(body)));
                case "DescribeExport" -> ok(single(describeExport(text(body, "ExportArn"))));
                case "ListExports" -> ok(listExports(body));
                default -> throw new ServiceError("UnknownOperationException", "An unknown operation was requested.");
            };
        } catch (ServiceError e) {
            ObjectNode error = JSON.createObjectNode();
            error.put("__type", ERROR_NAMESPACE + e.code);
            error.put("message", e.getMessage());
            return new Answer(400, error);
        }
    }

    private static Answer ok(JsonNode body) {
        return new Answer(200, body);
    }

    private static ObjectNode single(Export export) {
        ObjectNode answer = JSON.createObjectNode();
        answer.set("ExportDescription", export.describe());
        return answer;
    }

    // ---- point-in-time recovery ----

    private ObjectNode updateBackups(JsonNode body) {
        String table = requireTable(text(body, "TableName"));
        JsonNode spec = body.get("PointInTimeRecoverySpecification");
        if (spec == null || !spec.has("PointInTimeRecoveryEnabled")) {
            throw new ServiceError(
                    "ValidationException",
                    "1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null");
        }
        if (spec.get("PointInTimeRecoveryEnabled").asBoolean()) {
            recoveryEnabledSince.putIfAbsent(table, Instant.now());
        } else {
            recoveryEnabledSince.remove(table);
        }
        return backups(table);
    }

    private ObjectNode backups(String table) {
        ObjectNode recovery = JSON.createObjectNode();
        Instant since = recoveryEnabledSince.get(table);
        if (since == null) {
            recovery.put("PointInTimeRecoveryStatus", "DISABLED");
        } else {
            recovery.put("PointInTimeRecoveryStatus", "ENABLED");
            recovery.put("RecoveryPeriodInDays", 35);
            recovery.put("EarliestRestorableDateTime", epochSeconds(since));
            recovery.put("LatestRestorableDateTime", epochSeconds(Instant.now()));
        }
        ObjectNode description = JSON.createObjectNode();
        description.put("ContinuousBackupsStatus", "ENABLED");
        description.set("PointInTimeRecoveryDescription", recovery);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("ContinuousBackupsDescription", description);
        return answer;
    }

    // ---- exports ----

    private Export startExport(JsonNode body) {
        String tableArn = text(body, "TableArn");
        if (tableArn == null) {
            throw new ServiceError(
                    "ValidationException",
                    "1 validation error detected: Value null at 'tableArn' failed to satisfy constraint: Member must not be null");
        }
        String bucket = text(body, "S3Bucket");
        if (bucket == null || bucket.isEmpty()) {
            throw new ServiceError(
                    "ValidationException",
                    "1 validation error detected: Value null at 's3Bucket' failed to satisfy constraint: Member must not be null");
        }
        String type = text(body, "ExportType");
        if (type != null && !type.equals("FULL_EXPORT")) {
            throw new ServiceError(
                    "ValidationException",
                    "ExportType " + type + " is not supported by the dynamo-sync test kit; use FULL_EXPORT");
        }
        String format = text(body, "ExportFormat");
        if (format != null && !format.equals("DYNAMODB_JSON")) {
            throw new ServiceError(
                    "ValidationException",
                    "ExportFormat " + format + " is not supported by the dynamo-sync test kit; use DYNAMODB_JSON");
        }
        String table = tableArn.substring(tableArn.lastIndexOf('/') + 1);
        JsonNode described = describeTable(table);
        Instant since = recoveryEnabledSince.get(table);
        if (since == null) {
            throw new ServiceError(
                    "PointInTimeRecoveryUnavailableException",
                    "Point in time recovery is not enabled for table '" + table + "'");
        }
        Instant now = Instant.now();
        Instant exportTime = now;
        if (body.hasNonNull("ExportTime")) {
            exportTime = fromEpochSeconds(body.get("ExportTime").decimalValue());
            if (exportTime.isAfter(now.plusSeconds(1)) || exportTime.isBefore(since.minusSeconds(1))) {
                throw new ServiceError(
                        "InvalidExportTimeException",
                        "Export time " + exportTime + " is not within the point in time recovery window [" + since
                                + ", " + now + "] of table '" + table + "'");
            }
        }
        String clientToken = text(body, "ClientToken");
        if (clientToken != null) {
            for (Export existing : exportsByArn.values()) {
                if (clientToken.equals(existing.clientToken)) {
                    if (existing.tableArn.equals(tableArn)
                            && existing.bucket.equals(bucket)
                            && Objects.equals(existing.prefix, text(body, "S3Prefix"))) {
                        return existing;
                    }
                    throw new ServiceError(
                            "ExportConflictException",
                            "There was a conflict when writing to the specified S3 bucket: the client token was used with other parameters.");
                }
            }
        }
        String id = String.format("%014d-%08x", now.toEpochMilli(), RANDOM.nextInt());
        Export export = new Export(
                tableArn + "/export/" + id,
                id,
                tableArn,
                table,
                described
                        .path("Table")
                        .path("TableId")
                        .asText(UUID.nameUUIDFromBytes(table.getBytes(StandardCharsets.UTF_8))
                                .toString()),
                exportTime,
                now,
                bucket,
                text(body, "S3BucketOwner"),
                text(body, "S3Prefix"),
                text(body, "S3SseAlgorithm"),
                text(body, "S3SseKmsKeyId"),
                clientToken);
        exportsByArn.put(export.arn, export);
        exportOrder.add(export.arn);
        jobs.submit(() ->
                new ExportWriter(dynamoDb, new ExportObjects(s3, partBytes), dataFiles, minimumDuration).write(export));
        return export;
    }

    private Export describeExport(String arn) {
        Export export = arn == null ? null : exportsByArn.get(arn);
        if (export == null) {
            throw new ServiceError("ExportNotFoundException", "Export not found: " + arn);
        }
        return export;
    }

    private ObjectNode listExports(JsonNode body) {
        String tableArn = text(body, "TableArn");
        int max = body.path("MaxResults").asInt(25);
        int start = body.hasNonNull("NextToken")
                ? Integer.parseInt(body.get("NextToken").asText())
                : 0;
        List<Export> matching = new ArrayList<>();
        for (String arn : exportOrder) {
            Export export = exportsByArn.get(arn);
            if (tableArn == null || export.tableArn.equals(tableArn)) {
                matching.add(export);
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode summaries = answer.putArray("ExportSummaries");
        for (int i = start; i < Math.min(matching.size(), start + max); i++) {
            Export export = matching.get(i);
            ObjectNode summary = summaries.addObject();
            summary.put("ExportArn", export.arn);
            summary.put("ExportStatus", export.status);
            summary.put("ExportType", "FULL_EXPORT");
        }
        if (start + max < matching.size()) {
            answer.put("NextToken", Integer.toString(start + max));
        }
        return answer;
    }

    private JsonNode describeTable(String table) {
        ObjectNode request = JSON.createObjectNode();
        request.put("TableName", table);
        try {
            return dynamoDb.call("DescribeTable", request);
        } catch (RawDynamoDb.Failure e) {
            if (e.code.equals("ResourceNotFoundException")) {
                throw new ServiceError("TableNotFoundException", "Table not found: " + table);
            }
            throw new ServiceError(e.code, e.getMessage());
        }
    }

    private String requireTable(String table) {
        if (table == null) {
            throw new ServiceError(
                    "ValidationException",
                    "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        }
        describeTable(table);
        return table;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
    }

    static Instant fromEpochSeconds(BigDecimal seconds) {
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    }

    @Override
    public void close() {
        jobs.shutdownNow();
        try {
            jobs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A DynamoDB error this service answers with. */
    private static final class ServiceError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;

        ServiceError(String code, String message) {
            super(message);
            this.code = code;
        }
    }
}
