package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Something the worker reports having done or refused: a re-bootstrap, or an item the store did not take. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerEvent {

    @JsonPropertyDescription("When it happened (RFC 3339).")
    private String at;

    @JsonPropertyDescription("The refused item's key attributes, as the worker names them; absent for a re-bootstrap.")
    private String key;

    @JsonPropertyDescription("Why, as the worker says it.")
    private String reason;

    /** An empty event, for Jackson. */
    public WorkerEvent() {}

    /** An event at {@code at}, about {@code key} (or null), for {@code reason}. */
    public WorkerEvent(String at, String key, String reason) {
        this.at = at;
        this.key = key;
        this.reason = reason;
    }

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof WorkerEvent that
                        && Objects.equals(at, that.at)
                        && Objects.equals(key, that.key)
                        && Objects.equals(reason, that.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, key, reason);
    }

    @Override
    public String toString() {
        return "WorkerEvent{at=" + at + ", key=" + key + ", reason=" + reason + "}";
    }
}
