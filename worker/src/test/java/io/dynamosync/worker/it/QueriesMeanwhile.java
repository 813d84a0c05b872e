package io.dynamosync.worker.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts a worker's {@code orders} over its query API, one query after another, as a user would
 * while something happens to the worker (a re-load, a failure), and remembers what the answers
 * showed: how many were answered, the fewest documents any saw, and any that failed.
 */
final class QueriesMeanwhile implements AutoCloseable {

    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private QueriesMeanwhile(int port) {
        thread = new Thread(
                () -> {
                    while (!stop.get()) {
                        try {
                            ServedWorker.Answer answer = ServedWorker.post(
                                    port, ServedWorker.request("SELECT count(*) AS n FROM orders", null), null);
                            if (answer.status() != 200) {
                                failures.add(answer.status() + " " + answer.body());
                                continue;
                            }
                            JsonNode row = answer.json().get("results").get(0);
                            fewest.accumulateAndGet(row.get("n").asLong(), Math::min);
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                },
                "queries-meanwhile");
        thread.setDaemon(true);
    }

    /** Starts querying the worker served on {@code port}. */
    static QueriesMeanwhile start(int port) {
        QueriesMeanwhile queries = new QueriesMeanwhile(port);
        queries.thread.start();
        return queries;
    }

    /** Queries answered so far. */
    long answered() {
        return answered.get();
    }

    /** The fewest documents an answer counted; {@code Long.MAX_VALUE} before the first. */
    long fewest() {
        return fewest.get();
    }

    /** Queries that failed or were refused, with why. */
    List<String> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }
}
