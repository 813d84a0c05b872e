package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a streaming collection does when its stream has a gap it cannot read past. */
public enum StreamGapPolicy {
    /** Load the table again, beside the served copy, which answers queries until the new one is complete. */
    @JsonProperty("Reload")
    RELOAD,
    /** Stop following, with the reason in the status, and keep serving the replica as it was before the gap. */
    @JsonProperty("Fail")
    FAIL
}
