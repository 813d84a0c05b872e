package io.dynamosync.worker.stream;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What the follower's threads share to stop together: whether they are stopping, the failure that stopped them
 * (the first one), and the prompt that wakes discovery early (a shard ended, a reader stopped).
 */
final class FollowerControl {

    private final Semaphore rediscover = new Semaphore(0);
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    boolean stopping() {
        return stopping;
    }

    RuntimeException failure() {
        return failure;
    }

    /** Stops every thread, keeping {@code e} as the reason unless another came first. */
    void fail(RuntimeException e) {
        if (failure == null) {
            failure = e;
        }
        stop();
    }

    void stop() {
        stopping = true;
        rediscover.release();
    }

    /** Has discovery list the shards again now rather than at its next interval. */
    void rediscover() {
        rediscover.release();
    }

    /** Waits up to {@code millis} for a prompt to list the shards again; prompts made meanwhile count as one. */
    void awaitRediscover(long millis) throws InterruptedException {
        rediscover.tryAcquire(millis, TimeUnit.MILLISECONDS);
        rediscover.drainPermits();
    }
}
