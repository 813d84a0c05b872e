package io.dynamosync.front.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A query as the hosted service's API takes it: {@code {"sql": {"query": "...", "parameters": [...],
 * "default_row_limit": 100}}}; fields the front does not use yet are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueryRequest(Sql sql) {

    /** The request a body holds; {@code INVALIDINPUT}, saying the expected shape, when it holds none. */
    public static QueryRequest of(ObjectMapper json, ObjectNode body) {
        try {
            return json.treeToValue(body, QueryRequest.class);
        } catch (JsonProcessingException e) {
            throw ApiError.invalidInput("the body is not a query request: "
                    + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "; expected {\"sql\": {\"query\": \"...\", \"parameters\": [{\"name\", \"type\", \"value\"}]}}");
        }
    }

    /** An optional whole number of 0 or more among a body's options; null when absent, else {@code INVALIDINPUT}. */
    public static Integer wholeNumber(JsonNode parent, String field) {
        JsonNode value = parent.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || value.asInt() < 0) {
            throw ApiError.invalidInput(field + " must be a whole number of 0 or more, was " + value);
        }
        return value.asInt();
    }

    /** The query text, its parameters, and the most rows to return. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sql(
            String query,
            List<Parameter> parameters,
            @JsonProperty("default_row_limit") Integer defaultRowLimit) {}

    /**
     * One parameter, used as {@code :name} in the query, with its declared type and its value as a string. The
     * types are the worker's (string, int, float, decimal, bool, date, time, datetime, timestamp), so a parameter
     * means the same whether the worker or the front runs the query.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Parameter(String name, String type, JsonNode value) {

        /** The Java value that binds it with its declared type; {@code INVALIDINPUT} when the value does not fit. */
        public Object bindValue() {
            if (value == null || value.isNull() || value.isMissingNode()) {
                return null;
            }
            String text = value.asText().strip();
            String declared = type == null ? "" : type.toLowerCase(Locale.ROOT);
            try {
                return switch (declared) {
                    case "string", "varchar", "text" -> value.asText();
                    case "int", "integer", "bigint", "long" -> Long.valueOf(text);
                    case "float", "double" -> Double.valueOf(text);
                    case "decimal", "number", "numeric" -> new BigDecimal(text);
                    case "bool", "boolean" ->
                        switch (text.toLowerCase(Locale.ROOT)) {
                            case "true" -> Boolean.TRUE;
                            case "false" -> Boolean.FALSE;
                            default -> throw new NumberFormatException(text);
                        };
                    case "date" -> LocalDate.parse(text);
                    case "time" -> LocalTime.parse(text);
                    case "datetime" -> LocalDateTime.parse(text.replace(' ', 'T'));
                    case "timestamp", "timestamptz" -> OffsetDateTime.parse(text.replace(' ', 'T'));
                    default ->
                        throw ApiError.invalidInput(
                                "parameter :" + name + " has type '" + type
                                        + "', which is none of string, int, float, decimal, bool, date, time, datetime, timestamp");
                };
            } catch (NumberFormatException | DateTimeParseException e) {
                throw ApiError.invalidInput(
                        "parameter :" + name + " of type " + declared + " cannot take the value '" + text + "'");
            }
        }
    }
}
