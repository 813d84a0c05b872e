package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * One aspect of a resource's current state, shaped as Kubernetes' own {@code metav1.Condition} so that
 * {@code kubectl wait}, kstatus, Argo CD and Flux read it without plugins.
 *
 * <p>The types and reasons this API uses, and when each holds, are listed in {@link Conditions}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "status", "reason", "message", "lastTransitionTime", "observedGeneration"})
public class Condition {

    @Required
    @JsonPropertyDescription("Type of the condition, a PascalCase word such as Ready.")
    private String type;

    @Required
    @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("Status of the condition: True, False or Unknown.")
    private String status;

    @JsonPropertyDescription("Why the condition has this status, as one CamelCase word a program can match on.")
    private String reason;

    @JsonPropertyDescription("Why the condition has this status, as a sentence a person can act on.")
    private String message;

    @JsonPropertyDescription(
            "When the status last changed from one value to another (RFC 3339, in seconds). A change of reason "
                    + "or message alone keeps it.")
    private String lastTransitionTime;

    @JsonPropertyDescription(
            "The metadata.generation of the resource this condition was computed from; older than the resource's "
                    + "generation means the condition may be stale.")
    private Long observedGeneration;

    /** An empty condition, for Jackson. */
    public Condition() {}

    /** A condition without a transition time; {@link Status#setCondition} fills that in. */
    public Condition(String type, String status, String reason, String message, Long observedGeneration) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.observedGeneration = observedGeneration;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Condition)) {
            return false;
        }
        Condition that = (Condition) o;
        return Objects.equals(type, that.type)
                && Objects.equals(status, that.status)
                && Objects.equals(reason, that.reason)
                && Objects.equals(message, that.message)
                && Objects.equals(lastTransitionTime, that.lastTransitionTime)
                && Objects.equals(observedGeneration, that.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
    }

    @Override
    public String toString() {
        return "Condition{type=" + type + ", status=" + status + ", reason=" + reason + ", message=" + message
                + ", lastTransitionTime=" + lastTransitionTime + ", observedGeneration=" + observedGeneration + "}";
    }
}
