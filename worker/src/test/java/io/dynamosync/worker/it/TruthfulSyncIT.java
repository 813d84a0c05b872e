package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.http.ApiKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status} tells the truth about sync: whatever it says synced is in the query API's
 * answers, and while something read waits, the lag says so.
 */
@ExtendWith(LocalAwsExtension.class)
class TruthfulSyncIT {

    private static final int FIRST = 50;
    private static final int BURST = 150;

    @Test
    void syncedIsNeverSaidWhileARowWrittenBeforeItIsMissing(LocalAws aws, @TempDir Path data) throws Exception {
        try (ServedWorker worker = ServedWorker.start(aws, data, FIRST, Map.of(), ApiKey.of(null))) {
            int expected = FIRST;
            int samplesMissingRows = 0;
            int samplesWaitingWithLag = 0;
            for (int burst = 0; burst < 4; burst++) {
                SampleItems.fill(aws.dynamoDb(), worker.table(), expected, expected + BURST);
                Instant written = Instant.now();
                expected += BURST;
                boolean syncedSinceTheBurst = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!syncedSinceTheBurst && System.nanoTime() < deadline) {
                    // The status first, then the rows: what the status says was committed before the query began.
                    JsonNode stream = ServedWorker.get(worker.port(), "/status", null)
                            .json()
                            .path("stream");
                    long rows = worker.query("SELECT count(*) AS n FROM orders")
                            .json()
                            .path("results")
                            .get(0)
                            .path("n")
                            .asLong();
                    boolean synced = stream.path("synced").asBoolean();
                    Instant asOf = stream.hasNonNull("syncedAsOf")
                            ? Instant.parse(stream.path("syncedAsOf").asText())
                            : null;
                    if (rows < expected) {
                        samplesMissingRows++;
                        assertThat(synced && !asOf.isBefore(written))
                                .as(
                                        "synced as of %s, after the burst was written at %s, with %s of %s rows",
                                        asOf, written, rows, expected)
                                .isFalse();
                    }
                    if (stream.path("recordsWaiting").asLong() > 0) {
                        samplesWaitingWithLag++;
                        assertThat(stream.path("lagMillis").asLong())
                                .as("lag while records wait: %s", stream)
                                .isPositive();
                        assertThat(synced).isFalse();
                    }
                    if (synced) {
                        assertThat(stream.path("lagMillis").asLong()).isZero();
                        assertThat(stream.path("recordsWaiting").asLong()).isZero();
                    }
                    syncedSinceTheBurst = synced && !asOf.isBefore(written);
                }
                assertThat(syncedSinceTheBurst)
                        .as("synced again after burst %d", burst)
                        .isTrue();
                assertThat(worker.query("SELECT count(*) AS n FROM orders")
                                .json()
                                .path("results")
                                .get(0)
                                .path("n")
                                .asLong())
                        .isEqualTo(expected);
            }
            assertThat(samplesMissingRows)
                    .as("samples taken while rows were missing")
                    .isPositive();
            assertThat(samplesWaitingWithLag + samplesMissingRows).isPositive();
        }
    }

    @Test
    void aScanLoadBuildsNoS3Client(LocalAws aws, @TempDir Path data) throws Exception {
        try (ServedWorker worker = ServedWorker.start(aws, data, 20, Map.of(), ApiKey.of(null))) {
            assertThat(worker.status().load().method()).isEqualTo("Scan");
            assertThat(worker.clients().s3Built()).isFalse();
        }
    }
}
