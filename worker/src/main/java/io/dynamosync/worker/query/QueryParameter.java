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
 * (exact); {@code bool}; {@code date} ({@code 2024-05-31}); {@code time} ({@code 13:45:00});
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
                case "decimal", "number", "numeric" -> new BigDecimal(text.strip());
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
