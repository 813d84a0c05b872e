package io.dynamosync.worker.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the parts of a load (scan segments, export files) side by side on a few threads and
 * waits for all of them; the first part that fails stops the others and is rethrown.
 */
public final class ParallelParts {

    /** One part of a load. */
    public interface Part {
        void run() throws Exception;
    }

    private ParallelParts() {}

    /**
     * @param failureReason the {@link LoadException} reason for a part failing with a checked exception
     */
    public static void run(String threadName, int threads, List<Part> parts, String failureReason)
            throws InterruptedException {
        if (parts.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, parts.size())), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Part part : parts) {
                futures.add(pool.submit(() -> {
                    part.run();
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new LoadException(failureReason, threadName + " failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            // Parts stopped early (a part failed, or the load was stopped) must be done before this
            // returns: whoever called may clear the store next, and a late commit would survive it.
            boolean interrupted = Thread.interrupted();
            try {
                if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                    throw new LoadException(
                            failureReason, threadName + " did not stop within a minute of being asked to");
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
