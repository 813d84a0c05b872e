package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A DynamoCollection's reference to the DynamoIntegration, in its own namespace, that reaches its table. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IntegrationRef {

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the DynamoIntegration, in the collection's namespace.")
    private String name;

    /** An empty reference, for Jackson. */
    public IntegrationRef() {}

    /** A reference to the integration of this name. */
    public IntegrationRef(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof IntegrationRef && Objects.equals(name, ((IntegrationRef) o).name));
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "IntegrationRef{name=" + name + "}";
    }
}
