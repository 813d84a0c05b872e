package io.dynamosync.testkit.fault;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fault proxy's rule book and call counter. Every DynamoDB and DynamoDB Streams call that
 * reaches the kit's endpoint is counted here, by operation and by table, then checked against
 * the installed rules in order; the first that fires decides the call's fate.
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
