package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a DynamoCollection's worker pod may run. Each field given replaces the operator's default for workers (the
 * Helm chart's {@code worker.nodeSelector}, {@code worker.tolerations}, {@code worker.affinity}); a field left out
 * keeps it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Scheduling {

    @JsonPropertyDescription(
            "Node labels the worker's node must have, as a Pod's nodeSelector. Replaces the operator's default "
                    + "node selector for workers; {} runs on any node.")
    private Map<String, String> nodeSelector;

    @SchemaFrom(type = SchedulingSchema.TolerationSchema[].class)
    @JsonPropertyDescription(
            "Taints the worker tolerates, as a Pod's tolerations. Replaces the operator's default tolerations for "
                    + "workers; [] tolerates none.")
    private List<Toleration> tolerations;

    @SchemaFrom(type = SchedulingSchema.AffinitySchema.class)
    @JsonPropertyDescription(
            "Node and pod affinity of the worker, as a Pod's affinity. Replaces the operator's default affinity for "
                    + "workers; {} sets none.")
    private Affinity affinity;

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Scheduling)) {
            return false;
        }
        Scheduling that = (Scheduling) o;
        return Objects.equals(nodeSelector, that.nodeSelector)
                && Objects.equals(tolerations, that.tolerations)
                && Objects.equals(affinity, that.affinity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeSelector, tolerations, affinity);
    }

    @Override
    public String toString() {
        return "Scheduling{nodeSelector=" + nodeSelector + ", tolerations=" + tolerations + ", affinity=" + affinity
                + "}";
    }
}
