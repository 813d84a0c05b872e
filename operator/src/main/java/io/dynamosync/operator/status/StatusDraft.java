package io.dynamosync.operator.status;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Status;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The status a reconcile is writing, with the conditions it had when the reconcile began, so that the reconcile
 * can tell whether anything but a timestamp changed (and skip the write) and which conditions changed (and record
 * an Event for each).
 *
 * @param <S> the status type
 */
public final class StatusDraft<S extends Status> {

    /** Reasons that make an Event a Warning: something is in the user's way, or may be soon. */
    private static final Set<String> WARNING_TYPES =
            Set.of(Conditions.Type.STALLED, Conditions.Type.STREAM_SHARED, Conditions.Type.VOLUME_NEARLY_FULL);

    private final S before;
    private final S draft;
    private final long generation;
    private final Clock clock;

    /**
     * @param before the status as read, left untouched
     * @param draft a copy of it, which the reconcile edits
     */
    public StatusDraft(HasMetadata resource, S before, S draft, Clock clock) {
        this.before = before;
        this.draft = draft;
        this.generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
        this.clock = clock;
    }

    /** The status being written. */
    public S status() {
        return draft;
    }

    /** Sets a condition for the resource's current generation; its transition time moves only if status flips. */
    public void set(String type, String status, String reason, String message) {
        draft.setCondition(new Condition(type, status, reason, message, generation), clock.instant());
    }

    /** Sets a condition True. */
    public void setTrue(String type, String reason, String message) {
        set(type, Conditions.TRUE, reason, message);
    }

    /** Sets a condition False. */
    public void setFalse(String type, String reason, String message) {
        set(type, Conditions.FALSE, reason, message);
    }

    /**
     * Stalled, the kstatus way: nothing moves until the user changes something. Ready False and Stalled True, both
     * with {@code reason} and {@code message}, and Reconciling cleared.
     */
    public void stalled(String reason, String message) {
        setFalse(Conditions.Type.READY, reason, message);
        setTrue(Conditions.Type.STALLED, reason, message);
        clear(Conditions.Type.RECONCILING);
    }

    /** In progress towards the spec: Ready False and Reconciling True, both with {@code reason}; Stalled cleared. */
    public void progressing(String reason, String message) {
        setFalse(Conditions.Type.READY, reason, message);
        setTrue(Conditions.Type.RECONCILING, reason, message);
        clear(Conditions.Type.STALLED);
    }

    /** Done: Ready True with {@code reason}, Stalled and Reconciling cleared. */
    public void ready(String reason, String message) {
        setTrue(Conditions.Type.READY, reason, message);
        clear(Conditions.Type.STALLED);
        clear(Conditions.Type.RECONCILING);
    }

    /** Removes a condition kstatus wants present only while true. */
    public void clear(String type) {
        draft.removeCondition(type);
    }

    /** The draft's condition of this type. */
    public Optional<Condition> condition(String type) {
        return draft.findCondition(type);
    }

    /** Marks the status as describing the resource's current spec. */
    public void observed() {
        draft.setObservedGeneration(generation);
    }

    /** Whether the draft differs from the status as read; transition times are kept, so a re-set is no change. */
    public boolean changed() {
        return !Objects.equals(before, draft);
    }

    /**
     * Records an Event for each condition whose status or reason changed, or that appeared: the transitions a user
     * watching {@code kubectl describe} wants to see, and no more.
     */
    public void recordTransitions(EventRecorder events, HasMetadata resource) {
        Set<String> seen = new HashSet<>();
        for (Condition now : List.copyOf(draft.getConditions())) {
            seen.add(now.getType());
            Optional<Condition> was = before == null ? Optional.empty() : before.findCondition(now.getType());
            if (was.isPresent()
                    && Objects.equals(was.get().getStatus(), now.getStatus())
                    && Objects.equals(was.get().getReason(), now.getReason())) {
                continue;
            }
            boolean warning = WARNING_TYPES.contains(now.getType())
                    || Conditions.FALSE.equals(now.getStatus()) && isProblem(now.getReason());
            events.record(
                    resource,
                    warning ? EventRecorder.WARNING : EventRecorder.NORMAL,
                    Objects.requireNonNullElse(now.getReason(), now.getType()),
                    now.getType() + " is " + now.getStatus() + ": " + now.getMessage());
        }
    }

    private static boolean isProblem(String reason) {
        return Set.of(
                        Conditions.Reason.SECRET_NOT_FOUND,
                        Conditions.Reason.SECRET_KEY_MISSING,
                        Conditions.Reason.ASSUME_ROLE_DENIED,
                        Conditions.Reason.INVALID_CREDENTIALS,
                        Conditions.Reason.INTEGRATION_NOT_FOUND,
                        Conditions.Reason.TABLE_NOT_FOUND,
                        Conditions.Reason.ACCESS_DENIED,
                        Conditions.Reason.EXPORT_BUCKET_MISSING,
                        Conditions.Reason.STREAM_OFF,
                        Conditions.Reason.STREAM_VIEW_TYPE_UNSUITABLE,
                        Conditions.Reason.EXPORT_FAILED,
                        Conditions.Reason.INVALID_TRANSFORMATION,
                        Conditions.Reason.STREAM_TRIMMED,
                        Conditions.Reason.STREAM_GAP,
                        Conditions.Reason.SUSPENSION_NEARS_RETENTION,
                        Conditions.Reason.AWS_UNREACHABLE,
                        Conditions.Reason.EXPANSION_NOT_ALLOWED,
                        Conditions.Reason.SHRINK_REFUSED,
                        Conditions.Reason.POINT_IN_TIME_RECOVERY_OFF,
                        Conditions.Reason.EXPORT_FILES_KEPT,
                        Conditions.Reason.WORKER_CRASH_LOOPING,
                        Conditions.Reason.WORKER_IMAGE_UNAVAILABLE,
                        Conditions.Reason.WORKER_CANNOT_START,
                        Conditions.Reason.WORKER_POD_NOT_CREATED)
                .contains(reason);
    }
}
