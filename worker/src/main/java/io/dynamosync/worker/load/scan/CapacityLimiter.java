package io.dynamosync.worker.load.scan;

/**
 * A token bucket fed by what DynamoDB reports each call consumed, so a scan's read capacity
 * stays under its cap over any window, not just on average: a caller reserves what it expects a
 * call to cost before making it, then settles with what the call actually consumed.
 *
 * <p>The bucket refills at 90% of the cap and holds at most a quarter second of it, which
 * keeps every 5-second window under the cap even when a page costs more than expected.
 */
public final class CapacityLimiter {

    private static final double RATE_SHARE = 0.9;
    private static final double BURST_SECONDS = 0.25;

    private final double rate;
    private final double burst;
    private double tokens;
    private long refilledAt;

    /** @param unitsPerSecond the cap, in read capacity units per second */
    public CapacityLimiter(double unitsPerSecond) {
        this.rate = unitsPerSecond * RATE_SHARE;
        this.burst = Math.max(1, unitsPerSecond * BURST_SECONDS);
        this.refilledAt = System.nanoTime();
    }

    /** The most one call should be planned to consume, so one page never outruns the bucket. */
    public double burst() {
        return burst;
    }

    /** Waits until {@code units} may be spent, and reserves them. */
    public void acquire(double units) throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                refill();
                double needed = Math.min(units, burst);
                if (tokens >= needed) {
                    tokens -= units;
                    return;
                }
                waitNanos = (long) ((needed - tokens) / rate * 1e9);
            }
            Thread.sleep(Math.max(1, waitNanos / 1_000_000), (int) (waitNanos % 1_000_000));
        }
    }

    /** Settles a reservation with what the call consumed; a costlier call leaves a debt. */
    public synchronized void settle(double reserved, double consumed) {
        refill();
        tokens = Math.min(burst, tokens + reserved - consumed);
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * rate);
        refilledAt = now;
    }
}
