package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a DynamoCollection's initial load reads the table. */
public enum LoadMethod {
    /** Scan below the operator's size threshold (5 GB by default), Export above it. */
    @JsonProperty("Auto")
    AUTO,
    /** Export the table to S3 at a point in time and ingest the files; consumes no read capacity. */
    @JsonProperty("Export")
    EXPORT,
    /** Scan the table in parallel segments under the read capacity cap. */
    @JsonProperty("Scan")
    SCAN
}
