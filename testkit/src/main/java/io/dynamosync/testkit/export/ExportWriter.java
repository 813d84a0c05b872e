package io.dynamosync.testkit.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes one export in AWS's layout: {@code _started}, the table's items in gzipped data files, the manifest of the
 * files and the summary, each manifest with its {@code .checksum}; it stays in progress for at least the service's
 * minimum duration.
 */
final class ExportWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ExportWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RawDynamoDb dynamoDb;
    private final ExportObjects objects;
    private final int dataFiles;
    private final Duration minimumDuration;

    ExportWriter(RawDynamoDb dynamoDb, ExportObjects objects, int dataFiles, Duration minimumDuration) {
        this.dynamoDb = dynamoDb;
        this.objects = objects;
        this.dataFiles = dataFiles;
        this.minimumDuration = minimumDuration;
    }

    /** Writes {@code export}'s files, then completes it, or fails it with AWS's failure code. */
    void write(Export export) {
        long started = System.nanoTime();
        String base = (export.prefix == null || export.prefix.isEmpty() ? "" : trimSlashes(export.prefix) + "/")
                + "AWSDynamoDB/" + export.id + "/";
        try {
            objects.put(export.bucket, base + "_started", new byte[0]);
            ExportTableScan.DataFiles files = new ExportTableScan(dynamoDb, dataFiles).write(export.table);
            StringBuilder manifestFiles = new StringBuilder();
            try {
                for (int i = 0; i < files.contents().size(); i++) {
                    Path gz = files.contents().get(i);
                    String key = base + "data/" + randomName() + ".json.gz";
                    objects.upload(export.bucket, key, gz);
                    byte[] md5 = ExportObjects.md5(gz);
                    ObjectNode line = JSON.createObjectNode();
                    line.put("itemCount", files.counts().get(i));
                    line.put("md5Checksum", Base64.getEncoder().encodeToString(md5));
                    line.put("etag", HexFormat.of().formatHex(md5));
                    line.put("dataFileS3Key", key);
                    manifestFiles.append(JSON.writeValueAsString(line)).append('\n');
                }
            } finally {
                for (Path gz : files.contents()) {
                    Files.deleteIfExists(gz);
                }
            }
            byte[] manifestBytes = manifestFiles.toString().getBytes(StandardCharsets.UTF_8);
            objects.put(export.bucket, base + "manifest-files.json", manifestBytes);
            objects.put(
                    export.bucket,
                    base + "manifest-files.checksum",
                    HexFormat.of().formatHex(ExportObjects.md5(manifestBytes)).getBytes(StandardCharsets.UTF_8));

            long remaining = minimumDuration.toNanos() - (System.nanoTime() - started);
            if (remaining > 0) {
                TimeUnit.NANOSECONDS.sleep(remaining);
            }
            Instant end = Instant.now();
            ObjectNode summary = JSON.createObjectNode();
            summary.put("version", "2020-06-30");
            summary.put("exportArn", export.arn);
            summary.put("startTime", export.startTime.toString());
            summary.put("endTime", end.toString());
            summary.put("tableArn", export.tableArn);
            summary.put("tableId", export.tableId);
            summary.put("exportTime", export.exportTime.toString());
            summary.put("s3Bucket", export.bucket);
            summary.put("s3Prefix", export.prefix);
            summary.put("s3SseAlgorithm", export.sseAlgorithm);
            summary.put("s3SseKmsKeyId", export.kmsKeyId);
            summary.put("manifestFilesS3Key", base + "manifest-files.json");
            summary.put("billedSizeBytes", files.billedBytes());
            summary.put("itemCount", files.items());
            summary.put("outputFormat", "DYNAMODB_JSON");
            byte[] summaryBytes = JSON.writeValueAsBytes(summary);
            objects.put(export.bucket, base + "manifest-summary.json", summaryBytes);
            objects.put(
                    export.bucket,
                    base + "manifest-summary.checksum",
                    HexFormat.of().formatHex(ExportObjects.md5(summaryBytes)).getBytes(StandardCharsets.UTF_8));
            export.complete(end, base + "manifest-summary.json", files.items(), files.billedBytes());
        } catch (NoSuchBucketException e) {
            export.fail(
                    "S3NoSuchBucket",
                    "The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket)");
        } catch (S3Exception e) {
            String code = e.statusCode() == 403
                    ? "S3AccessDenied"
                    : e.awsErrorDetails().errorCode() != null
                            ? "S3" + e.awsErrorDetails().errorCode()
                            : "UNKNOWN";
            String message = e.awsErrorDetails().errorMessage();
            export.fail(code, message != null ? message : "S3 answered HTTP " + e.statusCode() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            export.fail("UNKNOWN", "the test kit stopped while the export ran");
        } catch (RuntimeException | IOException e) {
            LOG.warn("export {} failed", export.arn, e);
            export.fail("UNKNOWN", e.toString());
        }
    }

    private static String randomName() {
        // AWS names data files with 26 lower-case base32 characters.
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder name = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            name.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    private static String trimSlashes(String prefix) {
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
