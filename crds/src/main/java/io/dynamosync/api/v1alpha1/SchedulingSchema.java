package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/**
 * The schemas the CRD gives {@code spec.scheduling.tolerations} and {@code spec.scheduling.affinity}: Kubernetes'
 * Toleration and Affinity, field for field, with descriptions for kubectl explain (Fabric8's model types carry
 * none). Never instantiated; the Java fields are Fabric8's types.
 */
final class SchedulingSchema {

    private SchedulingSchema() {}

    /** A Pod's toleration. */
    static final class TolerationSchema {
        @JsonPropertyDescription("Taint key the toleration applies to; empty with operator Exists matches every taint.")
        public String key;

        @JsonPropertyDescription("Exists (any value) or Equal (the value below). Default Equal.")
        public TolerationOperator operator;

        @JsonPropertyDescription("Taint value the toleration matches, with operator Equal.")
        public String value;

        @JsonPropertyDescription("Taint effect matched: NoSchedule, PreferNoSchedule or NoExecute; empty for all.")
        public TaintEffect effect;

        @JsonPropertyDescription(
                "With effect NoExecute, how long the pod stays bound to a node tainted after it started.")
        public Long tolerationSeconds;
    }

    /** A Pod's affinity. */
    static final class AffinitySchema {
        @JsonPropertyDescription("Nodes the worker must or should run on, by their labels.")
        public NodeAffinitySchema nodeAffinity;

        @JsonPropertyDescription("Pods the worker must or should run near (same topology domain).")
        public PodAffinitySchema podAffinity;

        @JsonPropertyDescription("Pods the worker must or should run away from (another topology domain).")
        public PodAffinitySchema podAntiAffinity;
    }

    static final class NodeAffinitySchema {
        @JsonPropertyDescription("Terms of which a node must match at least one for the worker to be scheduled there.")
        public NodeSelectorSchema requiredDuringSchedulingIgnoredDuringExecution;

        @JsonPropertyDescription("Weighted terms the scheduler prefers nodes by.")
        public List<PreferredSchedulingTermSchema> preferredDuringSchedulingIgnoredDuringExecution;
    }

    static final class NodeSelectorSchema {
        @Required
        @JsonPropertyDescription("Node selector terms, ORed.")
        public List<NodeSelectorTermSchema> nodeSelectorTerms;
    }

    static final class PreferredSchedulingTermSchema {
        @Required
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Weight of the term, 1 to 100.")
        public Integer weight;

        @Required
        @JsonPropertyDescription("The node selector term preferred.")
        public NodeSelectorTermSchema preference;
    }

    static final class NodeSelectorTermSchema {
        @JsonPropertyDescription("Requirements on the node's labels, ANDed.")
        public List<NodeSelectorRequirementSchema> matchExpressions;

        @JsonPropertyDescription("Requirements on the node's fields (metadata.name), ANDed.")
        public List<NodeSelectorRequirementSchema> matchFields;
    }

    static final class NodeSelectorRequirementSchema {
        @Required
        @JsonPropertyDescription("The label or field key.")
        public String key;

        @Required
        @JsonPropertyDescription("In, NotIn, Exists, DoesNotExist, Gt or Lt.")
        public NodeSelectorOperator operator;

        @JsonPropertyDescription(
                "Values for In and NotIn, one integer for Gt and Lt, none for Exists and DoesNotExist.")
        public List<String> values;
    }

    static final class PodAffinitySchema {
        @JsonPropertyDescription("Terms every one of which must hold where the worker is scheduled.")
        public List<PodAffinityTermSchema> requiredDuringSchedulingIgnoredDuringExecution;

        @JsonPropertyDescription("Weighted terms the scheduler prefers nodes by.")
        public List<WeightedPodAffinityTermSchema> preferredDuringSchedulingIgnoredDuringExecution;
    }

    static final class WeightedPodAffinityTermSchema {
        @Required
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Weight of the term, 1 to 100.")
        public Integer weight;

        @Required
        @JsonPropertyDescription("The pod affinity term preferred.")
        public PodAffinityTermSchema podAffinityTerm;
    }

    static final class PodAffinityTermSchema {
        @JsonPropertyDescription("The pods the term is about, by their labels.")
        public LabelSelectorSchema labelSelector;

        @JsonPropertyDescription("Namespaces of those pods, by their labels; with namespaces, either matches.")
        public LabelSelectorSchema namespaceSelector;

        @JsonPropertyDescription("Namespaces of those pods; with neither this nor namespaceSelector, the worker's own.")
        public List<String> namespaces;

        @Required
        @JsonPropertyDescription("Node label whose value is the topology domain, e.g. kubernetes.io/hostname.")
        public String topologyKey;

        @JsonPropertyDescription("Label keys of the worker pod whose values are added to labelSelector as In.")
        public List<String> matchLabelKeys;

        @JsonPropertyDescription("Label keys of the worker pod whose values are added to labelSelector as NotIn.")
        public List<String> mismatchLabelKeys;
    }

    static final class LabelSelectorSchema {
        @JsonPropertyDescription("Labels that must all be present with these values.")
        public Map<String, String> matchLabels;

        @JsonPropertyDescription("Requirements on labels, ANDed.")
        public List<LabelSelectorRequirementSchema> matchExpressions;
    }

    static final class LabelSelectorRequirementSchema {
        @Required
        @JsonPropertyDescription("The label key.")
        public String key;

        @Required
        @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
        public LabelSelectorOperator operator;

        @JsonPropertyDescription("Values for In and NotIn; none for Exists and DoesNotExist.")
        public List<String> values;
    }

    enum TolerationOperator {
        Exists,
        Equal
    }

    enum TaintEffect {
        @JsonProperty("")
        ANY,
        NoSchedule,
        PreferNoSchedule,
        NoExecute
    }

    enum NodeSelectorOperator {
        In,
        NotIn,
        Exists,
        DoesNotExist,
        Gt,
        Lt
    }

    enum LabelSelectorOperator {
        In,
        NotIn,
        Exists,
        DoesNotExist
    }
}
