package io.dynamosync.worker.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ColumnMappingTest {

    @Test
    void mapsEveryReplicaTypeToAnIcebergTypeThatKeepsEveryDigit() {
        assertThat(ColumnMapping.of("VARCHAR", "\"a\"").type()).isEqualTo(Types.StringType.get());
        assertThat(ColumnMapping.of("INTEGER", "\"a\"").type()).isEqualTo(Types.LongType.get());
        assertThat(ColumnMapping.of("HUGEINT", "\"a\"").type()).isEqualTo(Types.DecimalType.of(38, 0));
        assertThat(ColumnMapping.of("DECIMAL(38,2)", "\"a\"").type()).isEqualTo(Types.DecimalType.of(38, 2));
        assertThat(ColumnMapping.of("DOUBLE", "\"a\"").type()).isEqualTo(Types.DoubleType.get());
        assertThat(ColumnMapping.of("BLOB", "\"a\"").type()).isEqualTo(Types.BinaryType.get());
        assertThat(ColumnMapping.of("TIMESTAMP WITH TIME ZONE", "\"a\"").type())
                .isEqualTo(Types.TimestampType.withZone());
        assertThat(ColumnMapping.of("JSON", "\"a\"").select()).isEqualTo("CAST(\"a\" AS VARCHAR)");
        assertThat(ColumnMapping.of("VARCHAR[]", "\"a\"").select()).isEqualTo("CAST(to_json(\"a\") AS VARCHAR)");
    }

    @Test
    void promotesOnlyWhatIcebergPromotesInPlace() {
        assertThat(ColumnMapping.promotable(Types.DecimalType.of(10, 2), Types.DecimalType.of(38, 2)))
                .isTrue();
        assertThat(ColumnMapping.promotable(Types.DecimalType.of(10, 2), Types.DecimalType.of(38, 3)))
                .isFalse();
        assertThat(ColumnMapping.promotable(Types.LongType.get(), Types.StringType.get()))
                .isFalse();
        assertThat(ColumnMapping.promotable(Types.LongType.get(), Types.LongType.get()))
                .isTrue();
    }
}
