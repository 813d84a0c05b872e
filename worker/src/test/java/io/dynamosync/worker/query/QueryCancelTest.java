package io.dynamosync.worker.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A running query cancelled by its id (what the query front does on DELETE /queries/{id}) stops at once. */
class QueryCancelTest {

    @TempDir
    Path directory;

    @Test
    void aRunningQueryCancelledByItsIdEndsWithQueryCancelledAndAnUnknownIdCancelsNothing() {
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY);
                QueryRunner runner = new QueryRunner(
                        store, Duration.ofSeconds(60), 10_000, QueryAdmission.forProcessors(2), (o, e) -> {})) {
            Batch batch = new Batch();
            for (int i = 0; i < 400; i++) {
                batch.upsert(
                        "o" + i, Map.of("id", AttributeValue.fromN(Integer.toString(i))), Instant.now(), "id=" + i);
            }
            store.commit(batch.checkpoint(
                    Store.LOAD_CHECKPOINT, JsonNodeFactory.instance.objectNode().put("complete", true)));
            assertThat(runner.cancel("nothing")).isFalse();

            // 400^4 rows: minutes of work, far past the moment it is cancelled.
            String slow = "SELECT count(*) AS n FROM orders a, orders b, orders c, orders d WHERE a.id + b.id + c.id"
                    + " + d.id >= 0";
            long started = System.nanoTime();
            CompletableFuture<QueryResponse> running = CompletableFuture.supplyAsync(
                    () -> runner.run(new QueryRequest(new QueryRequest.Sql(slow, List.of(), null)), "q-slow"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runner.cancel("q-slow"));

            assertThat(running)
                    .failsWithin(Duration.ofSeconds(20))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOfSatisfying(
                            QueryFailure.class, f -> assertThat(f.reason()).isEqualTo(QueryFailure.CANCELLED));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(runner.cancel("q-slow")).as("an ended query").isFalse();
        }
    }
}
