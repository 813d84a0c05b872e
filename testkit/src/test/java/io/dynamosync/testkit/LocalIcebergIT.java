package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.testkit.iceberg.LocalIceberg;
import io.dynamosync.testkit.iceberg.LocalIcebergExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(LocalIcebergExtension.class)
class LocalIcebergIT {

    @Test
    void trinoWritesAndReadsAnIcebergTableInTheJdbcCatalogAndTheS3Warehouse(LocalIceberg iceberg) {
        String schema = LocalAws.uniqueName("kit").replace('-', '_');
        iceberg.trino().query("CREATE SCHEMA iceberg." + schema);
        iceberg.trino()
                .query("CREATE TABLE iceberg." + schema
                        + ".t (id varchar, n decimal(38, 0)) WITH (format_version = 2)");
        iceberg.trino()
                .query("INSERT INTO iceberg." + schema
                        + ".t VALUES ('a', DECIMAL '12345678901234567890123456789012345678'), ('b', 2)");

        var rows = iceberg.trino().query("SELECT id, CAST(n AS varchar) FROM iceberg." + schema + ".t ORDER BY id");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get(1).asText()).isEqualTo("12345678901234567890123456789012345678");
        List<S3Object> files = iceberg.aws()
                .s3()
                .listObjectsV2(b -> b.bucket(LocalIceberg.BUCKET).prefix("warehouse/" + schema))
                .contents();
        assertThat(files).anyMatch(o -> o.key().endsWith(".parquet"));
        assertThat(files).anyMatch(o -> o.key().endsWith(".metadata.json"));
    }
}
