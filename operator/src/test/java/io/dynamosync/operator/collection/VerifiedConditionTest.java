package io.dynamosync.operator.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.VerificationResult;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.status.StatusDraft;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's verifications become status.verification, the Verified condition and a Warning on differences. */
class VerifiedConditionTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final DynamoCollection collection = Fixtures.collection("shop", "orders", "prod", "Orders");
    private final StatusDraft<DynamoCollectionStatus> draft =
            new StatusDraft<>(collection, null, new DynamoCollectionStatus(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static WorkerStatus worker(WorkerStatus.VerificationRun last) {
        return new WorkerStatus(
                "Streaming",
                "orders",
                "Orders",
                null,
                null,
                null,
                null,
                List.of(),
                List.of(),
                0L,
                last == null ? null : new WorkerStatus.Verification(null, false, last, last.differences(), 0),
                null);
    }

    private static WorkerStatus.VerificationRun run(long differences, List<String> keys, String error) {
        return new WorkerStatus.VerificationRun(
                "Schedule",
                null,
                NOW.minusSeconds(30),
                NOW.minusSeconds(5),
                10,
                100,
                4_000,
                differences,
                keys,
                differences,
                error);
    }

    @Test
    void aVerificationThatFoundNothingIsVerifiedTrueSayingWhatItRead() {
        WorkerReport.verification(draft, worker(run(0, List.of(), null)));

        Condition verified = draft.condition(Conditions.Type.VERIFIED).orElseThrow();
        assertThat(verified.getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(verified.getReason()).isEqualTo(Conditions.Reason.NO_DIFFERENCES);
        assertThat(verified.getMessage()).contains("4000 items", "10 of 100", "2026-03-01T11:59:55Z");
        VerificationResult result = draft.status().getVerification();
        assertThat(result.getItemsChecked()).isEqualTo(4000);
        assertThat(result.getDifferences()).isZero();
        assertThat(result.getDifferingKeys()).isNull();
        assertThat(result.getCompletedAt()).isEqualTo("2026-03-01T11:59:55Z");
    }

    @Test
    void differencesAreVerifiedFalseWithTheirKeysInTheStatusAndNeverTheirValues() {
        WorkerReport.verification(draft, worker(run(2, List.of("pk=a, sk=1", "pk=b, sk=2"), null)));

        Condition verified = draft.condition(Conditions.Type.VERIFIED).orElseThrow();
        assertThat(verified.getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(verified.getReason()).isEqualTo(Conditions.Reason.DIFFERENCES_REPAIRED);
        assertThat(verified.getMessage()).contains("found 2 document(s)", "repaired 2", "differingKeys");
        assertThat(draft.status().getVerification().getDifferingKeys()).containsExactly("pk=a, sk=1", "pk=b, sk=2");
        assertThat(draft.status().getVerification().getRepaired()).isEqualTo(2);
    }

    @Test
    void aVerificationCutShortIsUnknownWithItsCause() {
        WorkerReport.verification(draft, worker(run(0, List.of(), "the stream did not catch up")));

        Condition verified = draft.condition(Conditions.Type.VERIFIED).orElseThrow();
        assertThat(verified.getStatus()).isEqualTo(Conditions.UNKNOWN);
        assertThat(verified.getReason()).isEqualTo(Conditions.Reason.VERIFICATION_FAILED);
        assertThat(verified.getMessage()).contains("the stream did not catch up");
    }

    @Test
    void aWorkerWithoutAVerificationLeavesTheLastFindingAsItWas() {
        WorkerReport.verification(draft, worker(run(1, List.of("pk=a"), null)));
        WorkerReport.verification(draft, worker(null));

        assertThat(draft.condition(Conditions.Type.VERIFIED).orElseThrow().getStatus())
                .isEqualTo(Conditions.FALSE);
        assertThat(draft.status().getVerification().getDifferingKeys()).containsExactly("pk=a");
    }

    @Test
    void eachVerificationWithDifferencesIsAnnouncedOnce() {
        WorkerReport.verification(draft, worker(run(1, List.of("pk=a"), null)));
        VerificationResult first = draft.status().getVerification();

        assertThat(WorkerReport.newDifferences(null, first))
                .hasValueSatisfying(m -> assertThat(m).contains("1 document(s)", "pk=a"));
        assertThat(WorkerReport.newDifferences(first, first)).isEmpty();

        VerificationResult clean = new VerificationResult();
        clean.setCompletedAt("2026-03-01T13:00:00Z");
        clean.setDifferences(0L);
        assertThat(WorkerReport.newDifferences(first, clean)).isEmpty();

        VerificationResult second = new VerificationResult();
        second.setCompletedAt("2026-03-01T14:00:00Z");
        second.setDifferences(3L);
        second.setRepaired(3L);
        assertThat(WorkerReport.newDifferences(clean, second)).isPresent();
    }
}
