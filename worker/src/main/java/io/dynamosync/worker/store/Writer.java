package io.dynamosync.worker.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one writer thread. Producers (scan segments, export files, the stream follower)
 * hand it batches and go on reading; it commits at once whatever has queued up while the
 * previous commit ran (group commit), merged into one transaction of at most
 * {@link Limits#groupDocuments} documents and {@link Limits#groupBytes} bytes, so a lone page
 * commits without waiting and a busy load commits in large transactions. What waits to be written
 * is bounded in bytes: a producer that would exceed {@link Limits#queuedBytes} waits.
 *
 * <p>Between transactions it runs the store's maintenance: a DuckDB checkpoint when the
 * write-ahead log has grown past a bound or the writer has been idle a moment (see
 * {@link Store}).
 */
final class Writer {

    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

    /**
     * Bounds on what waits and what one transaction holds. The defaults are small on purpose: items waiting to be
     * written outlive the JVM's young collections, which copy them again each time, so a deeper queue costs CPU
     * (garbage collection took a quarter of the worker's two cores at 64 MB) and buys nothing once the writer is
     * the slower side.
     */
    record Limits(long queuedBytes, long groupBytes, int groupDocuments, Duration idle) {
        static final Limits DEFAULT = new Limits(8L << 20, 4L << 20, 50_000, Duration.ofSeconds(1));
    }

    /** Commits merged batches in one transaction; runs maintenance between transactions. */
    interface Target {
        /** Commits {@code batch}; returns, per job, the documents of its own batch written. */
        void commit(List<Job> jobs, Batch merged);

        /** Called when nothing has arrived for a moment, and after each transaction. */
        void maintain(boolean idle);
    }

    /** A batch handed to the writer, or a piece of work that needs the writer to itself. */
    static final class Job {
        final Batch batch;
        final Runnable exclusive;
        final FirstFailure firstFailure;
        final int permits;
        final CompletableFuture<Integer> done = new CompletableFuture<>();

        Job(Batch batch, Runnable exclusive, FirstFailure firstFailure, int permits) {
            this.batch = batch;
            this.exclusive = exclusive;
            this.firstFailure = firstFailure;
            this.permits = permits;
        }
    }

    /**
     * The first failure of a producer's batches, shared by all of them: they commit in the order handed over,
     * and once one fails, those after it are refused, so no later checkpoint can pass over lost rows.
     */
    static final class FirstFailure {
        volatile RuntimeException failure;
    }

    private final LinkedBlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    private final Semaphore queued;
    private final Limits limits;
    private final Target target;
    private final Thread thread;
    private volatile boolean stopping;
    private boolean exit;

    Writer(String name, Limits limits, Target target) {
        this.limits = limits;
        this.target = target;
        this.queued = new Semaphore(kilobytes(limits.queuedBytes()));
        this.thread = new Thread(this::run, "store-writer-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private static int kilobytes(long bytes) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024));
    }

    /** Hands a batch over; waits while too much waits already. */
    CompletableFuture<Integer> submit(Batch batch, FirstFailure firstFailure) {
        if (firstFailure.failure != null) {
            throw firstFailure.failure;
        }
        int permits = Math.min(kilobytes(batch.approximateBytes()), kilobytes(limits.queuedBytes()));
        try {
            queued.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to hand a batch to the store", e);
        }
        Job job = new Job(batch, null, firstFailure, permits);
        enqueue(job);
        return job.done;
    }

    /** Runs {@code work} on the writer thread between transactions, and waits for it. */
    void exclusive(Runnable work) {
        Job job = new Job(null, work, new FirstFailure(), 0);
        enqueue(job);
        await(job.done);
    }

    private void enqueue(Job job) {
        if (stopping) {
            queued.release(job.permits);
            throw new StoreException("the store is closed");
        }
        queue.add(job);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException(e.getCause().toString(), e.getCause());
        }
    }

    private void run() {
        while (true) {
            Job first;
            try {
                first = queue.poll(limits.idle().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                maintainQuietly(true);
                continue;
            }
            if (first.exclusive != null) {
                try {
                    first.exclusive.run();
                    first.done.complete(0);
                } catch (RuntimeException e) {
                    first.done.completeExceptionally(e);
                }
                if (exit) {
                    break;
                }
                continue;
            }
            List<Job> group = new ArrayList<>();
            Batch merged = new Batch();
            take(first, group, merged);
            while (merged.size() < limits.groupDocuments() && merged.approximateBytes() < limits.groupBytes()) {
                Job next = queue.peek();
                if (next == null || next.exclusive != null) {
                    break;
                }
                take(queue.poll(), group, merged);
            }
            if (!group.isEmpty()) {
                try {
                    target.commit(group, merged);
                } catch (RuntimeException e) {
                    for (Job job : group) {
                        job.firstFailure.failure = e;
                        job.done.completeExceptionally(e);
                    }
                } finally {
                    for (Job job : group) {
                        queued.release(job.permits);
                    }
                }
                maintainQuietly(false);
            }
        }
        // Whatever is left after close fails rather than hangs its producer.
        for (Job job; (job = queue.poll()) != null; ) {
            queued.release(job.permits);
            job.done.completeExceptionally(new StoreException("the store closed before this batch was written"));
        }
    }

    private void take(Job job, List<Job> group, Batch merged) {
        if (job.firstFailure.failure != null) {
            queued.release(job.permits);
            job.done.completeExceptionally(job.firstFailure.failure);
            return;
        }
        group.add(job);
        merged.append(job.batch);
    }

    private void maintainQuietly(boolean idle) {
        try {
            target.maintain(idle);
        } catch (RuntimeException e) {
            LOG.warn("store maintenance failed, will try again: {}", e.getMessage());
        }
    }

    /** Commits what is queued, then stops the thread. */
    void close() {
        if (stopping || !thread.isAlive()) {
            return;
        }
        Job last = new Job(null, () -> exit = true, new FirstFailure(), 0);
        queue.add(last);
        stopping = true;
        try {
            last.done.get(60, TimeUnit.SECONDS);
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("the store writer did not stop in time: {}", e.toString());
        }
    }
}
