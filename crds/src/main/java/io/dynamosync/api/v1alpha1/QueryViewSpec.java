package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A view's SQL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryViewSpec {

    @JsonPropertyDescription("What the view is for.")
    private String description;

    @Required
    @JsonPropertyDescription("One SELECT over collections (workspace.collection) or other views; no parameters.")
    private String sql;

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getSql() {
        return sql;
    }

    public void setSql(String sql) {
        this.sql = sql;
    }
}
