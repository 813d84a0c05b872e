package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a DynamoCollection is in its life, for people and printer columns; programs should read conditions. */
public enum Phase {
    /** Accepted, not yet looked at. */
    @JsonProperty("Pending")
    PENDING,
    /** Checking the integration, the table, permissions and the stream. */
    @JsonProperty("Validating")
    VALIDATING,
    /** Initial load running as an S3 export. */
    @JsonProperty("Exporting")
    EXPORTING,
    /** Initial load running as a table scan. */
    @JsonProperty("Scanning")
    SCANNING,
    /** Initial load done; following the table's stream. */
    @JsonProperty("Streaming")
    STREAMING,
    /** A snapshot collection (mode Snapshot) whose load is complete; it follows no stream. */
    @JsonProperty("Loaded")
    LOADED,
    /** Stopped by a problem the conditions describe. */
    @JsonProperty("Error")
    ERROR
}
