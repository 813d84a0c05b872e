package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.InvalidExportTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(LocalAwsExtension.class)
class ExportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void exportIsRefusedWhilePointInTimeRecoveryIsOff(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        String bucket = bucket(aws);
        String tableArn = tableArn(aws, table);

        assertThatThrownBy(() -> aws.dynamoDb()
                        .exportTableToPointInTime(b -> b.tableArn(tableArn).s3Bucket(bucket)))
                .isInstanceOf(PointInTimeRecoveryUnavailableException.class)
                .hasMessageContaining("Point in time recovery is not enabled for table '" + table + "'");
        assertThat(aws.dynamoDb()
                        .describeContinuousBackups(b -> b.tableName(table))
                        .continuousBackupsDescription()
                        .pointInTimeRecoveryDescription()
                        .pointInTimeRecoveryStatus())
                .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
    }

    @Test
    void pointInTimeRecoveryCanBeTurnedOnAndOff(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        var on = aws.dynamoDb()
                .updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
                .continuousBackupsDescription()
                .pointInTimeRecoveryDescription();
        assertThat(on.pointInTimeRecoveryStatus()).isEqualTo(PointInTimeRecoveryStatus.ENABLED);
        assertThat(on.earliestRestorableDateTime()).isBeforeOrEqualTo(Instant.now());
        assertThat(on.recoveryPeriodInDays()).isEqualTo(35);

        aws.dynamoDb()
                .updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)));
        assertThat(aws.dynamoDb()
                        .describeContinuousBackups(b -> b.tableName(table))
                        .continuousBackupsDescription()
                        .pointInTimeRecoveryDescription()
                        .pointInTimeRecoveryStatus())
                .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
    }

    @Test
    void unknownTableIsRefusedAsAwsRefusesIt(LocalAws aws) {
        assertThatThrownBy(() -> aws.dynamoDb().describeContinuousBackups(b -> b.tableName("no-such-table")))
                .isInstanceOf(TableNotFoundException.class);
    }

    @Test
    void exportTimeOutsideTheRecoveryWindowIsRefused(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        enableRecovery(aws, table);
        assertThatThrownBy(() -> aws.dynamoDb()
                        .exportTableToPointInTime(b -> b.tableArn(tableArn(aws, table))
                                .s3Bucket(bucket(aws))
                                .exportTime(Instant.now().minus(Duration.ofDays(1)))))
                .isInstanceOf(InvalidExportTimeException.class);
    }

    @Test
    void exportRoundTripsEveryTypeExactlyAsScanReturnsIt(LocalAws aws) throws Exception {
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = Tables.create(dynamoDb, false);
        List<Map<String, AttributeValue>> written = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Map<String, AttributeValue> item = everyType(i);
            dynamoDb.putItem(b -> b.tableName(table).item(item));
            written.add(item);
        }
        enableRecovery(aws, table);
        String bucket = bucket(aws);
        String prefix = "exports/" + table;

        ExportDescription started = dynamoDb.exportTableToPointInTime(
                        b -> b.tableArn(tableArn(aws, table)).s3Bucket(bucket).s3Prefix(prefix))
                .exportDescription();
        assertThat(started.exportStatus()).isEqualTo(ExportStatus.IN_PROGRESS);
        String exportId = started.exportArn().substring(started.exportArn().lastIndexOf('/') + 1);
        assertThat(exportId).matches("\\d{14}-[0-9a-f]{8}");
        ExportDescription done = awaitExport(aws, started.exportArn());
        assertThat(done.exportStatus()).isEqualTo(ExportStatus.COMPLETED);
        assertThat(done.itemCount()).isEqualTo(25L);
        assertThat(done.exportManifest()).isEqualTo(prefix + "/AWSDynamoDB/" + exportId + "/manifest-summary.json");

        S3Client s3 = aws.s3();
        String base = prefix + "/AWSDynamoDB/" + exportId + "/";
        List<String> keys = s3.listObjectsV2(b -> b.bucket(bucket).prefix(base)).contents().stream()
                .map(S3Object::key)
                .toList();
        assertThat(keys)
                .contains(
                        base + "_started",
                        base + "manifest-summary.json",
                        base + "manifest-summary.checksum",
                        base + "manifest-files.json",
                        base + "manifest-files.checksum");

        JsonNode summary =
                JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key(done.exportManifest()))
                        .asByteArray());
        assertThat(summary.get("version").asText()).isEqualTo("2020-06-30");
        assertThat(summary.get("exportArn").asText()).isEqualTo(done.exportArn());
        assertThat(summary.get("itemCount").asLong()).isEqualTo(25);
        assertThat(summary.get("outputFormat").asText()).isEqualTo("DYNAMODB_JSON");
        assertThat(summary.get("s3Bucket").asText()).isEqualTo(bucket);
        assertThat(summary.get("manifestFilesS3Key").asText()).isEqualTo(base + "manifest-files.json");

        List<Map<String, AttributeValue>> exported = new ArrayList<>();
        long counted = 0;
        String manifestFiles = s3.getObjectAsBytes(b -> b.bucket(bucket).key(base + "manifest-files.json"))
                .asUtf8String();
        for (String line : manifestFiles.split("\n")) {
            JsonNode file = JSON.readTree(line);
            String key = file.get("dataFileS3Key").asText();
            assertThat(key).startsWith(base + "data/").endsWith(".json.gz");
            byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            byte[] md5 = MessageDigest.getInstance("MD5").digest(gz);
            assertThat(file.get("md5Checksum").asText())
                    .isEqualTo(Base64.getEncoder().encodeToString(md5));
            long inFile = 0;
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
                for (String itemLine = reader.readLine(); itemLine != null; itemLine = reader.readLine()) {
                    JsonNode wrapped = JSON.readTree(itemLine);
                    assertThat(wrapped.fieldNames()).toIterable().containsExactly("Item");
                    exported.add(DynamoJson.item(wrapped.get("Item")));
                    inFile++;
                }
            }
            assertThat(file.get("itemCount").asLong()).isEqualTo(inFile);
            counted += inFile;
        }
        assertThat(counted).isEqualTo(25);

        List<Map<String, AttributeValue>> scanned =
                dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                        .toList();
        assertThat(byKey(exported)).isEqualTo(byKey(scanned));
        // DynamoDB orders sets and normalises numbers its own way, so the written items are
        // compared by key only; the export must match what a Scan returns exactly.
        assertThat(byKey(scanned).keySet()).isEqualTo(byKey(written).keySet());
    }

    @Test
    void aDataFileLargerThanOnePartIsUploadedInPartsAndReadsBackWhole(LocalAws aws) throws Exception {
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = Tables.create(dynamoDb, false);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 90; i++) {
            StringBuilder text = new StringBuilder(100_000);
            while (text.length() < 100_000) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            int sk = i;
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "pk",
                            AttributeValue.fromS("p" + sk % 7),
                            "sk",
                            AttributeValue.fromN(Integer.toString(sk)),
                            "text",
                            AttributeValue.fromS(text.toString()))));
        }
        enableRecovery(aws, table);
        String bucket = bucket(aws);
        aws.exports().dataFiles(1).uploadPartBytes(5 << 20);
        ExportDescription done;
        try {
            String arn = dynamoDb.exportTableToPointInTime(
                            b -> b.tableArn(tableArn(aws, table)).s3Bucket(bucket))
                    .exportDescription()
                    .exportArn();
            done = awaitExport(aws, arn);
        } finally {
            aws.exports().dataFiles(3).uploadPartBytes(16 << 20);
        }
        assertThat(done.exportStatus()).isEqualTo(ExportStatus.COMPLETED);

        S3Client s3 = aws.s3();
        String manifestFiles = s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(done.exportManifest().replace("manifest-summary.json", "manifest-files.json")))
                .asUtf8String()
                .strip();
        JsonNode file = JSON.readTree(manifestFiles);
        byte[] gz = s3.getObjectAsBytes(
                        b -> b.bucket(bucket).key(file.get("dataFileS3Key").asText()))
                .asByteArray();
        // About 5.5 MB gzipped: two parts of at most 5 MiB.
        assertThat(gz.length).isGreaterThan(5 << 20);
        assertThat(file.get("md5Checksum").asText())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("MD5").digest(gz)));
        List<Map<String, AttributeValue>> exported = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                exported.add(DynamoJson.item(JSON.readTree(line).get("Item")));
            }
        }
        assertThat(file.get("itemCount").asLong()).isEqualTo(90);
        assertThat(byKey(exported))
                .isEqualTo(byKey(dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                        .toList()));
    }

    @Test
    void exportToAMissingBucketFailsWithAwsFailureCode(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        enableRecovery(aws, table);
        String arn = aws.dynamoDb()
                .exportTableToPointInTime(
                        b -> b.tableArn(tableArn(aws, table)).s3Bucket("no-such-bucket-" + System.nanoTime()))
                .exportDescription()
                .exportArn();

        ExportDescription failed = awaitExport(aws, arn);
        assertThat(failed.exportStatus()).isEqualTo(ExportStatus.FAILED);
        assertThat(failed.failureCode()).isEqualTo("S3NoSuchBucket");
        assertThat(failed.failureMessage()).contains("bucket does not exist");
    }

    @Test
    void sameClientTokenReturnsTheSameExportAndListExportsFindsIt(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        enableRecovery(aws, table);
        String bucket = bucket(aws);
        String tableArn = tableArn(aws, table);
        String first = aws.dynamoDb()
                .exportTableToPointInTime(
                        b -> b.tableArn(tableArn).s3Bucket(bucket).clientToken("token-1"))
                .exportDescription()
                .exportArn();
        String again = aws.dynamoDb()
                .exportTableToPointInTime(
                        b -> b.tableArn(tableArn).s3Bucket(bucket).clientToken("token-1"))
                .exportDescription()
                .exportArn();
        String second = aws.dynamoDb()
                .exportTableToPointInTime(b -> b.tableArn(tableArn).s3Bucket(bucket))
                .exportDescription()
                .exportArn();

        assertThat(again).isEqualTo(first);
        assertThat(second).isNotEqualTo(first);
        assertThat(aws.dynamoDb().listExportsPaginator(b -> b.tableArn(tableArn).maxResults(1)).stream()
                        .flatMap(page -> page.exportSummaries().stream())
                        .toList())
                .extracting(s -> s.exportArn())
                .containsExactly(first, second);
    }

    private static ExportDescription awaitExport(LocalAws aws, String arn) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> aws.dynamoDb()
                                .describeExport(b -> b.exportArn(arn))
                                .exportDescription(),
                        d -> d.exportStatus() != ExportStatus.IN_PROGRESS);
    }

    private static Map<String, Map<String, AttributeValue>> byKey(List<Map<String, AttributeValue>> items) {
        return items.stream()
                .collect(Collectors.toMap(
                        i -> i.get("pk").s() + "/" + i.get("sk").n(), Function.identity()));
    }

    static Map<String, AttributeValue> everyType(int i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("item-" + i + "-ünïcödé"));
        item.put("sk", AttributeValue.fromN(Integer.toString(i)));
        item.put("s", AttributeValue.fromS(i % 5 == 0 ? "" : "text \"quoted\" \n line " + i));
        item.put(
                "n",
                AttributeValue.fromN(
                        i % 2 == 0 ? "12345678901234567890123456789012345678" : "-0.000000000000000000000000000001"));
        item.put("bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, (byte) i, (byte) 0xff, 10})));
        item.put("bool", AttributeValue.fromBool(i % 2 == 0));
        item.put("nul", AttributeValue.fromNul(true));
        item.put(
                "map",
                AttributeValue.fromM(Map.of(
                        "nested", AttributeValue.fromM(Map.of("deep", AttributeValue.fromN("1E+125"))),
                        "list", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("2"))))));
        item.put(
                "list",
                AttributeValue.fromL(List.of(
                        AttributeValue.fromBool(false),
                        AttributeValue.fromNul(true),
                        AttributeValue.fromSs(List.of("a", "b")))));
        item.put("ss", AttributeValue.fromSs(List.of("red", "green", "blue-" + i)));
        item.put("ns", AttributeValue.fromNs(List.of("1", "2.5", "-3", "1E-130")));
        item.put(
                "bs",
                AttributeValue.fromBs(
                        List.of(SdkBytes.fromByteArray(new byte[] {1}), SdkBytes.fromByteArray(new byte[] {2, 3}))));
        return item;
    }

    static void enableRecovery(LocalAws aws, String table) {
        aws.dynamoDb()
                .updateContinuousBackups(b ->
                        b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    }

    static String tableArn(LocalAws aws, String table) {
        return aws.dynamoDb().describeTable(b -> b.tableName(table)).table().tableArn();
    }

    static String bucket(LocalAws aws) {
        String bucket = LocalAws.uniqueName("bucket").toLowerCase();
        aws.s3().createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
