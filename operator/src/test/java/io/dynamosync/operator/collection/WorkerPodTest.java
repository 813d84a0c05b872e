package io.dynamosync.operator.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.status.StatusDraft;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerPodTest {

    private final StatusDraft<DynamoCollectionStatus> draft = new StatusDraft<>(
            Fixtures.collection("shop", "orders", "prod", "Orders"),
            null,
            new DynamoCollectionStatus(),
            Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void imagePullBackOffKeepsTheErrorItRepeatsSoTheMessageDoesNotFlipAtEachRetry() {
        WorkerReport.cannotRun(
                draft,
                WorkerPod.problem(
                                waiting(
                                        "ErrImagePull",
                                        "failed to pull and unpack image \"ghcr.io/dynamo-sync/worker:0.1.0\": 401 Unauthorized"))
                        .get());
        WorkerReport.cannotRun(
                draft,
                WorkerPod.problem(waiting(
                                "ImagePullBackOff", "Back-off pulling image \"ghcr.io/dynamo-sync/worker:0.1.0\""))
                        .get());

        assertThat(draft.condition(Conditions.Type.STALLED).get().getReason())
                .isEqualTo(Conditions.Reason.WORKER_IMAGE_UNAVAILABLE);
        assertThat(draft.condition(Conditions.Type.READY).get().getMessage())
                .contains("ghcr.io/dynamo-sync/worker:0.1.0", "401 Unauthorized", "image pull secret");
    }

    @Test
    void aWorkerKilledForMemorySaysWhichLimitToRaise() {
        Pod pod = new PodBuilder(waiting("CrashLoopBackOff", "back-off 20s restarting failed container"))
                .editStatus()
                .editFirstContainerStatus()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("OOMKilled")
                .endTerminated()
                .endLastState()
                .endContainerStatus()
                .endStatus()
                .build();

        WorkerPod.Problem problem = WorkerPod.problem(pod).get();

        assertThat(problem.reason()).isEqualTo(Conditions.Reason.WORKER_CRASH_LOOPING);
        assertThat(problem.message())
                .contains("exit code 137, OOMKilled", "spec.resources.limits.memory")
                .doesNotContain("back-off 20s");
    }

    @Test
    void missingSecretOrConfigMapIsCannotStartWithKubernetesWords() {
        WorkerPod.Problem problem = WorkerPod.problem(
                        waiting("CreateContainerConfigError", "secret \"orders-api-key\" not found"))
                .get();

        assertThat(problem.reason()).isEqualTo(Conditions.Reason.WORKER_CANNOT_START);
        assertThat(problem.message()).contains("secret \"orders-api-key\" not found");
    }

    @Test
    void aStartingOrRunningPodIsNoProblem() {
        assertThat(WorkerPod.problem(waiting("ContainerCreating", null))).isEmpty();
        assertThat(WorkerPod.problem(new PodBuilder()
                        .withNewMetadata()
                        .withName("orders-worker-0")
                        .endMetadata()
                        .withNewStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build()))
                .isEmpty();
    }

    @Test
    void failedCreateOfAnEarlierStatefulSetOfTheSameNameIsNotReported() {
        StatefulSet sts = new StatefulSetBuilder()
                .withNewMetadata()
                .withName("orders-worker")
                .withUid("now")
                .endMetadata()
                .build();

        assertThat(WorkerPod.notCreated(sts, List.of(failedCreate("before", "quota exceeded"))))
                .isEmpty();
        assertThat(WorkerPod.notCreated(
                        sts,
                        List.of(
                                failedCreate("before", "quota exceeded"),
                                failedCreate("now", "serviceaccount \"dynamo-sync-worker\" not found"))))
                .get()
                .satisfies(p -> {
                    assertThat(p.reason()).isEqualTo(Conditions.Reason.WORKER_POD_NOT_CREATED);
                    assertThat(p.message())
                            .contains("serviceaccount \"dynamo-sync-worker\" not found")
                            .doesNotContain("quota");
                });
    }

    private static Pod waiting(String reason, String message) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("orders-worker-0")
                .withNamespace("shop")
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName("worker")
                .withImage("ghcr.io/dynamo-sync/worker:0.1.0")
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    private static Event failedCreate(String uid, String message) {
        return new EventBuilder()
                .withReason("FailedCreate")
                .withNewInvolvedObject()
                .withKind("StatefulSet")
                .withName("orders-worker")
                .withUid(uid)
                .endInvolvedObject()
                .withMessage(message)
                .build();
    }
}
