package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.iceberg.LocalIceberg;
import io.dynamosync.testkit.iceberg.LocalIcebergExtension;
import io.dynamosync.worker.load.TableInfo;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A collection published to Iceberg, read back with Trino: after the load, and after puts, updates and deletes
 * (a key deleted and made again, numbers of 38 digits, a column that appears later), Trino's view of the table
 * equals the DynamoDB table item for item; and a worker killed with SIGKILL between and during commits leaves it
 * equal too, with no {@code _id} twice.
 */
@ExtendWith(LocalIcebergExtension.class)
class IcebergPublishIT {

    /**
     * The attributes compared, in every item: text, exact numbers (one of 38 digits, one that updates change), a
     * boolean, a column that appears after the first snapshot. Not {@code status}: the items also have {@code Status},
     * and which of the two keeps the plain column name depends on which the store met first.
     */
    private static final List<String> COMPARED = List.of("select", "amount", "big", "quantity", "gift", "version");

    private static Map<String, Object> publishing(LocalIceberg iceberg, Path data, String table, String icebergTable) {
        // The test server trusts local connections; the user rides in the URL.
        return publishing(
                iceberg,
                data,
                table,
                icebergTable,
                "Jdbc",
                iceberg.catalogUri() + "?user=" + iceberg.catalogUser(),
                LocalIceberg.CATALOG_NAME);
    }

    private static Map<String, Object> publishing(
            LocalIceberg iceberg,
            Path data,
            String table,
            String icebergTable,
            String catalogType,
            String catalogUri,
            String catalogName) {
        LocalAws aws = iceberg.aws();
        Map<String, Object> settings = WorkerSettingsFor.withBucket(
                WorkerSettingsFor.settings(aws, table, data.resolve("store"), Map.of("method", "Scan")),
                LocalIceberg.BUCKET);
        settings = new LinkedHashMap<>(settings);
        settings.put(
                "iceberg",
                Map.of(
                        "catalogType",
                        catalogType,
                        "catalogUri",
                        catalogUri,
                        "catalogName",
                        catalogName,
                        "warehouse",
                        LocalIceberg.warehouse(),
                        "table",
                        icebergTable,
                        "commitIntervalSeconds",
                        2));
        return settings;
    }

    private static String icebergTable() {
        return LocalAws.uniqueName("it").replace('-', '_') + ".orders";
    }

    private static JsonNode await(WorkerProcess worker, Predicate<JsonNode> condition, Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .failFast(worker::requireAlive)
                .until(worker::status, s -> s != null && condition.test(s));
    }

    /** Waits until the replica has every change and a snapshot read after that covers them. */
    private static void awaitPublishedEverything(WorkerProcess worker, LocalAws aws, String table) {
        long records = StreamRecords.count(aws.dynamoDb(), aws.streams(), table);
        await(
                worker,
                s -> s.path("stream").path("synced").asBoolean()
                        && s.path("stream").path("recordsApplied").asLong() >= records,
                Duration.ofSeconds(120));
        Instant synced = Instant.now();
        await(
                worker,
                s -> !s.path("publish").path("coversUntil").isMissingNode()
                        && Instant.parse(s.path("publish").path("coversUntil").asText())
                                .isAfter(synced)
                        && s.path("publish").path("error").isMissingNode(),
                Duration.ofSeconds(120));
    }

    /**
     * Trino's rows of the compared attributes by {@code _id}, numbers normalized as the table's canonical form, read
     * through Trino's catalog {@code catalog}.
     */
    private static Map<String, Map<String, Object>> trino(LocalIceberg iceberg, String catalog, String icebergTable) {
        List<List<JsonNode>> counts =
                iceberg.trino().query("SELECT count(*), count(DISTINCT _id) FROM " + catalog + "." + icebergTable);
        assertThat(counts.get(0).get(0).asLong())
                .as("rows in Trino, against distinct _ids: none twice")
                .isEqualTo(counts.get(0).get(1).asLong());
        List<String> columns = iceberg
                .trino()
                .query("SELECT column_name FROM " + catalog + ".information_schema.columns WHERE table_schema = '"
                        + icebergTable.substring(0, icebergTable.indexOf('.')) + "' AND table_name = 'orders'")
                .stream()
                .map(row -> row.get(0).asText())
                .toList();
        List<String> present = COMPARED.stream().filter(columns::contains).toList();
        StringBuilder sql = new StringBuilder("SELECT _id");
        for (String column : present) {
            sql.append(", CAST(\"").append(column).append("\" AS varchar)");
        }
        sql.append(" FROM ").append(catalog).append('.').append(icebergTable);
        Map<String, Map<String, Object>> rows = new HashMap<>();
        for (List<JsonNode> row : iceberg.trino().query(sql.toString())) {
            Map<String, Object> values = new TreeMap<>();
            for (int i = 0; i < present.size(); i++) {
                JsonNode value = row.get(i + 1);
                if (!value.isNull()) {
                    values.put(present.get(i), canonical(present.get(i), value.asText()));
                }
            }
            rows.put(row.get(0).asText(), values);
        }
        return rows;
    }

    private static Map<String, Map<String, Object>> dynamo(LocalAws aws, String table) {
        var info = TableInfo.describe(aws.dynamoDb(), table);
        Map<String, Map<String, Object>> items = new HashMap<>();
        aws.dynamoDb()
                .scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> {
                    Map<String, Object> values = new TreeMap<>();
                    for (String column : COMPARED) {
                        AttributeValue value = item.get(column);
                        if (value != null && value.type() != AttributeValue.Type.NUL) {
                            Object canonical = StoreContents.canonical(value, true);
                            values.put(column, canonical(column, canonical.toString()));
                        }
                    }
                    items.put(info.itemId().of(item), values);
                });
        return items;
    }

    private static Object canonical(String column, String text) {
        return switch (column) {
            case "gift" -> Boolean.parseBoolean(text);
            case "select" -> text;
            default -> {
                BigDecimal number = new BigDecimal(text);
                yield number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
            }
        };
    }

    private static void assertTrinoSeesTheTable(LocalIceberg iceberg, String icebergTable, String table) {
        assertTrinoSeesTheTable(iceberg, "iceberg", icebergTable, table);
    }

    private static void assertTrinoSeesTheTable(
            LocalIceberg iceberg, String catalog, String icebergTable, String table) {
        Map<String, Map<String, Object>> expected = dynamo(iceberg.aws(), table);
        Map<String, Map<String, Object>> seen = trino(iceberg, catalog, icebergTable);
        assertThat(seen.keySet()).as("the _ids Trino sees").containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Map<String, Object>> item : expected.entrySet()) {
            assertThat(seen.get(item.getKey())).as("item " + item.getKey()).isEqualTo(item.getValue());
        }
    }

    @Test
    void trinoSeesTheTableItemForItemAfterTheLoadAndAfterChanges(LocalIceberg iceberg, @TempDir Path data)
            throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);
        String icebergTable = icebergTable();

        try (WorkerProcess worker =
                WorkerProcess.start(publishing(iceberg, data, table, icebergTable), data, "publish")) {
            await(worker, s -> !s.path("publish").path("snapshotId").isMissingNode(), Duration.ofSeconds(120));
            assertTrinoSeesTheTable(iceberg, icebergTable, table);

            // A key deleted and made again, across commits and within one.
            Map<String, AttributeValue> again = SampleItems.item(7);
            Map<String, AttributeValue> key = Map.of("customer", again.get("customer"), "order", again.get("order"));
            aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key));
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, 400, 20)) {
                Thread.sleep(15_000);
                aws.dynamoDb().putItem(b -> b.tableName(table).item(again));
                aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key));
                aws.dynamoDb().putItem(b -> b.tableName(table).item(again));
                Thread.sleep(5_000);
            }
            awaitPublishedEverything(worker, aws, table);
            assertTrinoSeesTheTable(iceberg, icebergTable, table);
            JsonNode publish = worker.status().path("publish");
            assertThat(publish.path("commits").asLong()).as("commits").isGreaterThan(2);
            assertThat(publish.path("table").asText()).isEqualTo(icebergTable);
            String metrics = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + worker.port() + "/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains(
                            "dynamosync_publish_lag_seconds",
                            "dynamosync_publish_commit_seconds_count",
                            "dynamosync_publish_files_total",
                            "dynamosync_publish_bytes_total");
        }
    }

    @Test
    void aRestCatalogIsPublishedToAndTrinoReadsTheTableThroughIt(LocalIceberg iceberg, @TempDir Path data)
            throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 150);
        String icebergTable = icebergTable();
        Map<String, Object> settings =
                publishing(iceberg, data, table, icebergTable, "Rest", iceberg.restCatalogUri(), "rest");
        try (WorkerProcess worker = WorkerProcess.start(settings, data, "publish-rest")) {
            await(worker, s -> !s.path("publish").path("snapshotId").isMissingNode(), Duration.ofSeconds(120));
            assertTrinoSeesTheTable(iceberg, "iceberg_rest", icebergTable, table);

            SampleItems.fill(aws.dynamoDb(), table, 150, 170);
            Map<String, AttributeValue> gone = SampleItems.item(3);
            aws.dynamoDb()
                    .deleteItem(b -> b.tableName(table)
                            .key(Map.of("customer", gone.get("customer"), "order", gone.get("order"))));
            awaitPublishedEverything(worker, aws, table);
            assertTrinoSeesTheTable(iceberg, "iceberg_rest", icebergTable, table);
            assertThat(worker.status().path("publish").path("commits").asLong())
                    .as("commits through the REST catalog")
                    .isGreaterThan(1);
        }
    }

    @Test
    void aKillDuringTheLoadLeavesTrinoSeeingTheTableWithNoIdTwice(LocalIceberg iceberg, @TempDir Path data)
            throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 2000);
        String icebergTable = icebergTable();
        Map<String, Object> settings = publishing(iceberg, data, table, icebergTable);
        // A slow scan, so that the kill lands in the middle of it.
        settings.put("load", Map.of("method", "Scan", "readCapacityUnits", 100, "scanSegments", 2));

        WorkerProcess worker = WorkerProcess.start(settings, data, "load-0");
        try {
            await(
                    worker,
                    s -> s.path("load").path("itemsLoaded").asLong() > 0
                            && !s.path("load").path("complete").asBoolean(),
                    Duration.ofSeconds(120));
            worker.kill();
            worker = WorkerProcess.start(settings, data, "load-1");
            put(aws, table, SampleItems.item(5000));
            awaitPublishedEverything(worker, aws, table);
            assertTrinoSeesTheTable(iceberg, icebergTable, table);
        } finally {
            worker.close();
        }
    }

    /** The objects the warehouse holds for {@code icebergTable}: data, delete, manifest and metadata files. */
    private static int warehouseObjects(LocalAws aws, String icebergTable) {
        String namespace = icebergTable.substring(0, icebergTable.indexOf('.'));
        return (int) aws
                .s3()
                .listObjectsV2Paginator(b -> b.bucket(LocalIceberg.BUCKET).prefix("warehouse/" + namespace + "/"))
                .contents()
                .stream()
                .count();
    }

    @Test
    void underChurnTheTableIsRewrittenAndOldSnapshotsExpireSoItsFilesStayBounded(
            LocalIceberg iceberg, @TempDir Path data) throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 200);
        String icebergTable = icebergTable();
        Map<String, Object> settings = publishing(iceberg, data, table, icebergTable);
        @SuppressWarnings("unchecked")
        Map<String, Object> publishingSettings = new LinkedHashMap<>((Map<String, Object>) settings.get("iceberg"));
        publishingSettings.put("commitIntervalSeconds", 1);
        publishingSettings.put("keepSnapshotsSeconds", 5);
        settings.put("iceberg", publishingSettings);

        try (WorkerProcess worker = WorkerProcess.start(settings, data, "churn")) {
            await(worker, s -> !s.path("publish").path("snapshotId").isMissingNode(), Duration.ofSeconds(120));
            int objectsMidway;
            long commitsMidway;
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, 300, 30)) {
                Thread.sleep(12_000);
                objectsMidway = warehouseObjects(aws, icebergTable);
                commitsMidway = worker.status().path("publish").path("commits").asLong();
                Thread.sleep(12_000);
            }
            awaitPublishedEverything(worker, aws, table);
            JsonNode publish = worker.status().path("publish");
            long commitsBetween = publish.path("commits").asLong() - commitsMidway;
            int objectsAtEnd = warehouseObjects(aws, icebergTable);
            // Each commit writes at least a data file, a manifest list and a metadata file: kept, they would grow the
            // warehouse by three objects a commit at least.
            assertThat(commitsBetween).as("commits in the second 12 s of churn").isGreaterThan(5);
            assertThat(objectsAtEnd - objectsMidway)
                    .as("objects added in the second 12 s of churn (" + objectsMidway + " -> " + objectsAtEnd + ") for "
                            + commitsBetween + " commits")
                    .isLessThan((int) commitsBetween);
            assertThat(publish.path("rewrites").asLong())
                    .as("rewrites folding deletes in")
                    .isPositive();
            assertThat(publish.path("snapshotsExpired").asLong())
                    .as("snapshots expired")
                    .isPositive();

            String namespace = icebergTable.substring(0, icebergTable.indexOf('.'));
            long snapshots = iceberg.trino()
                    .query("SELECT count(*) FROM iceberg." + namespace + ".\"orders$snapshots\"")
                    .get(0)
                    .get(0)
                    .asLong();
            assertThat(snapshots)
                    .as("snapshots kept, at one commit a second and five seconds kept")
                    .isLessThan(20);
            long liveFiles = iceberg.trino()
                    .query("SELECT count(*) FROM iceberg." + namespace + ".\"orders$files\"")
                    .get(0)
                    .get(0)
                    .asLong();
            // Two dozen commits of deltas alone would leave some fifty files: rewrites fold them into one data file.
            assertThat(liveFiles)
                    .as("data and delete files of the current snapshot")
                    .isLessThan(20);
            assertTrinoSeesTheTable(iceberg, icebergTable, table);
        }
    }

    @Test
    void aCatalogOutageNeverStopsTheReplicaAndPublishingCatchesUpWhenItReturns(LocalIceberg iceberg, @TempDir Path data)
            throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 100);
        // A catalog database that does not exist yet: every connection is refused until it is made.
        String database = LocalAws.uniqueName("later").replace('-', '_');
        Map<String, Object> settings = publishing(iceberg, data, table, icebergTable());
        @SuppressWarnings("unchecked")
        Map<String, Object> publishingSettings = new LinkedHashMap<>((Map<String, Object>) settings.get("iceberg"));
        publishingSettings.put(
                "catalogUri",
                iceberg.catalogUri().replace("/iceberg_catalog", "/" + database) + "?user=" + iceberg.catalogUser());
        settings.put("iceberg", publishingSettings);

        try (WorkerProcess worker = WorkerProcess.start(settings, data, "outage")) {
            JsonNode failing = await(
                    worker,
                    s -> "Streaming".equals(s.path("phase").asText())
                            && !s.path("publish").path("error").isMissingNode(),
                    Duration.ofSeconds(120));
            assertThat(failing.path("publish").path("error").path("message").asText())
                    .contains("the replica keeps serving");
            put(aws, table, SampleItems.item(1000));
            await(worker, s -> s.path("store").path("documents").asLong() == 101, Duration.ofSeconds(60));

            iceberg.postgres().execute("CREATE DATABASE " + database);
            JsonNode recovered = await(
                    worker,
                    s -> !s.path("publish").path("snapshotId").isMissingNode()
                            && s.path("publish").path("error").isMissingNode(),
                    Duration.ofSeconds(60));
            assertThat(recovered.path("publish").path("commits").asLong()).isPositive();
        }
    }

    private static void put(LocalAws aws, String table, Map<String, AttributeValue> item) {
        aws.dynamoDb().putItem(b -> b.tableName(table).item(item));
    }

    /** The last line of a worker's log about a commit: "committing ..." when it was killed during one. */
    private static String lastPublishLine(Path log) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log).stream()
                .filter(l -> l.contains("committing") || l.contains("published"))
                .toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Test
    void killsBetweenAndDuringCommitsLeaveTrinoSeeingTheTableWithNoIdTwice(LocalIceberg iceberg, @TempDir Path data)
            throws Exception {
        LocalAws aws = iceberg.aws();
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);
        String icebergTable = icebergTable();
        Map<String, Object> settings = publishing(iceberg, data, table, icebergTable);

        WorkerProcess worker = WorkerProcess.start(settings, data, "run-0");
        try {
            await(worker, s -> !s.path("publish").path("snapshotId").isMissingNode(), Duration.ofSeconds(120));
            int kills = 0;
            int duringCommit = 0;
            try (RandomWorkload workload = RandomWorkload.start(aws.dynamoDb(), table, 400, 20)) {
                // Three kills at random moments, mostly between commits; then kills aimed at a commit in flight:
                // the log's last publishing line is the commit begun, not yet done, at the moment of the kill.
                while (kills < 3 || duringCommit == 0 && kills < 12) {
                    Path log = data.resolve("run-" + kills + ".log");
                    if (kills < 3) {
                        Thread.sleep(ThreadLocalRandom.current().nextLong(1_500, 5_000));
                    } else {
                        Awaitility.await()
                                .atMost(Duration.ofSeconds(60))
                                .pollInterval(Duration.ofMillis(5))
                                .until(() -> lastPublishLine(log).contains("committing"));
                    }
                    worker.kill();
                    if (lastPublishLine(log).contains("committing")) {
                        duringCommit++;
                    }
                    kills++;
                    worker = WorkerProcess.start(settings, data, "run-" + kills);
                    await(worker, s -> "Streaming".equals(s.path("phase").asText()), Duration.ofSeconds(120));
                }
            }
            assertThat(duringCommit)
                    .as("kills that landed during a commit, of " + kills)
                    .isPositive();
            awaitPublishedEverything(worker, aws, table);
            assertTrinoSeesTheTable(iceberg, icebergTable, table);
        } finally {
            worker.close();
        }
    }
}
