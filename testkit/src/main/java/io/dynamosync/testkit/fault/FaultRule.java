package io.dynamosync.testkit.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One installed fault: which calls it matches (an operation, optionally one table), what it does
 * to them (an error, added latency, or both), and how often (every call, a share of calls, or
 * the next N). Created through {@link Faults#on(String)}.
 */
public final class FaultRule {

    private final Faults owner;
    private final String operation;
    private final String table;
    private final AwsError error;
    private final Duration latency;
    private final double rate;
    private final AtomicInteger remaining;
    private final AtomicLong hits = new AtomicLong();

    FaultRule(Faults owner, String operation, String table, AwsError error, Duration latency, double rate, int times) {
        this.owner = owner;
        this.operation = operation;
        this.table = table;
        this.error = error;
        this.latency = latency;
        this.rate = rate;
        this.remaining = times < 0 ? null : new AtomicInteger(times);
    }

    /** Decides whether this rule applies to one call, consuming one of its N uses if it does. */
    boolean fires(String callOperation, String callTable) {
        if (!operation.equals("*") && !operation.equals(callOperation)) {
            return false;
        }
        if (table != null && !table.equals(callTable)) {
            return false;
        }
        if (rate < 1.0 && ThreadLocalRandom.current().nextDouble() >= rate) {
            return false;
        }
        if (remaining != null && remaining.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            return false;
        }
        hits.incrementAndGet();
        return true;
    }

    /** The error to answer with, or null for latency only. */
    public AwsError error() {
        return error;
    }

    /** Latency added before answering, zero for none. */
    public Duration latency() {
        return latency;
    }

    /** How many calls this rule has acted on. */
    public long hits() {
        return hits.get();
    }

    /** Whether a rule limited to N calls has used them all. */
    public boolean exhausted() {
        return remaining != null && remaining.get() == 0;
    }

    /** Uninstalls the rule; calls then pass through untouched. */
    public void remove() {
        owner.remove(this);
    }

    /** Describes a rule before it is installed; a terminal method installs it. */
    public static final class Builder {
        private final Faults owner;
        private final String operation;
        private String table;
        private AwsError error;
        private Duration latency = Duration.ZERO;

        Builder(Faults owner, String operation) {
            this.owner = owner;
            this.operation = Objects.requireNonNull(operation, "operation");
        }

        /** Matches only calls that name this table (by name, ARN, stream ARN or shard iterator). */
        public Builder forTable(String tableName) {
            this.table = tableName;
            return this;
        }

        /** Answers matching calls with this error instead of forwarding them. */
        public Builder error(AwsError awsError) {
            this.error = awsError;
            return this;
        }

        /** Delays matching calls by this much before answering them. */
        public Builder latency(Duration delay) {
            this.latency = Objects.requireNonNull(delay);
            return this;
        }

        /** Installs the rule for every matching call. */
        public FaultRule always() {
            return install(1.0, -1);
        }

        /** Installs the rule for a random share (0 to 1) of matching calls. */
        public FaultRule atRate(double share) {
            if (share <= 0 || share > 1) {
                throw new IllegalArgumentException("rate must be in (0, 1], was " + share);
            }
            return install(share, -1);
        }

        /** Installs the rule for the next {@code count} matching calls. */
        public FaultRule times(int count) {
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive, was " + count);
            }
            return install(1.0, count);
        }

        private FaultRule install(double rate, int times) {
            if (error == null && latency.isZero()) {
                throw new IllegalStateException("a fault needs an error, a latency or both");
            }
            FaultRule rule = new FaultRule(owner, operation, table, error, latency, rate, times);
            owner.add(rule);
            return rule;
        }
    }
}
