package io.dynamosync.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(settings.loadGeneration()).isEqualTo(1);
        assertThat(settings.exportPrefix()).isEqualTo("dynamo-sync/orders");
    }

    @Test
    void jsonAsTheOperatorWritesItIsRead() throws Exception {
        Settings settings = load("{\"collection\":\"orders\",\"table\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Orders\","
                + "\"region\":\"us-east-1\",\"load\":{\"method\":\"Scan\",\"readCapacityUnits\":250,\"scanSegments\":8},"
                + "\"credentials\":{\"source\":\"AssumeRole\",\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"externalId\":\"x\"},"
                + "\"s3\":{\"bucket\":\"b\",\"prefix\":\"p/\"}}");

        assertThat(settings.tableName()).isEqualTo("Orders");
        assertThat(settings.readCapacityUnits()).isEqualTo(250.0);
        assertThat(settings.scanSegments()).isEqualTo(8);
        assertThat(settings.exportPrefix()).isEqualTo("p");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "table: T1x\\nregion: r                                 | setting 'collection' is required",
        "collection: Orders\\ntable: T1x\\nregion: r              | must be a Kubernetes name",
        "collection: o\\nregion: r                                   | setting 'table' is required",
        "collection: o\\ntable: a\\nregion: r                     | neither a table name",
        "collection: o\\ntable: T1x\\n                            | setting 'region' is required",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {method: Copy}            | load.method must be one of Auto, Scan, Export, was 'Copy'",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {readCapacityPercent: 150} | load.readCapacityPercent must be 1 to 100, was 150",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {readCapacityUnits: 0}     | load.readCapacityUnits must be more than 0",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {readCapacityUnits: 5, readCapacityPercent: 5} | not both",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {method: Export}          | needs s3.bucket",
        "collection: o\\ntable: T1x\\nregion: r\\nload: {scanSegments: 0}         | load.scanSegments must be 1 to 1000000",
        "collection: o\\ntable: T1x\\nregion: r\\ncredentials: {source: AssumeRole} | credentials.roleArn is required",
        "collection: o\\ntable: T1x\\nregion: r\\ntabel: oops                     | unknown setting 'tabel'",
        "collection: [o\\n                                            | is not valid YAML",
    })
    void aBadSettingIsNamedInOneLine(String text, String message) {
        assertThatThrownBy(() -> load(text.replace("\\n", "\n")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(message.strip())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> Settings.load(directory.resolve("nope.yaml")))
                .hasMessage("settings file " + directory.resolve("nope.yaml") + " does not exist");
    }
}
