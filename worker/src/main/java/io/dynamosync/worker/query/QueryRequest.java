package io.dynamosync.worker.query;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A query as the hosted service's API takes it:
 * {@code {"sql": {"query": "...", "parameters": [...], "default_row_limit": 100}}}. Fields this
 * worker does not use (pagination, for one) are ignored, so existing clients work unchanged.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueryRequest(Sql sql) {

    /** The query text, its parameters, and the most rows to return. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sql(
            String query,
            List<QueryParameter> parameters,
            @JsonProperty("default_row_limit") Integer defaultRowLimit) {}
}
