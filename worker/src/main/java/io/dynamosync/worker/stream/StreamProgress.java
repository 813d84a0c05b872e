package io.dynamosync.worker.stream;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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
    /** Shards whose reads fail, with the first failure since their last good read. */
    private final Map<String, ReadFailure> failing = new ConcurrentHashMap<>();

    /** Reads of a shard failing since {@code since}; {@code latest} is the latest failure. */
    private record ReadFailure(Instant since, RuntimeException latest) {
    }

    /**
     * Reads that fail for longer than this are reported: the SDK has retried each already, so they
     * are no blip, and without a word the collection would look in sync while no change arrives.
     */
    static final Duration REPORT_FAILING_AFTER = Duration.ofSeconds(2);

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

    void readFailed(String shard, RuntimeException e) {
        failing.compute(shard, (id, was) -> new ReadFailure(was == null ? Instant.now() : was.since(), e));
    }

    void readSucceeded(String shard) {
        failing.remove(shard);
    }

    /**
     * Why the stream is not being read, when a shard's reads have failed for a while: AWS's denial
     * ({@code AccessDenied}) or another AWS error ({@code AwsCallFailed}); empty while reads work.
     */
    public Optional<WorkerStatus.Error> readError() {
        Instant now = Instant.now();
        for (Map.Entry<String, ReadFailure> entry : failing.entrySet()) {
            ReadFailure failure = entry.getValue();
            if (Duration.between(failure.since(), now).compareTo(REPORT_FAILING_AFTER) < 0) {
                continue;
            }
            String code = failure.latest() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                    && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
            String said = failure.latest() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                    && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorMessage() : failure.latest().toString();
            if ("AccessDeniedException".equals(code)) {
                return Optional.of(new WorkerStatus.Error("AccessDenied", "the worker may not read the stream "
                        + streamArn + ": grant dynamodb:GetRecords and dynamodb:GetShardIterator on it. AWS said: "
                        + said, failure.since()));
            }
            return Optional.of(new WorkerStatus.Error("AwsCallFailed", "reading shard " + entry.getKey()
                    + " of stream " + streamArn + " has failed since " + failure.since() + ", retrying: " + said,
                    failure.since()));
        }
        return Optional.empty();
    }
}
