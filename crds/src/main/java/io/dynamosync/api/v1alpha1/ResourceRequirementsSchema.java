package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * The schema the CRD gives {@code spec.resources}: Kubernetes' ResourceRequirements with descriptions for
 * kubectl explain, and without {@code claims}, which a worker has no use for. Never instantiated.
 */
final class ResourceRequirementsSchema {

    @JsonPropertyDescription("Most of each resource the worker may use, for example cpu: 2, memory: 4Gi.")
    public Map<String, Quantity> limits;

    @JsonPropertyDescription(
            "Resources reserved for the worker, for example cpu: 500m, memory: 1Gi. The store's cache grows with "
                    + "memory, so a larger table queries faster with more.")
    public Map<String, Quantity> requests;

    private ResourceRequirementsSchema() {}
}
