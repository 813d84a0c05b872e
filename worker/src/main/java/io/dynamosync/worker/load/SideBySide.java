package io.dynamosync.worker.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the parts of a load (scan segments, export files) side by side on a few threads and
 * waits for all of them; the first part that fails stops the others and is rethrown.
 */
public final class SideBySide {

    /** One part of a load. */
    public interface Part {
        void run() throws Exception;
    }

    private SideBySide() {
    }

    /**
     * @param failureReason the {@link LoadException} reason for a part failing with a checked exception
     */
    public static void run(String threadName, int threads, List<Part> parts, String failureReason) throws InterruptedException {
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
        }
    }
}
