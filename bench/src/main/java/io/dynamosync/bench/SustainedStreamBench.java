package io.dynamosync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Sustained stream: the highest steady write rate, doubling from {@code --sustain-start-rate}, at which the
 * worker's lag stays under one second for a whole step; beside the highest PutItem rate DynamoDB Local accepts
 * here from the same writers. Lag is measured from outside: the age of the oldest write the query API does
 * not show yet.
 */
final class SustainedStreamBench {

    private static final int WRITERS = 8;
    private static final long LAG_LIMIT_MILLIS = 1000;

    private SustainedStreamBench() {}

    static void run(Context ctx) throws Exception {
        DynamoDbClient dynamoDb = ctx.aws.newDynamoDb(b -> b.httpClientBuilder(
                software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(WRITERS * 2)));
        double limit = acceptedRate(ctx, dynamoDb);
        Progress.line("sustained stream: DynamoDB Local accepts %.0f PutItem/s from %d writers", limit, WRITERS);
        String table = Tables.create(dynamoDb, "sustain", "id", null, true);
        int seconds = ctx.options.sustainSeconds;
        double best = 0;
        try (WorkerRun worker = ctx.worker("sustain", table, Map.of("method", "Scan"), null)) {
            worker.await(
                    s -> "Streaming".equals(s.path("phase").asText()),
                    Duration.ofMillis(100),
                    Duration.ofMinutes(2),
                    "streaming");
            List<Long> completed = new ArrayList<>();
            AtomicInteger seq = new AtomicInteger();
            // A warm-up step, not judged: the first change makes the collection's table and columns.
            step(worker, dynamoDb, table, 5, 4, seq, completed);
            double failed = Double.NaN;
            for (double rate = ctx.options.sustainStartRate; rate <= limit * 1.5; rate *= 2) {
                if (!holds(ctx, worker, dynamoDb, table, rate, seconds, seq, completed)) {
                    failed = rate;
                    break;
                }
                best = rate;
            }
            // One more step between the last rate that held and the first that did not, for a finer answer.
            double previous = best / 2;
            if (best > 0
                    && !Double.isNaN(failed)
                    && holds(ctx, worker, dynamoDb, table, best * 1.5, seconds, seq, completed)) {
                previous = best;
                best = best * 1.5;
            }
            // The answer must hold for a whole minute (--sustain-confirm-seconds); if it does not, the rate below it
            // must.
            int confirm = ctx.options.sustainConfirmSeconds;
            if (best > 0) {
                double held = heldFor(ctx, worker, dynamoDb, table, best, confirm, seq, completed);
                if (held == 0 && previous >= ctx.options.sustainStartRate) {
                    held = heldFor(ctx, worker, dynamoDb, table, previous, confirm, seq, completed);
                }
                best = held;
            }
        }
        ctx.report.add(new Figure(
                "Sustained stream",
                "highest write rate with lag under 1 s for " + ctx.options.sustainConfirmSeconds + " s",
                best,
                limit,
                "writes/s",
                "the PutItem rate DynamoDB Local accepts here from " + WRITERS + " writers"));
    }

    /** A timed step's outcome: the write rate the writers reached and the worst lag seen. */
    private record Outcome(double achieved, long worstLagMillis) {}

    /** Runs one step and prints its progress line; {@code what} names it (e.g. "holding "). */
    private static Outcome timed(
            String what,
            WorkerRun worker,
            DynamoDbClient dynamoDb,
            String table,
            double rate,
            int seconds,
            AtomicInteger seq,
            List<Long> completed)
            throws Exception {
        long[] result = step(worker, dynamoDb, table, rate, seconds, seq, completed);
        Outcome outcome = new Outcome(result[0] / (double) seconds, result[1]);
        Progress.line(
                "sustained stream: %s%.0f writes/s for %d s (%.0f/s achieved): worst lag %d ms",
                what, rate, seconds, outcome.achieved(), outcome.worstLagMillis());
        return outcome;
    }

    /** Whether the lag stays under the limit at {@code rate} for {@code seconds}, with the writers keeping the rate. */
    private static boolean holds(
            Context ctx,
            WorkerRun worker,
            DynamoDbClient dynamoDb,
            String table,
            double rate,
            int seconds,
            AtomicInteger seq,
            List<Long> completed)
            throws Exception {
        Outcome outcome = timed("", worker, dynamoDb, table, rate, seconds, seq, completed);
        if (outcome.achieved() < rate * 0.9) {
            ctx.report.note(String.format(
                    "Sustained stream: the writers reached %.0f of %.0f writes/s asked; the search stopped there.",
                    outcome.achieved(), rate));
            return false;
        }
        return outcome.worstLagMillis() < LAG_LIMIT_MILLIS;
    }

    /**
     * The rate held for {@code seconds} with the lag under the limit: {@code rate}, or what the writers reached when
     * DynamoDB Local took fewer writes than asked (the source's limit, not the worker's); 0 when the lag passed it.
     */
    private static double heldFor(
            Context ctx,
            WorkerRun worker,
            DynamoDbClient dynamoDb,
            String table,
            double rate,
            int seconds,
            AtomicInteger seq,
            List<Long> completed)
            throws Exception {
        Outcome outcome = timed("holding ", worker, dynamoDb, table, rate, seconds, seq, completed);
        if (outcome.worstLagMillis() >= LAG_LIMIT_MILLIS) {
            return 0;
        }
        if (outcome.achieved() < rate * 0.9) {
            ctx.report.note(String.format(
                    "Sustained stream: for the minute at %.0f writes/s the writers reached %.0f/s (what "
                            + "DynamoDB Local took); the figure is the rate reached, with the lag under 1 s throughout.",
                    rate, outcome.achieved()));
            return outcome.achieved();
        }
        return rate;
    }

    /** One step at {@code rate}: writes made and the worst lag in ms, sampled four times a second. */
    private static long[] step(
            WorkerRun worker,
            DynamoDbClient dynamoDb,
            String table,
            double rate,
            int seconds,
            AtomicInteger seq,
            List<Long> completed)
            throws Exception {
        int writes = (int) Math.round(rate * seconds);
        long start = System.nanoTime();
        AtomicInteger ticket = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            futures.add(pool.submit(() -> {
                for (int k = ticket.getAndIncrement(); k < writes; k = ticket.getAndIncrement()) {
                    long due = start + (long) (k * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    int i = seq.getAndIncrement();
                    dynamoDb.putItem(b -> b.tableName(table)
                            .item(Map.of(
                                    "id",
                                    AttributeValue.fromS("s-" + i),
                                    "seq",
                                    AttributeValue.fromN(Integer.toString(i)),
                                    "note",
                                    AttributeValue.fromS("a steady stream of small changes"))));
                    synchronized (completed) {
                        completed.add(System.nanoTime());
                    }
                }
                return null;
            }));
        }
        long worst = 0;
        long end = start + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end || futures.stream().anyMatch(f -> !f.isDone())) {
            Thread.sleep(250);
            long visible = visible(worker);
            long now = System.nanoTime();
            long oldestUnseen;
            synchronized (completed) {
                oldestUnseen = visible < completed.size() ? completed.get((int) visible) : now;
            }
            worst = Math.max(worst, (now - oldestUnseen) / 1_000_000);
            if (System.nanoTime() > end + Duration.ofSeconds(seconds).toNanos()) {
                break; // the writers could not keep up; the rate check says so
            }
        }
        pool.shutdownNow();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
                // cut short above
            }
        }
        // Let the worker catch up before the next step, so each step starts from no lag.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long visible = visible(worker);
            synchronized (completed) {
                if (visible >= completed.size()) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        return new long[] {Math.min(writes, ticket.get()), worst};
    }

    /** Documents the query API shows; 0 before the first change makes the table. */
    private static long visible(WorkerRun worker) throws InterruptedException {
        try {
            return worker.query("SELECT count(*) AS n FROM sustain")
                    .path("results")
                    .path(0)
                    .path("n")
                    .asLong();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** PutItem calls per second DynamoDB Local takes from the writers at full speed, on a table with a stream. */
    private static double acceptedRate(Context ctx, DynamoDbClient dynamoDb) throws Exception {
        String table = Tables.create(dynamoDb, "accept", "id", null, true);
        AtomicInteger count = new AtomicInteger();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    int i = count.getAndIncrement();
                    dynamoDb.putItem(b -> b.tableName(table)
                            .item(Map.of(
                                    "id",
                                    AttributeValue.fromS("a-" + i),
                                    "seq",
                                    AttributeValue.fromN(Integer.toString(i)),
                                    "note",
                                    AttributeValue.fromS("a steady stream of small changes"))));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }
}
