package io.dynamosync.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Verification;
import io.dynamosync.api.worker.WorkerSettings;
import org.junit.jupiter.api.Test;

/** spec.verify reaches the worker's settings as it is; without it, the worker's defaults apply. */
class VerifySettingsTest {

    @Test
    void theSpecsVerifyOptionsReachTheWorkerAsTheyAre() {
        Verification verify = new Verification();
        verify.setIntervalMinutes(60);
        verify.setSegmentsPercent(25);
        verify.setReadCapacityUnits(5.0);

        assertThat(CollectionWorker.verify(verify)).isEqualTo(new WorkerSettings.Verify(60, 25, 5.0));
        assertThat(CollectionWorker.verify(null)).isNull();
    }
}
