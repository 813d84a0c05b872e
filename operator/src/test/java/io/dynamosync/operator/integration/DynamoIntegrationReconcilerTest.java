package io.dynamosync.operator.integration;

import static io.dynamosync.operator.integration.DynamoIntegrationReconciler.recheckWhenRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DynamoIntegrationReconcilerTest {

    @Test
    void refusedCredentialsAreCheckedAgainWithinSecondsThenLessOftenUpToTheRecheckPeriod() {
        // Checked at once, after 5 s, 10 s, 20 s...: each wait as long as the refusal so far, so it doubles.
        Duration refusedFor = Duration.ZERO;
        StringBuilder waits = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            Duration wait = recheckWhenRefused(refusedFor);
            waits.append(wait.toSeconds()).append(' ');
            refusedFor = refusedFor.plus(wait);
        }
        assertThat(waits.toString().strip()).isEqualTo("5 5 10 20 40 80 160 320 600 600");
        assertThat(recheckWhenRefused(Duration.ofDays(3))).isEqualTo(DynamoIntegrationReconciler.RECHECK);
    }
}
