package io.dynamosync.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    @TempDir
    Path directory;

    private Settings load(String text) throws Exception {
        Path file = directory.resolve("settings");
        Files.writeString(file, text);
        return Settings.load(file);
    }

    @Test
    void yamlWithOnlyTheRequiredSettingsGetsEveryDefault() throws Exception {
        Settings settings = load("collection: orders\ntable: Orders\nregion: eu-west-1\n");

        assertThat(settings.loadMethod()).isEqualTo("Auto");
        assertThat(settings.dataDirectory()).isEqualTo(Path.of("/data"));
        assertThat(settings.httpPort()).isEqualTo(8080);
        // 5 GB, as the operator and the CRD say, not 5 GiB.
        assertThat(settings.exportThresholdBytes()).isEqualTo(5_000_000_000L);
        assertThat(settings.credentials().source()).isEqualTo("Default");
        assertThat(settings.streamRetentionHours()).isEqualTo(24);
        assertThat(settings.followStream()).isTrue();
        assertThat(settings.failOnStreamGap()).isFalse();
        assertThat(settings.loadGeneration()).isEqualTo(1);
        assertThat(settings.exportPrefix()).isEqualTo("dynamo-sync/orders");
    }

    @Test
    void icebergSettingsAreCheckedAndGetTheirDefaults() throws Exception {
        String base = "collection: o\ntable: T1x\nregion: us-east-1\n";
        Settings settings = load(
                base
                        + "iceberg:\n  catalogUri: jdbc:postgresql://db/iceberg\n  warehouse: s3://lake/w\n  table: sales.orders\n");

        assertThat(settings.iceberg().catalogType()).isEqualTo("Jdbc");
        assertThat(settings.iceberg().catalogName()).isEqualTo("dynamosync");
        assertThat(settings.iceberg().commitIntervalOrDefault()).isEqualTo(60);
        assertThat(load(base).iceberg()).isNull();
        assertThatThrownBy(() ->
                        load(base + "iceberg:\n  catalogUri: jdbc:x\n  warehouse: s3://lake/w\n  table: Orders\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("iceberg.table");
        assertThatThrownBy(() ->
                        load(base + "iceberg:\n  catalogUri: jdbc:x\n  warehouse: /tmp/w\n  table: sales.orders\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("iceberg.warehouse");
    }

    @Test
    void jsonAsTheOperatorWritesItIsRead() throws Exception {
        Settings settings =
                load("{\"collection\":\"orders\",\"table\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Orders\","
                        + "\"region\":\"us-east-1\",\"load\":{\"method\":\"Scan\",\"readCapacityUnits\":250,\"scanSegments\":8},"
                        + "\"credentials\":{\"source\":\"AssumeRole\",\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"externalId\":\"x\"},"
                        + "\"s3\":{\"bucket\":\"exports-b\",\"prefix\":\"p/\"}}");

        assertThat(settings.tableName()).isEqualTo("Orders");
        assertThat(settings.readCapacityUnits()).isEqualTo(250.0);
        assertThat(settings.scanSegments()).isEqualTo(8);
        assertThat(settings.exportPrefix()).isEqualTo("p");
    }

    @Test
    void aSnapshotCollectionThatFailsOnGapsIsRead() throws Exception {
        Settings settings =
                load("collection: o\ntable: T1x\nregion: us-east-1\nstream: {follow: false, onGap: Fail}\n");

        assertThat(settings.followStream()).isFalse();
        assertThat(settings.failOnStreamGap()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "table: T1x\\nregion: us-east-1                               | setting 'collection' is required",
                "collection: Orders\\ntable: T1x\\nregion: us-east-1            | must be a Kubernetes name",
                "collection: o\\nregion: us-east-1                                 | setting 'table' is required",
                "collection: o\\ntable: a\\nregion: us-east-1                   | neither a table name",
                "collection: o\\ntable: T1x\\n                            | setting 'region' is required",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {method: Copy}            | load.method must be one of Auto, Scan, Export, was 'Copy'",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {readCapacityPercent: 150} | load.readCapacityPercent must be 1 to 100, was 150",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {readCapacityUnits: 0}     | load.readCapacityUnits must be more than 0",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {readCapacityUnits: 5, readCapacityPercent: 5} | not both",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {method: Export}          | needs s3.bucket",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {scanSegments: 0}         | load.scanSegments must be 1 to 1000000",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\ncredentials: {source: AssumeRole} | credentials.roleArn is required",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\ntabel: oops                     | unknown setting 'tabel'",
                "collection: [o\\n                                            | is not valid YAML",
                "collection: o\\ntable: T1x\\nregion: not a region!         | region must be an AWS region such as us-east-1, was 'not a region!'",
                "collection: o\\ntable: T1x\\nregion: US-EAST-1             | region must be an AWS region",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nendpoints: {dynamodb: localhost} | endpoints.dynamodb must be an http or https URL",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nendpoints: {s3: http://} | endpoints.s3 must be an http or https URL",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\ncredentials: {source: AssumeRole, roleArn: admin} | credentials.roleArn must be an IAM role ARN",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\ns3: {bucket: My_Bucket}     | s3.bucket must be an S3 bucket name",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nload: {exportThresholdBytes: -1} | load.exportThresholdBytes must be 0 or more",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nhttp: {queryTimeoutSeconds: 0} | http.queryTimeoutSeconds must be 1 or more",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nhttp: {queryMaxRows: 0}     | http.queryMaxRows must be 1 or more",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nhttp: {port: 70000}         | http.port must be 0 to 65535",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nstream: {retentionHours: 0} | stream.retentionHours must be more than 0",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nstream: {onGap: Skip}      | stream.onGap must be Reload or Fail, was 'Skip'",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nloadGeneration: 0            | loadGeneration must be 1 or more",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nretention: 30 days          | retention must be a whole number of seconds, minutes, hours or days such as 30d or 12h, was '30 days'",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nretention: 0d               | retention must be a whole number",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nduckdb: {memoryLimit: lots}  | duckdb.memoryLimit must be a size such as 2Gi",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nduckdb: {memoryLimit: 1Mi}   | duckdb.memoryLimit must be at least 64Mi",
                "collection: o\\ntable: T1x\\nregion: us-east-1\\nduckdb: {threads: 0}         | duckdb.threads must be 1 to 1024",
            })
    void aBadSettingIsNamedInOneLine(String text, String message) {
        assertThatThrownBy(() -> load(text.replace("\\n", "\n")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(message.strip())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void retentionIsReadInItsUnitAndAbsentKeepsDocumentsForGood() throws Exception {
        assertThat(load("collection: o\ntable: T1x\nregion: us-east-1\nretention: 12h\n")
                        .retentionPeriod())
                .isEqualTo(Duration.ofHours(12));
        assertThat(load("collection: o\ntable: T1x\nregion: us-east-1\nretention: 90s\n")
                        .retention())
                .isEqualTo("90s");
        assertThat(load("collection: o\ntable: T1x\nregion: us-east-1\n").retentionPeriod())
                .isNull();
    }

    @ParameterizedTest
    @CsvSource({"us-east-1", "us-gov-west-1", "cn-northwest-1", "ap-southeast-4", "il-central-1", "us-isob-east-1"})
    void everyRegionShapeAwsUsesIsTaken(String region) throws Exception {
        assertThat(load("collection: o\ntable: T1x\nregion: " + region + "\n").region())
                .isEqualTo(region);
    }

    @ParameterizedTest
    @CsvSource({
        "2Gi, 2147483648",
        "1536Mi, 1610612736",
        "512MB, 512000000",
        "2GiB, 2147483648",
        "1G, 1000000000",
        "70000000, 70000000"
    })
    void duckdbMemoryIsReadInKubernetesAndDuckDbUnits(String size, long bytes) throws Exception {
        Settings settings =
                load("collection: o\ntable: T1x\nregion: us-east-1\nduckdb: {memoryLimit: " + size + ", threads: 3}\n");

        assertThat(settings.duckdbMemoryLimitBytes()).isEqualTo(bytes);
        assertThat(settings.duckdbThreads()).isEqualTo(3);
    }

    @Test
    void duckdbLimitsDefaultFromTheContainerLeavingTheHeapAlone() throws Exception {
        Settings settings = load("collection: o\ntable: T1x\nregion: us-east-1\n");
        DuckDbLimits limits = DuckDbLimits.of(settings);

        assertThat(limits.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(limits.memoryBytes())
                .isEqualTo(DuckDbLimits.forContainer(
                        DuckDbLimits.containerMemory(), Runtime.getRuntime().maxMemory()));
        // A 2 GiB container whose JVM may take 512 MiB of heap leaves DuckDB 1.125 GiB.
        assertThat(DuckDbLimits.forContainer(2048L << 20, 512L << 20)).isEqualTo(1152L << 20);
        assertThat(DuckDbLimits.forContainer(256L << 20, 256L << 20)).isEqualTo(DuckDbLimits.MIN_MEMORY);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> Settings.load(directory.resolve("nope.yaml")))
                .hasMessage("settings file " + directory.resolve("nope.yaml") + " does not exist");
    }
}
