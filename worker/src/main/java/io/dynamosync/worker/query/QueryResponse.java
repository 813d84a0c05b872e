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

    /** A result column: its name in each row object and its DuckDB type. */
    public record ColumnField(String name, String type) {
    }

    /** How long the query took, parsing and checking included. */
    public record Stats(@JsonProperty("elapsed_time_ms") long elapsedTimeMs) {
    }
}
