package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.load.InitialLoad;
import io.dynamosync.worker.load.LoadException;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.load.TableInfo;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The initial load, in process, against the test kit: every item arrives exactly as the table holds it. */
@ExtendWith(LocalAwsExtension.class)
class InitialLoadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ITEMS = 50_000;
    private static String table;

    @BeforeAll
    static void fillTable(LocalAws aws) throws Exception {
        // The worker reads credentials from the SDK's default chain, as in a pod.
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        table = SampleItems.createFilledTable(aws.dynamoDb(), null, ITEMS);
    }

    static Settings settings(Map<String, Object> raw) {
        return Settings.of(JSON.convertValue(raw, WorkerSettings.class));
    }

    private static LoadProgress load(Settings settings) throws InterruptedException {
        LoadProgress progress = new LoadProgress();
        try (AwsClients clients = new AwsClients(settings);
                Store store = Store.open(
                        settings.dataDirectory(),
                        settings.collection(),
                        Transformation.of(settings.ingestTransformation()))) {
            TableInfo info = TableInfo.describe(clients.dynamoDb(), settings.tableName());
            new InitialLoad(settings, clients.dynamoDb(), clients.s3(), store, progress).run(info);
        }
        return progress;
    }

    @Test
    void scanLoadsFiftyThousandItemsOfEveryTypeExactly(LocalAws aws, @TempDir Path data) throws Exception {
        Settings settings = settings(WorkerSettingsFor.settings(
                aws, table, data, Map.of("method", "Scan", "readCapacityUnits", 1_000_000, "scanSegments", 4)));

        LoadProgress progress = load(settings);

        assertThat(progress.isComplete()).isTrue();
        assertThat(progress.itemsLoaded()).isEqualTo(ITEMS);
        var tableInfo = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, tableInfo.itemId()));
    }

    @Test
    void exportLoadsFiftyThousandItemsOfEveryTypeExactlyAndCleansUp(LocalAws aws, @TempDir Path data) throws Exception {
        String bucket = LocalAws.uniqueName("exports").toLowerCase();
        aws.s3().createBucket(b -> b.bucket(bucket));
        Settings settings = settings(WorkerSettingsFor.withBucket(
                WorkerSettingsFor.settings(
                        aws,
                        table,
                        data,
                        Map.of("method", "Export", "enablePointInTimeRecovery", true, "cleanupExport", true)),
                bucket));

        LoadProgress progress = load(settings);

        assertThat(progress.isComplete()).isTrue();
        assertThat(progress.itemsLoaded()).isEqualTo(ITEMS);
        assertThat(progress.snapshot().exportArn()).contains("/export/");
        var tableInfo = TableInfo.describe(aws.dynamoDb(), table);
        StoreContents.assertSame(
                StoreContents.store(data.resolve("store.duckdb"), "orders"),
                StoreContents.table(aws.dynamoDb(), table, tableInfo.itemId()));
        assertThat(aws.s3()
                        .listObjectsV2(b -> b.bucket(bucket).prefix("exports/AWSDynamoDB/"))
                        .contents())
                .as("export files deleted after the load committed")
                .isEmpty();
    }

    @Test
    void exportRefusesToRunWhilePointInTimeRecoveryIsOffAndNotAllowedOn(LocalAws aws, @TempDir Path data) {
        String small = SampleItems.createTable(aws.dynamoDb(), null);
        Settings settings = settings(WorkerSettingsFor.withBucket(
                WorkerSettingsFor.settings(aws, small, data, Map.of("method", "Export")), "any-bucket"));

        assertThatThrownBy(() -> load(settings))
                .isInstanceOfSatisfying(
                        LoadException.class, e -> assertThat(e.reason()).isEqualTo("PointInTimeRecoveryDisabled"))
                .hasMessageContaining("update-continuous-backups --table-name " + small);
    }

    @Test
    void autoScansASmallTableAndExportsALargeOne(LocalAws aws, @TempDir Path data) throws Exception {
        String small = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), small, 0, 100);
        Settings auto = settings(WorkerSettingsFor.settings(aws, small, data.resolve("a"), Map.of("method", "Auto")));
        assertThat(load(auto).method()).isEqualTo("Scan");

        String bucket = LocalAws.uniqueName("exports").toLowerCase();
        aws.s3().createBucket(b -> b.bucket(bucket));
        Settings lowThreshold = settings(WorkerSettingsFor.withBucket(
                WorkerSettingsFor.settings(
                        aws,
                        small,
                        data.resolve("b"),
                        Map.of("method", "Auto", "exportThresholdBytes", 1, "enablePointInTimeRecovery", true)),
                bucket));
        LoadProgress exported = load(lowThreshold);
        assertThat(exported.method()).isEqualTo("Export");
        assertThat(exported.itemsLoaded()).isEqualTo(100);
    }

    @Test
    void aPercentCapOnAnOnDemandTableIsRefusedWithAClearMessage(LocalAws aws, @TempDir Path data) {
        String onDemand = SampleItems.createTable(aws.dynamoDb(), null);
        Settings settings = settings(
                WorkerSettingsFor.settings(aws, onDemand, data, Map.of("method", "Scan", "readCapacityPercent", 50)));

        assertThatThrownBy(() -> load(settings))
                .isInstanceOfSatisfying(
                        LoadException.class, e -> assertThat(e.reason()).isEqualTo("ReadCapacityPercentOnDemand"))
                .hasMessageContaining("set readCapacity.units instead");
    }

    @Test
    void aDeniedScanIsExplainedWithTheActionToGrant(LocalAws aws, @TempDir Path data) throws Exception {
        String denied = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), denied, 0, 10);
        aws.faults().on("Scan").forTable(denied).error(AwsError.ACCESS_DENIED).always();
        Settings settings = settings(WorkerSettingsFor.settings(aws, denied, data, Map.of("method", "Scan")));

        assertThatThrownBy(() -> load(settings))
                .isInstanceOfSatisfying(
                        LoadException.class, e -> assertThat(e.reason()).isEqualTo("AccessDenied"))
                .hasMessageContaining("grant dynamodb:Scan");
    }
}
