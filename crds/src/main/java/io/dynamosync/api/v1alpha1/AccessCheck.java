package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The result of probing one AWS permission a DynamoCollection needs, by calling the action it allows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccessCheck {

    @JsonPropertyDescription("IAM action probed, for example dynamodb:DescribeTable.")
    private String action;

    @JsonPropertyDescription("ARN of the resource the action was called on, where it has one.")
    private String resource;

    @JsonPropertyDescription("Whether AWS allowed the call.")
    private boolean granted;

    @JsonPropertyDescription("What was found; when denied, what to grant and where.")
    private String message;

    /** An empty result, for Jackson. */
    public AccessCheck() {}

    /** The result of one probe. */
    public AccessCheck(String action, String resource, boolean granted, String message) {
        this.action = action;
        this.resource = resource;
        this.granted = granted;
        this.message = message;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getResource() {
        return resource;
    }

    public void setResource(String resource) {
        this.resource = resource;
    }

    public boolean isGranted() {
        return granted;
    }

    public void setGranted(boolean granted) {
        this.granted = granted;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AccessCheck)) {
            return false;
        }
        AccessCheck that = (AccessCheck) o;
        return granted == that.granted
                && Objects.equals(action, that.action)
                && Objects.equals(resource, that.resource)
                && Objects.equals(message, that.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, resource, granted, message);
    }

    @Override
    public String toString() {
        return "AccessCheck{action=" + action + ", resource=" + resource + ", granted=" + granted + ", message="
                + message + "}";
    }
}
