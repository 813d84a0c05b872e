package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection loaded again (here after trimmed stream records) keeps answering queries from the
 * last complete load while the new one is built beside it: no query fails and none finds the
 * collection empty or half loaded, and once the new load has caught up it is served.
 */
@ExtendWith(LocalAwsExtension.class)
class ReloadWhileQueryingIT {

    @Test
    void queriesKeepAnsweringFromTheServedLoadWhileTheNextIsBuilt(LocalAws aws, @TempDir Path data) throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, 300);

        try (StreamSyncIT.Running running = StreamSyncIT.Running.start(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")))) {
            WorkerServer server = new WorkerServer(running.worker(), 0, ApiKey.of(null));
            try {
                running.await(StreamSyncIT::synced, Duration.ofSeconds(60));
                List<String> failures = new CopyOnWriteArrayList<>();
                AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
                AtomicLong answered = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                Thread queries = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            ServedWorker.Answer answer = ServedWorker.post(server.port(), ServedWorker.request(
                                    "SELECT count(*) AS n, count(status) AS with_status FROM orders", null), null);
                            if (answer.status() != 200) {
                                failures.add(answer.status() + " " + answer.body());
                                continue;
                            }
                            JsonNode row = answer.json().get("results").get(0);
                            fewest.accumulateAndGet(row.get("n").asLong(), Math::min);
                            if (row.get("with_status").asLong() != row.get("n").asLong()) {
                                failures.add("documents without their attributes: " + row);
                            }
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                queries.start();

                aws.faults().on("GetRecords").forTable(table).error(AwsError.TRIMMED_DATA_ACCESS).times(1);
                SampleItems.fill(aws.dynamoDb(), table, 300, 400);
                running.await(s -> !s.rebootstraps().isEmpty() && StreamSyncIT.synced(s) && s.store().documents() == 400,
                        Duration.ofSeconds(90));
                stop.set(true);
                queries.join(10_000);

                assertThat(running.worker().status().rebootstraps().get(0).reason()).startsWith("StreamTrimmed");
                assertThat(failures).as("queries that failed or saw a partial document").isEmpty();
                assertThat(answered.get()).as("queries answered during the reload").isPositive();
                assertThat(fewest.get()).as("the fewest documents a query saw").isGreaterThanOrEqualTo(300);
            } finally {
                server.close();
            }
        }
    }
}
