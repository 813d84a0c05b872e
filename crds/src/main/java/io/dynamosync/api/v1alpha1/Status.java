package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What every dynamosync.io resource reports: its conditions and the generation they describe. */
public abstract class Status {

    @JsonPropertyDescription(
            "The resource's current state as Kubernetes conditions, one per type. Ready=True means the resource "
                    + "does what its spec asks; Reconciling is present while the operator is still working towards that, "
                    + "Stalled while it cannot get there without a change from you.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription(
            "The metadata.generation this status was computed from. When it is lower than metadata.generation, the "
                    + "operator has not acted on the latest spec yet.")
    private Long observedGeneration;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    /** The condition of this type, if the status has one. */
    public Optional<Condition> findCondition(String type) {
        return conditions.stream()
                .filter(c -> Objects.equals(c.getType(), type))
                .findFirst();
    }

    /** Whether the condition of this type is present with status True. */
    public boolean hasTrueCondition(String type) {
        return findCondition(type)
                .map(c -> Conditions.TRUE.equals(c.getStatus()))
                .orElse(false);
    }

    /**
     * Puts {@code wanted} in place of the condition of the same type, or adds it.
     *
     * <p>The stored condition's lastTransitionTime is kept when its status is unchanged, so that a new
     * reason or message alone does not reset the clock tools use to tell how long a state has lasted
     * (the Kubernetes API conventions; cert-manager's SetCertificateCondition). It is set to {@code now},
     * in whole seconds as the API server stores it, when the condition is new or its status flips. Other
     * conditions keep their place in the list.
     */
    public void setCondition(Condition wanted, Instant now) {
        Condition next = new Condition(
                wanted.getType(),
                wanted.getStatus(),
                wanted.getReason(),
                wanted.getMessage(),
                wanted.getObservedGeneration());
        Optional<Condition> current = findCondition(wanted.getType());
        boolean statusKept = current.isPresent() && Objects.equals(current.get().getStatus(), wanted.getStatus());
        next.setLastTransitionTime(
                statusKept
                        ? current.get().getLastTransitionTime()
                        : DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
        if (current.isPresent()) {
            conditions.set(conditions.indexOf(current.get()), next);
        } else {
            conditions.add(next);
        }
    }

    /**
     * Drops the condition of this type, if any: kstatus expects {@code Reconciling} and {@code Stalled} to be
     * present only while they are true.
     */
    public void removeCondition(String type) {
        conditions.removeIf(c -> Objects.equals(c.getType(), type));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass()) {
            return false;
        }
        Status that = (Status) o;
        return Objects.equals(conditions, that.conditions)
                && Objects.equals(observedGeneration, that.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conditions, observedGeneration);
    }
}
