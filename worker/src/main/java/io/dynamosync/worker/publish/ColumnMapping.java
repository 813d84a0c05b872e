package io.dynamosync.worker.publish;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * How a column of the replica becomes a column of the Iceberg table: its Iceberg type, and the SQL that reads it
 * from DuckDB in the physical shape Iceberg's Parquet mapping expects. Every DynamoDB value keeps every digit.
 *
 * <table>
 *   <tr><th>replica (DuckDB)</th><th>Iceberg</th><th>why</th></tr>
 *   <tr><td>VARCHAR</td><td>string</td><td></td></tr>
 *   <tr><td>BOOLEAN</td><td>boolean</td><td></td></tr>
 *   <tr><td>TINYINT to BIGINT, UTINYINT to UINTEGER</td><td>long</td><td>one integer type, so a column that widens
 *       stays the same Iceberg type</td></tr>
 *   <tr><td>UBIGINT, HUGEINT</td><td>decimal(38, 0)</td><td>beyond long; 38 digits is DynamoDB's precision</td></tr>
 *   <tr><td>DECIMAL(p, s)</td><td>decimal(p, s)</td><td>exact, as DynamoDB numbers are</td></tr>
 *   <tr><td>FLOAT, DOUBLE</td><td>double</td><td>the replica's {@code x__exact} text column, published beside it,
 *       keeps the digits a double cannot</td></tr>
 *   <tr><td>BLOB</td><td>binary</td><td></td></tr>
 *   <tr><td>TIMESTAMP WITH TIME ZONE</td><td>timestamptz</td><td>{@code _event_time}</td></tr>
 *   <tr><td>JSON (maps, mixed types)</td><td>string (JSON text)</td><td>a map's keys vary from item to item, which
 *       a struct cannot follow without a schema change per new key; every engine parses JSON text</td></tr>
 *   <tr><td>lists ({@code X[]}, sets)</td><td>string (JSON text)</td><td>as the replica's JSON; one shape for every
 *       nested value</td></tr>
 * </table>
 */
record ColumnMapping(Type type, String select) {

    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

    /** The mapping of column {@code quoted} (an SQL identifier, quoted) of DuckDB type {@code duckdbType}. */
    static ColumnMapping of(String duckdbType, String quoted) {
        String type = duckdbType.toUpperCase(Locale.ROOT).strip();
        if (type.endsWith("[]")) {
            return new ColumnMapping(Types.StringType.get(), "CAST(to_json(" + quoted + ") AS VARCHAR)");
        }
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            return new ColumnMapping(
                    Types.DecimalType.of(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2))),
                    quoted);
        }
        return switch (type) {
            case "VARCHAR" -> new ColumnMapping(Types.StringType.get(), quoted);
            case "BOOLEAN" -> new ColumnMapping(Types.BooleanType.get(), quoted);
            case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER" ->
                new ColumnMapping(Types.LongType.get(), "CAST(" + quoted + " AS BIGINT)");
            case "UBIGINT", "HUGEINT" ->
                new ColumnMapping(Types.DecimalType.of(38, 0), "CAST(" + quoted + " AS DECIMAL(38, 0))");
            case "FLOAT", "DOUBLE" -> new ColumnMapping(Types.DoubleType.get(), "CAST(" + quoted + " AS DOUBLE)");
            case "BLOB" -> new ColumnMapping(Types.BinaryType.get(), quoted);
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> new ColumnMapping(Types.TimestampType.withZone(), quoted);
            default -> new ColumnMapping(Types.StringType.get(), "CAST(" + quoted + " AS VARCHAR)");
        };
    }

    /**
     * Whether Iceberg can change a column of type {@code from} to {@code to} in place (int to long, float to double, a
     * decimal to a wider one of the same scale); any other change replaces the column and rewrites the table.
     */
    static boolean promotable(Type from, Type to) {
        if (from.equals(to)) {
            return true;
        }
        if (from instanceof Types.DecimalType a && to instanceof Types.DecimalType b) {
            return a.scale() == b.scale() && b.precision() >= a.precision();
        }
        return from.typeId() == Type.TypeID.INTEGER && to.typeId() == Type.TypeID.LONG
                || from.typeId() == Type.TypeID.FLOAT && to.typeId() == Type.TypeID.DOUBLE;
    }
}
