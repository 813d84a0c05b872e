package io.dynamosync.worker.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A completed query as the hosted service's API answers it: the rows as JSON objects, each
 * column's name and DuckDB type, the row count, the time taken, and warnings (set only when the
 * row limit cut the results short).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryResponse(
        @JsonProperty("query_id") String queryId,
        List<String> collections,
        List<ObjectNode> results,
        @JsonProperty("column_fields") List<ColumnField> columnFields,
        @JsonProperty("results_total_doc_count") long resultsTotalDocCount,
        Stats stats,
        List<String> warnings,
        String status) {

    /**
     * A result column: its name in each row object, its DuckDB type, and {@code approximate: true}
     * when its values are floating-point results (a {@code DOUBLE} or {@code FLOAT} computed, or a
     * stored number that could not be shown with its exact digits); absent when they are exact.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColumnField(String name, String type, Boolean approximate) {
        public ColumnField(String name, String type) {
            this(name, type, null);
        }
    }

    /** How long the query took, parsing and checking included. */
    public record Stats(@JsonProperty("elapsed_time_ms") long elapsedTimeMs) {}
}
