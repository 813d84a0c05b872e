package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** One version of a query lambda: its SQL and the values its parameters take when a call gives none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryLambdaVersionSpec {

    @Required
    @Pattern("^[A-Za-z0-9_.-]{1,64}$")
    @JsonPropertyDescription("The version's name, for example \"1\" or \"2024-06-01\"; calls name it.")
    private String version;

    @JsonPropertyDescription("What changed in this version.")
    private String description;

    @Required
    @JsonPropertyDescription("The query, with :name for each parameter, naming collections as workspace.collection.")
    private String sql;

    @JsonPropertyDescription("Parameters' values when a call does not give them.")
    private List<QueryLambdaParameter> defaultParameters;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

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

    public List<QueryLambdaParameter> getDefaultParameters() {
        return defaultParameters;
    }

    public void setDefaultParameters(List<QueryLambdaParameter> defaultParameters) {
        this.defaultParameters = defaultParameters;
    }
}
