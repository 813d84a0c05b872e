package io.dynamosync.testkit.fault;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fault proxy's rule book and call counter. Every DynamoDB and DynamoDB Streams call that
 * reaches the kit's endpoint is counted here, by operation and by table, then checked against
 * the installed rules in order; the first that fires decides the call's fate. The capacity that
 * DynamoDB Local reports consuming ({@code ConsumedCapacity.CapacityUnits}, in the responses to
 * calls that asked for it) is summed here too, by operation and table and by the second the
 * answer was relayed, so a test can check a client's rate without trusting the client's own count.
 *
 * <pre>{@code
 * aws.faults().on("Scan").forTable("orders").error(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED).atRate(0.2);
 * aws.faults().on("GetRecords").error(AwsError.EXPIRED_ITERATOR).times(1);
 * aws.faults().on("*").latency(Duration.ofMillis(50)).always();
 * }</pre>
 */
public final class Faults {

    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<Long, DoubleAdder>> consumed = new ConcurrentHashMap<>();

    /** Starts a rule for calls of {@code operation} (e.g. {@code "Scan"}, {@code "GetRecords"}, or {@code "*"}). */
    public FaultRule.Builder on(String operation) {
        return new FaultRule.Builder(this, operation);
    }

    void add(FaultRule rule) {
        rules.add(rule);
    }

    void remove(FaultRule rule) {
        rules.remove(rule);
    }

    /** Removes every rule and forgets every count, so one test's faults never reach the next. */
    public void reset() {
        rules.clear();
        calls.clear();
        consumed.clear();
    }

    /**
     * Counts capacity a relayed answer reports consumed.
     *
     * @param operation the call's operation
     * @param table the table the call names, or null
     * @param units the answer's {@code ConsumedCapacity.CapacityUnits}
     * @param at when the answer was relayed
     */
    public void consumed(String operation, String table, double units, Instant at) {
        consumed.computeIfAbsent(operation + "/" + table, k -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(at.getEpochSecond(), k -> new DoubleAdder())
                .add(units);
    }

    /** Capacity units the answers to {@code operation} on {@code table} reported consumed, in all. */
    public double consumedCapacity(String operation, String table) {
        return consumedCapacityBySecond(operation, table).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** The same, by the epoch second each answer was relayed in, oldest first; seconds without any are absent. */
    public Map<Long, Double> consumedCapacityBySecond(String operation, String table) {
        Map<Long, Double> copy = new TreeMap<>();
        NavigableMap<Long, DoubleAdder> seconds = consumed.get(operation + "/" + table);
        if (seconds != null) {
            seconds.forEach((second, units) -> copy.put(second, units.sum()));
        }
        return copy;
    }

    /**
     * Counts one call and returns the rule that acts on it, or null to let it through.
     *
     * @param operation the operation name from {@code X-Amz-Target}
     * @param table the table the call names, or null when it names none
     */
    public FaultRule onCall(String operation, String table) {
        calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
        if (table != null) {
            calls.computeIfAbsent(operation + "/" + table, k -> new LongAdder()).increment();
        }
        for (FaultRule rule : rules) {
            if (rule.fires(operation, table)) {
                return rule;
            }
        }
        return null;
    }

    /** How many calls of {@code operation} the proxy has seen, faulted ones included. */
    public long calls(String operation) {
        LongAdder count = calls.get(operation);
        return count == null ? 0 : count.sum();
    }

    /** How many calls of {@code operation} naming {@code table} the proxy has seen. */
    public long calls(String operation, String table) {
        return calls(operation + "/" + table);
    }
}
