package io.dynamosync.worker.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One query parameter as the query API takes it: referenced as {@code :name} in the query,
 * with a declared type and its value written as a string (a JSON number or boolean is taken
 * too).
 *
 * <p>Types: {@code string}; {@code int} (64-bit); {@code float} (double); {@code decimal}
 * (exact where {@code DECIMAL(38, s)} holds it, else the nearest double, said to be approximate); {@code bool}; {@code date} ({@code 2024-05-31}); {@code time} ({@code 13:45:00});
 * {@code datetime} (a {@code TIMESTAMP} without zone, {@code 2024-05-31T13:45:00}); and
 * {@code timestamp} (a {@code TIMESTAMP WITH TIME ZONE}, {@code 2024-05-31T13:45:00Z}, or one
 * without zone when the value has none). A JSON {@code null} value binds SQL {@code NULL}.
 */
public record QueryParameter(String name, String type, JsonNode value) {

    /** The types a parameter may declare, for messages. */
    static final String TYPES = "string, int, float, decimal, bool, date, time, datetime, timestamp";

    /** The Java value that binds this parameter with its declared type; a 400 when the value does not fit. */
    Object bindValue() {
        if (type == null || type.isBlank()) {
            throw invalid("has no type; one of " + TYPES);
        }
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        String text = value.asText();
        String declared = type.toLowerCase(Locale.ROOT);
        try {
            return switch (declared) {
                case "string", "varchar", "text" -> text;
                case "int", "integer", "bigint", "long" -> Long.valueOf(text.strip());
                case "float", "double" -> Double.valueOf(text.strip());
                case "decimal", "number", "numeric" -> decimal(text.strip());
                case "bool", "boolean" -> bool(text.strip());
                case "date" -> LocalDate.parse(text.strip());
                case "time" -> LocalTime.parse(text.strip());
                case "datetime" -> LocalDateTime.parse(text.strip().replace(' ', 'T'));
                case "timestamp", "timestamptz" -> timestamp(text.strip().replace(' ', 'T'));
                default -> throw invalid("has type '" + type + "', which is none of " + TYPES);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid("of type " + declared + " cannot take the value '" + text + "'" + example(declared));
        }
    }

    /**
     * A decimal as DuckDB can bind it: a {@code DECIMAL} when 38 digits hold it (DuckDB's driver binds a
     * wider one as NULL, without a word), else the nearest {@code DOUBLE} (see {@link #approximate()}).
     */
    private Object decimal(String text) {
        BigDecimal decimal = new BigDecimal(text);
        if (fitsDecimal(decimal)) {
            // The driver refuses a negative scale (1E+5); the same number with scale 0 binds.
            return decimal.scale() < 0 ? decimal.setScale(0) : decimal;
        }
        double nearest = Double.parseDouble(text);
        if (!Double.isFinite(nearest)) {
            throw invalid(
                    "of type decimal cannot take the value '" + text + "': it is beyond any number DynamoDB holds "
                            + "(1E-130 to 9.9999999999999999999999999999999999999E+125)");
        }
        return nearest;
    }

    private static boolean fitsDecimal(BigDecimal decimal) {
        BigDecimal unscaled = decimal.scale() < 0 ? decimal.setScale(0) : decimal;
        return unscaled.precision() <= 38 && unscaled.scale() <= 38;
    }

    /**
     * Whether this {@code decimal} parameter binds as a {@code DOUBLE}, since no {@code DECIMAL(38, s)} holds
     * its digits (1E-130, 9.99E+125): what is compared with it is approximate.
     */
    boolean approximate() {
        if (type == null || value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        String declared = type.toLowerCase(Locale.ROOT);
        if (!declared.equals("decimal") && !declared.equals("number") && !declared.equals("numeric")) {
            return false;
        }
        try {
            return !fitsDecimal(new BigDecimal(value.asText().strip()));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private Boolean bool(String text) {
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new NumberFormatException(text);
    }

    private static Object timestamp(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException noZone) {
            return LocalDateTime.parse(text);
        }
    }

    private static String example(String type) {
        return switch (type) {
            case "date" -> " (expected e.g. 2024-05-31)";
            case "time" -> " (expected e.g. 13:45:00)";
            case "datetime" -> " (expected e.g. 2024-05-31T13:45:00)";
            case "timestamp", "timestamptz" -> " (expected e.g. 2024-05-31T13:45:00Z)";
            case "bool", "boolean" -> " (expected true or false)";
            default -> "";
        };
    }

    private QueryFailure invalid(String what) {
        return QueryFailure.badRequest(QueryFailure.INVALID_INPUT, "parameter :" + name + " " + what);
    }
}
