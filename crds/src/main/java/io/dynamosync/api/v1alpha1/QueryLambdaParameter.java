package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A parameter's default value, typed as the query API's parameters are. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryLambdaParameter {

    @Required
    @JsonPropertyDescription("The parameter's name, :name in the SQL.")
    private String name;

    @Required
    @JsonPropertyDescription("Its type: string, int, float, decimal, bool, date, time, datetime or timestamp.")
    private String type;

    @Required
    @JsonPropertyDescription("Its value, as text.")
    private String value;

    public QueryLambdaParameter() {}

    public QueryLambdaParameter(String name, String type, String value) {
        this.name = name;
        this.type = type;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
