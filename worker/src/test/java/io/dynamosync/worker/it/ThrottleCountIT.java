package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.worker.config.AwsClients;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Throttled calls the SDK retries by itself still reach the worker's throttle count and its listeners. */
@ExtendWith(LocalAwsExtension.class)
class ThrottleCountIT {

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    @Test
    void throttledAttemptsThatRetriesGetThroughAreCounted(LocalAws aws, @TempDir Path data) {
        String table = SampleItems.createTable(aws.dynamoDb(), 100L);
        aws.faults()
                .on("DescribeTable")
                .forTable(table)
                .error(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED)
                .times(2);
        aws.faults().on("Scan").forTable(table).error(AwsError.THROTTLING).times(1);
        try (AwsClients clients = new AwsClients(
                InitialLoadIT.settings(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan"))))) {
            AtomicLong heard = new AtomicLong();
            clients.onThrottle(heard::incrementAndGet);

            clients.dynamoDb().describeTable(r -> r.tableName(table));
            clients.dynamoDb().scan(r -> r.tableName(table).limit(1));
            // A denial is no throttle.
            aws.faults()
                    .on("Scan")
                    .forTable(table)
                    .error(AwsError.ACCESS_DENIED)
                    .times(1);
            try {
                clients.dynamoDb().scan(r -> r.tableName(table).limit(1));
            } catch (RuntimeException expected) {
                // AccessDenied is not retried
            }

            assertThat(clients.throttles()).isEqualTo(3);
            assertThat(heard.get()).isEqualTo(3);
        } finally {
            aws.faults().reset();
        }
    }
}
