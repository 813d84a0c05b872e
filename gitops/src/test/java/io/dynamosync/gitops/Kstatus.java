package io.dynamosync.gitops;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * kstatus's generic rules for a custom resource (sigs.k8s.io/cli-utils, {@code pkg/kstatus/status}: {@code
 * Compute}, {@code checkGenericProperties}, {@code checkGeneration}), which Flux's health checks apply to kinds
 * they have no specific rules for. Written out here so a test can say what Flux concludes about each status the
 * operator writes.
 *
 * <p>Some kstatus versions add one rule after these, {@code checkReadyCondition}: a {@code Ready} condition, when
 * nothing else decided, makes the resource Current if True and InProgress if False or Unknown. Both variants are
 * modelled, as users run both.
 */
final class Kstatus {

    /** kstatus's verdicts. */
    enum Verdict {
        CURRENT,
        IN_PROGRESS,
        FAILED,
        TERMINATING
    }

    /** A verdict with kstatus's message. */
    record Result(Verdict verdict, String message) {}

    private Kstatus() {}

    /** What kstatus computes for {@code resource}, rule by rule in kstatus's order; {@code readsReady} adds the
     * Ready rule. */
    static Result compute(JsonNode resource, boolean readsReady) {
        JsonNode metadata = resource.path("metadata");
        if (!metadata.path("deletionTimestamp").asText("").isEmpty()) {
            return new Result(Verdict.TERMINATING, "Resource scheduled for deletion");
        }
        // Compared only when status.observedGeneration is present: kstatus cannot tell otherwise.
        JsonNode generation = metadata.get("generation");
        JsonNode observed = resource.path("status").get("observedGeneration");
        if (generation != null && observed != null && generation.asLong() != observed.asLong()) {
            return new Result(
                    Verdict.IN_PROGRESS,
                    resource.path("kind").asText() + " generation is " + generation.asLong()
                            + ", but latest observed generation is " + observed.asLong());
        }
        // The first of Reconciling or Stalled found True decides; their False or absence says nothing.
        for (JsonNode condition : resource.path("status").path("conditions")) {
            boolean isTrue = "True".equals(condition.path("status").asText());
            if (isTrue && "Reconciling".equals(condition.path("type").asText())) {
                return new Result(Verdict.IN_PROGRESS, condition.path("message").asText(""));
            }
            if (isTrue && "Stalled".equals(condition.path("type").asText())) {
                return new Result(Verdict.FAILED, condition.path("message").asText(""));
            }
        }
        for (JsonNode condition : resource.path("status").path("conditions")) {
            if (!readsReady || !"Ready".equals(condition.path("type").asText())) {
                continue;
            }
            switch (condition.path("status").asText()) {
                case "True":
                    return new Result(Verdict.CURRENT, "Resource is Ready");
                case "False":
                case "Unknown":
                    return new Result(
                            Verdict.IN_PROGRESS, condition.path("message").asText(""));
                default:
                    break;
            }
        }
        return new Result(Verdict.CURRENT, "Resource is current");
    }
}
