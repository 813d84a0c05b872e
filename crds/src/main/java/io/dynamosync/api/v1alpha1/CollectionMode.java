package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a DynamoCollection follows its table after the initial load. */
public enum CollectionMode {
    /** Load the table, then apply every change from its stream, within a second. */
    @JsonProperty("Streaming")
    STREAMING,
    /**
     * Load the table once and keep that copy: no stream is needed or read (tables without one, one-off
     * analysis). Switching to Streaming loads the table again, since the changes made since are not in any stream.
     */
    @JsonProperty("Snapshot")
    SNAPSHOT
}
