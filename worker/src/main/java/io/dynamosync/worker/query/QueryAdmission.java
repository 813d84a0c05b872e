package io.dynamosync.worker.query;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Which queries may run, so that a few heavy ones cannot starve short ones.
 *
 * <p>At most {@code running} queries run at once; one more waits up to {@code queueWait} for a
 * place, then is turned away (429). A query still running after {@code longAfter} becomes
 * <em>long-running</em>, and at most {@code longRunning} of those may run at once, fewer than
 * {@code running}: a query that turns long when that many already are is stopped (429), so the
 * remaining places always turn over for short queries. DuckDB shares its threads among the queries
 * running, task by task, so a point lookup beside two runaway scans still answers.
 *
 * @param running queries that may run at once
 * @param longRunning of those, how many may run past {@code longAfter}
 * @param longAfter when a query counts as long-running
 * @param queueWait how long a query waits for a place before a 429
 */
public record QueryAdmission(int running, int longRunning, Duration longAfter, Duration queueWait) {

    /** For this many processors: twice as many places as processors, at least four; half of them for long-running queries. */
    public static QueryAdmission forProcessors(int processors) {
        int places = Math.max(4, 2 * processors);
        return new QueryAdmission(places, places / 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    public QueryAdmission {
        if (longRunning < 1 || longRunning >= running) {
            throw new IllegalArgumentException(
                    "long-running queries must be 1 to " + (running - 1) + ", was " + longRunning);
        }
    }

    /** The places, as semaphores a runner takes from. */
    Gate gate() {
        return new Gate(new Semaphore(running, true), new Semaphore(longRunning));
    }

    /** The places in use. */
    record Gate(Semaphore places, Semaphore longPlaces) {

        /** Waits for a place; false when none came within the wait. */
        boolean enter(Duration wait) throws InterruptedException {
            return places.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** A running query turns long-running: false when as many as allowed already are. */
        boolean turnLong() {
            return longPlaces.tryAcquire();
        }
    }
}
