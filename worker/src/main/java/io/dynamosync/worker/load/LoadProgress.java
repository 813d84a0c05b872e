package io.dynamosync.worker.load;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The initial load's progress, updated by the loading threads and read by the status endpoint
 * and the metrics: items loaded, the estimate, segments or files done, and the read capacity
 * consumed, second by second.
 */
public final class LoadProgress {

    private volatile String method;
    private volatile boolean complete;
    private final AtomicLong itemsLoaded = new AtomicLong();
    private final AtomicLong itemsRead = new AtomicLong();
    private volatile Long itemsEstimated;
    private final AtomicInteger unitsDone = new AtomicInteger();
    private volatile Integer unitsTotal;
    private final DoubleAdder consumed = new DoubleAdder();
    private final NavigableMap<Long, DoubleAdder> consumedBySecond = new ConcurrentSkipListMap<>();
    private final AtomicLong throttles = new AtomicLong();
    private volatile Double readCapacityLimit;
    private volatile String exportArn;
    private volatile Instant startedAt;
    private volatile Instant completedAt;

    /** Forgets everything, for a new load after a re-bootstrap. */
    public synchronized void reset() {
        method = null;
        consumed.reset();
        complete = false;
        itemsLoaded.set(0);
        itemsRead.set(0);
        itemsEstimated = null;
        unitsDone.set(0);
        unitsTotal = null;
        exportArn = null;
        startedAt = null;
        completedAt = null;
    }

    /** A load starts: by which method, with what estimate, in how many segments or files. */
    public void start(String loadMethod, Long estimate, Integer units, Instant at) {
        this.method = loadMethod;
        this.itemsEstimated = estimate;
        this.unitsTotal = units;
        this.startedAt = at;
    }

    public void units(int total) {
        this.unitsTotal = total;
    }

    /** Items committed to the store; on resume, what earlier runs committed. */
    public void loaded(long items) {
        itemsLoaded.addAndGet(items);
    }

    /** Items read from DynamoDB or S3 by this run (a resumed run reads fewer). */
    public void read(long items) {
        itemsRead.addAndGet(items);
    }

    public void unitDone() {
        unitsDone.incrementAndGet();
    }

    /** Read capacity consumed by one call, counted in the second it returned. */
    public void consumed(double units) {
        consumed.add(units);
        long second = Instant.now().getEpochSecond();
        consumedBySecond.computeIfAbsent(second, s -> new DoubleAdder()).add(units);
        // Keep ten minutes: enough for any window the status or a test looks at.
        while (!consumedBySecond.isEmpty() && consumedBySecond.firstKey() < second - 600) {
            consumedBySecond.pollFirstEntry();
        }
    }

    /** Read capacity an earlier run consumed, from its checkpoints, so the total survives restarts. */
    public void consumedBefore(double units) {
        consumed.add(units);
    }

    public void throttled() {
        throttles.incrementAndGet();
    }

    public void limit(double readCapacityUnits) {
        this.readCapacityLimit = readCapacityUnits;
    }

    public void exportArn(String arn) {
        this.exportArn = arn;
    }

    public void complete(Instant at) {
        this.completedAt = at;
        this.complete = true;
    }

    public boolean isComplete() {
        return complete;
    }

    public long itemsLoaded() {
        return itemsLoaded.get();
    }

    public long itemsRead() {
        return itemsRead.get();
    }

    public double consumedReadCapacity() {
        return consumed.sum();
    }

    public long throttles() {
        return throttles.get();
    }

    public String method() {
        return method;
    }

    /** Read capacity consumed in each second (epoch second to units), oldest first. */
    public Map<Long, Double> consumedBySecond() {
        Map<Long, Double> copy = new java.util.TreeMap<>();
        consumedBySecond.forEach((second, units) -> copy.put(second, units.sum()));
        return copy;
    }

    /** The load's progress as the status document shows it. */
    public WorkerStatus.Load snapshot() {
        long loaded = itemsLoaded.get();
        Long estimate = itemsEstimated;
        Integer percent = complete
                ? Integer.valueOf(100)
                : estimate == null || estimate == 0
                        ? null
                        : Integer.valueOf((int) Math.min(99, loaded * 100 / estimate));
        boolean scan = "Scan".equals(method);
        Integer total = unitsTotal;
        return new WorkerStatus.Load(
                method,
                complete,
                loaded,
                estimate,
                percent,
                scan ? Integer.valueOf(unitsDone.get()) : null,
                scan ? total : null,
                scan || method == null ? null : Integer.valueOf(unitsDone.get()),
                scan || method == null ? null : total,
                consumed.sum(),
                readCapacityLimit,
                exportArn,
                startedAt,
                completedAt,
                itemsRead.get());
    }
}
