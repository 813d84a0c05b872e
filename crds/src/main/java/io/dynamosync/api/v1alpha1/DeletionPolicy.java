package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a DynamoCollection's volume and export files when the collection is deleted. */
public enum DeletionPolicy {
    /** Keep the volume and the export files, for a later collection or by hand. */
    @JsonProperty("Retain")
    RETAIN,
    /** Delete the volume and the export files with the collection. */
    @JsonProperty("Delete")
    DELETE
}
