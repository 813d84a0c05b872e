package io.dynamosync.worker.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts the attempts DynamoDB and DynamoDB Streams throttled, the SDK's own retries included, from the metrics
 * the SDK publishes for each call: a throttled attempt that a retry then gets through is invisible to the code
 * that made the call, yet it is exactly what a user tuning the read capacity cap wants to see.
 */
final class ThrottleCount implements MetricPublisher {

    /** The SDK's error type of a throttled attempt ({@code SdkErrorType.THROTTLING}, an internal class). */
    static final String THROTTLING = "Throttling";

    private final AtomicLong count = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void publish(MetricCollection call) {
        for (MetricCollection attempt : call.children()) {
            if (attempt.metricValues(CoreMetric.ERROR_TYPE).contains(THROTTLING)) {
                count.incrementAndGet();
                listeners.forEach(Runnable::run);
            }
        }
    }

    /** Throttled attempts so far. */
    long count() {
        return count.get();
    }

    /** Runs {@code listener} on each throttled attempt, on the thread that made the call. */
    void onThrottle(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        // Nothing buffered, nothing to flush.
    }
}
