package io.dynamosync.worker.stream;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The stream follower's progress, for {@code /status} and the metrics. */
public final class StreamProgress {

    private volatile String streamArn;
    private volatile boolean live;
    private final Set<String> reading = ConcurrentHashMap.newKeySet();
    private final Set<String> caughtUp = ConcurrentHashMap.newKeySet();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    private volatile Instant lastEventTime;

    void stream(String arn) {
        this.streamArn = arn;
    }

    void live() {
        this.live = true;
    }

    void reading(String shard) {
        reading.add(shard);
    }

    void closed(String shard) {
        reading.remove(shard);
        caughtUp.remove(shard);
        closed.incrementAndGet();
    }

    void stopped(String shard) {
        reading.remove(shard);
        caughtUp.remove(shard);
    }

    void caughtUp(String shard, boolean atTip) {
        if (atTip) {
            caughtUp.add(shard);
        } else {
            caughtUp.remove(shard);
        }
    }

    void counts(long appliedTotal, long journaledTotal) {
        applied.set(appliedTotal);
        journaled.set(journaledTotal);
    }

    void event(Instant time) {
        Instant last = lastEventTime;
        if (last == null || time.isAfter(last)) {
            lastEventTime = time;
        }
    }

    /** Whether every shard being read has reached its newest record, and the journal is replayed. */
    public boolean synced() {
        return live && caughtUp.containsAll(reading);
    }

    public long recordsApplied() {
        return applied.get();
    }

    /** Now minus the newest applied change's time; zero when caught up. */
    public Long lagMillis() {
        if (synced()) {
            return 0L;
        }
        Instant last = lastEventTime;
        return last == null ? null : Math.max(0, Instant.now().toEpochMilli() - last.toEpochMilli());
    }

    public WorkerStatus.Stream snapshot() {
        return new WorkerStatus.Stream(streamArn, synced(), reading.size(), (int) closed.get(), applied.get(),
                journaled.get(), lastEventTime, lagMillis());
    }
}
