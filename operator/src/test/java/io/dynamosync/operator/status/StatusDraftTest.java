package io.dynamosync.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.operator.Fixtures;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StatusDraftTest {

    private final DynamoCollection collection = Fixtures.collection("shop", "orders", "prod", "Orders");

    @Test
    void settingTheSameConditionLaterIsNoChangeSoNoStatusWrite() {
        DynamoCollectionStatus before = new DynamoCollectionStatus();
        new StatusDraft<>(collection, null, before, clock("2026-01-01T00:00:00Z"))
                .setTrue(Conditions.Type.READY, Conditions.Reason.CAUGHT_UP, "Following the stream.");

        StatusDraft<DynamoCollectionStatus> later =
                new StatusDraft<>(collection, before, Serialization.clone(before), clock("2026-01-01T01:00:00Z"));
        later.setTrue(Conditions.Type.READY, Conditions.Reason.CAUGHT_UP, "Following the stream.");

        assertThat(later.changed()).isFalse();
        later.setFalse(Conditions.Type.READY, Conditions.Reason.WORKER_UNAVAILABLE, "Silent.");
        assertThat(later.changed()).isTrue();
        assertThat(later.condition(Conditions.Type.READY).get().getLastTransitionTime())
                .isEqualTo("2026-01-01T01:00:00Z");
    }

    @Test
    void stalledProgressingAndReadyEachSetTheKstatusTrioInOneCall() {
        StatusDraft<DynamoCollectionStatus> draft =
                new StatusDraft<>(collection, null, new DynamoCollectionStatus(), clock("2026-01-01T00:00:00Z"));

        draft.progressing(Conditions.Reason.SCANNING, "Scanning.");
        assertThat(draft.condition(Conditions.Type.READY).get().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(draft.condition(Conditions.Type.RECONCILING).get().getReason())
                .isEqualTo(Conditions.Reason.SCANNING);
        assertThat(draft.condition(Conditions.Type.STALLED)).isEmpty();

        draft.stalled(Conditions.Reason.TABLE_NOT_FOUND, "No such table.");
        assertThat(draft.condition(Conditions.Type.READY).get().getReason())
                .isEqualTo(Conditions.Reason.TABLE_NOT_FOUND);
        assertThat(draft.condition(Conditions.Type.STALLED).get().getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(draft.condition(Conditions.Type.RECONCILING)).isEmpty();

        draft.ready(Conditions.Reason.CAUGHT_UP, "Following the stream.");
        assertThat(draft.condition(Conditions.Type.READY).get().getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(draft.condition(Conditions.Type.STALLED)).isEmpty();
        assertThat(draft.condition(Conditions.Type.RECONCILING)).isEmpty();
    }

    private static Clock clock(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
