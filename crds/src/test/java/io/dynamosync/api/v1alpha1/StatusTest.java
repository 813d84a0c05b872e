package io.dynamosync.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Conditions keep their lastTransitionTime until their status flips, so "Ready=False for 3h" stays true while
 * the operator rewrites the reason or message on every reconcile.
 */
class StatusTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00.123456789Z");
    private static final Instant T1 = Instant.parse("2026-01-05T10:05:00Z");

    @Test
    void newConditionTransitionsNowInWholeSeconds() {
        DynamoCollectionStatus status = new DynamoCollectionStatus();

        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.VALIDATING, "Checking access.", 1L), T0);

        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.Type.READY);
            assertThat(c.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.VALIDATING);
            assertThat(c.getMessage()).isEqualTo("Checking access.");
            assertThat(c.getObservedGeneration()).isEqualTo(1L);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-05T10:00:00Z");
        });
    }

    @Test
    void sameStatusKeepsTransitionTimeButTakesNewReasonMessageAndGeneration() {
        DynamoCollectionStatus status = new DynamoCollectionStatus();
        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.VALIDATING, "Checking access.", 1L), T0);

        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.SCANNING, "Scanned 40%.", 2L), T1);

        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.SCANNING);
            assertThat(c.getMessage()).isEqualTo("Scanned 40%.");
            assertThat(c.getObservedGeneration()).isEqualTo(2L);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-05T10:00:00Z");
        });
    }

    @Test
    void flippedStatusTransitionsNow() {
        DynamoCollectionStatus status = new DynamoCollectionStatus();
        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.SCANNING, "Scanned 99%.", 1L), T0);

        status.setCondition(condition(Conditions.TRUE, Conditions.Reason.CAUGHT_UP, "Following the stream.", 1L), T1);

        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-05T10:05:00Z");
        });
    }

    @Test
    void otherConditionsKeepTheirPlaceAndTimes() {
        DynamoCollectionStatus status = new DynamoCollectionStatus();
        status.setCondition(
                new Condition(
                        Conditions.Type.ACCESS_VERIFIED,
                        Conditions.TRUE,
                        Conditions.Reason.ACCESS_GRANTED,
                        "Every permission granted.",
                        1L),
                T0);
        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.SCANNING, "Scanning.", 1L), T0);
        status.setCondition(
                new Condition(
                        Conditions.Type.SYNCED,
                        Conditions.FALSE,
                        Conditions.Reason.SCANNING,
                        "Waiting for the load.",
                        1L),
                T0);

        status.setCondition(condition(Conditions.TRUE, Conditions.Reason.CAUGHT_UP, "Following the stream.", 1L), T1);

        assertThat(status.getConditions())
                .extracting(Condition::getType)
                .containsExactly(Conditions.Type.ACCESS_VERIFIED, Conditions.Type.READY, Conditions.Type.SYNCED);
        assertThat(status.findCondition(Conditions.Type.ACCESS_VERIFIED)
                        .orElseThrow()
                        .getLastTransitionTime())
                .isEqualTo("2026-01-05T10:00:00Z");
        assertThat(status.findCondition(Conditions.Type.SYNCED).orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-01-05T10:00:00Z");
    }

    @Test
    void removedConditionIsGoneAndTheOthersStay() {
        // kstatus reads a present Reconciling or Stalled as true, so they are removed, not set False.
        DynamoCollectionStatus status = new DynamoCollectionStatus();
        status.setCondition(
                new Condition(
                        Conditions.Type.RECONCILING, Conditions.TRUE, Conditions.Reason.SCANNING, "Scanning.", 1L),
                T0);
        status.setCondition(condition(Conditions.FALSE, Conditions.Reason.SCANNING, "Scanning.", 1L), T0);

        status.removeCondition(Conditions.Type.RECONCILING);

        assertThat(status.getConditions()).extracting(Condition::getType).containsExactly(Conditions.Type.READY);
        assertThat(status.findCondition(Conditions.Type.RECONCILING)).isEmpty();
    }

    @Test
    void hasTrueConditionOnlyForAPresentTrueCondition() {
        DynamoIntegrationStatus status = new DynamoIntegrationStatus();
        assertThat(status.hasTrueCondition(Conditions.Type.READY)).isFalse();

        status.setCondition(
                new Condition(
                        Conditions.Type.READY,
                        Conditions.UNKNOWN,
                        Conditions.Reason.AWS_UNREACHABLE,
                        "STS did not answer.",
                        1L),
                T0);
        assertThat(status.hasTrueCondition(Conditions.Type.READY)).isFalse();

        status.setCondition(
                new Condition(
                        Conditions.Type.READY,
                        Conditions.TRUE,
                        Conditions.Reason.VERIFIED,
                        "Credentials accepted.",
                        1L),
                T1);
        assertThat(status.hasTrueCondition(Conditions.Type.READY)).isTrue();
    }

    @Test
    void settingTheSameConditionAgainLeavesTheStatusEqual() {
        // The operator skips a status write when nothing changed; that needs equal statuses to compare equal.
        DynamoCollectionStatus before = new DynamoCollectionStatus();
        before.setCondition(condition(Conditions.TRUE, Conditions.Reason.CAUGHT_UP, "Following the stream.", 3L), T0);
        DynamoCollectionStatus after = new DynamoCollectionStatus();
        after.setConditions(
                before.getConditions().stream().map(StatusTest::copy).toList());

        after.setCondition(condition(Conditions.TRUE, Conditions.Reason.CAUGHT_UP, "Following the stream.", 3L), T1);

        assertThat(after).isEqualTo(before);
    }

    private static Condition condition(String status, String reason, String message, long generation) {
        return new Condition(Conditions.Type.READY, status, reason, message, generation);
    }

    private static Condition copy(Condition c) {
        Condition copy =
                new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), c.getObservedGeneration());
        copy.setLastTransitionTime(c.getLastTransitionTime());
        return copy;
    }
}
