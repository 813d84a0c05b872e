package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why a worker that does not answer cannot run, as Kubernetes reports it: a container of its pod waiting in
 * CrashLoopBackOff, ImagePullBackOff and the like, or a StatefulSet whose pod could not be created. Without this a
 * collection would wait for its worker (Progressing) forever; with it, it is Stalled with a reason a user can act
 * on. Pure, so each case is tested without a server.
 */
final class WorkerPod {

    private static final Set<String> IMAGE_UNAVAILABLE =
            Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
    private static final Set<String> CANNOT_START =
            Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private WorkerPod() {}

    /**
     * What stops the worker.
     *
     * @param reason a collection condition reason ({@code Reason.WORKER_*})
     * @param message what Kubernetes says, and what to do
     * @param refined whether the message says more than the previous one with the same reason could (a back-off
     *     state only repeats the error before it, so it replaces nothing)
     */
    record Problem(String reason, String message, boolean refined) {}

    /** The pod's name: a StatefulSet of one replica names its pod after itself, with ordinal 0. */
    static String podName(String statefulSetName) {
        return statefulSetName + "-0";
    }

    /** What keeps the pod's containers (init containers first) from running, if anything. */
    static Optional<Problem> problem(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.empty();
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
        Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
        String podName = pod.getMetadata().getName();
        String namespace = pod.getMetadata().getNamespace();
        for (ContainerStatus container : statuses) {
            ContainerStateWaiting waiting =
                    container.getState() == null ? null : container.getState().getWaiting();
            if (waiting == null || waiting.getReason() == null) {
                continue;
            }
            String why = waiting.getReason();
            String said = waiting.getMessage() == null || waiting.getMessage().isBlank()
                    ? ""
                    : ": " + waiting.getMessage().strip();
            if ("CrashLoopBackOff".equals(why)) {
                // The back-off message only counts time ("back-off 40s restarting failed container..."); how the
                // container last ended is what says why, and stays the same from one restart to the next.
                return Optional.of(new Problem(
                        Reason.WORKER_CRASH_LOOPING,
                        "The worker container "
                                + container.getName() + " of pod " + podName + " keeps exiting" + lastEnd(container)
                                + "; Kubernetes restarts it with a growing back-off (CrashLoopBackOff). Its log says why: "
                                + "kubectl logs -n " + namespace + " " + podName + " -c " + container.getName()
                                + " --previous",
                        true));
            }
            if (IMAGE_UNAVAILABLE.contains(why)) {
                return Optional.of(new Problem(
                        Reason.WORKER_IMAGE_UNAVAILABLE,
                        "The worker image "
                                + container.getImage() + " of pod " + podName + " cannot be pulled (" + why + said
                                + "). "
                                + "Push the image to the registry the operator's DYNAMOSYNC_WORKER_IMAGE names (the chart's "
                                + "worker image values), or give the worker's ServiceAccount an image pull secret.",
                        !"ImagePullBackOff".equals(why)));
            }
            if (CANNOT_START.contains(why)) {
                return Optional.of(new Problem(
                        Reason.WORKER_CANNOT_START,
                        "Kubernetes cannot start the worker " + "container " + container.getName() + " of pod "
                                + podName + " (" + why + said + ").",
                        true));
            }
        }
        return Optional.empty();
    }

    /**
     * Why the StatefulSet has no pod: the newest FailedCreate Event the StatefulSet controller recorded for this
     * StatefulSet (by UID, so not for an earlier one of the same name), if any.
     */
    static Optional<Problem> notCreated(StatefulSet statefulSet, Collection<Event> events) {
        if (statefulSet == null) {
            return Optional.empty();
        }
        String uid = statefulSet.getMetadata().getUid();
        return events.stream()
                .filter(e -> "FailedCreate".equals(e.getReason())
                        && e.getInvolvedObject() != null
                        && "StatefulSet".equals(e.getInvolvedObject().getKind())
                        && statefulSet
                                .getMetadata()
                                .getName()
                                .equals(e.getInvolvedObject().getName())
                        && (uid == null
                                || e.getInvolvedObject().getUid() == null
                                || uid.equals(e.getInvolvedObject().getUid())))
                .max(Comparator.comparing(WorkerPod::when, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(e -> new Problem(
                        Reason.WORKER_POD_NOT_CREATED,
                        "The StatefulSet "
                                + statefulSet.getMetadata().getName() + " cannot create the worker's pod: "
                                + Objects.requireNonNullElse(e.getMessage(), "FailedCreate")
                                        .strip(),
                        true));
    }

    private static String when(Event event) {
        // RFC 3339 times in UTC compare as strings.
        return event.getLastTimestamp() != null
                ? event.getLastTimestamp()
                : event.getEventTime() != null
                        ? event.getEventTime().getTime()
                        : event.getMetadata() == null
                                ? null
                                : event.getMetadata().getCreationTimestamp();
    }

    private static String lastEnd(ContainerStatus container) {
        ContainerStateTerminated ended = container.getLastState() == null
                ? null
                : container.getLastState().getTerminated();
        if (ended == null) {
            return "";
        }
        String how = " (last exit code " + ended.getExitCode()
                + (ended.getReason() == null ? "" : ", " + ended.getReason()) + ")";
        if ("OOMKilled".equals(ended.getReason())) {
            how += ": it ran out of memory; raise the collection's spec.resources.limits.memory";
        }
        return ended.getMessage() == null || ended.getMessage().isBlank()
                ? how
                : how + ": " + ended.getMessage().strip();
    }
}
