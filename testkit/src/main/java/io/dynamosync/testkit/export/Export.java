package io.dynamosync.testkit.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** One export and its progress; the job thread completes it while callers describe it. */
final class Export {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String arn;
    final String id;
    final String tableArn;
    final String table;
    final String tableId;
    final Instant exportTime;
    final Instant startTime;
    final String bucket;
    final String bucketOwner;
    final String prefix;
    final String sseAlgorithm;
    final String kmsKeyId;
    final String clientToken;
    volatile String status = "IN_PROGRESS";
    private volatile Instant endTime;
    private volatile String manifest;
    private volatile long itemCount;
    private volatile long billedBytes;
    private volatile String failureCode;
    private volatile String failureMessage;

    Export(
            String arn,
            String id,
            String tableArn,
            String table,
            String tableId,
            Instant exportTime,
            Instant startTime,
            String bucket,
            String bucketOwner,
            String prefix,
            String sseAlgorithm,
            String kmsKeyId,
            String clientToken) {
        this.arn = arn;
        this.id = id;
        this.tableArn = tableArn;
        this.table = table;
        this.tableId = tableId;
        this.exportTime = exportTime;
        this.startTime = startTime;
        this.bucket = bucket;
        this.bucketOwner = bucketOwner;
        this.prefix = prefix;
        this.sseAlgorithm = sseAlgorithm;
        this.kmsKeyId = kmsKeyId;
        this.clientToken = clientToken == null ? UUID.randomUUID().toString() : clientToken;
    }

    synchronized void complete(Instant end, String manifestKey, long items, long billed) {
        this.manifest = manifestKey;
        this.itemCount = items;
        this.billedBytes = billed;
        this.endTime = end;
        this.status = "COMPLETED";
    }

    synchronized void fail(String code, String message) {
        this.failureCode = code;
        this.failureMessage = message;
        this.endTime = Instant.now();
        this.status = "FAILED";
    }

    synchronized ObjectNode describe() {
        ObjectNode d = JSON.createObjectNode();
        d.put("ExportArn", arn);
        d.put("ExportStatus", status);
        d.put("StartTime", ExportService.epochSeconds(startTime));
        if (endTime != null) {
            d.put("EndTime", ExportService.epochSeconds(endTime));
        }
        if (manifest != null) {
            d.put("ExportManifest", manifest);
        }
        d.put("TableArn", tableArn);
        d.put("TableId", tableId);
        d.put("ExportTime", ExportService.epochSeconds(exportTime));
        d.put("ClientToken", clientToken);
        d.put("S3Bucket", bucket);
        if (bucketOwner != null) {
            d.put("S3BucketOwner", bucketOwner);
        }
        if (prefix != null) {
            d.put("S3Prefix", prefix);
        }
        d.put("S3SseAlgorithm", sseAlgorithm == null ? "AES256" : sseAlgorithm);
        if (kmsKeyId != null) {
            d.put("S3SseKmsKeyId", kmsKeyId);
        }
        if (failureCode != null) {
            d.put("FailureCode", failureCode);
            d.put("FailureMessage", failureMessage);
        }
        d.put("ExportFormat", "DYNAMODB_JSON");
        d.put("ExportType", "FULL_EXPORT");
        if ("COMPLETED".equals(status)) {
            d.put("BilledSizeBytes", billedBytes);
            d.put("ItemCount", itemCount);
        }
        return d;
    }
}
