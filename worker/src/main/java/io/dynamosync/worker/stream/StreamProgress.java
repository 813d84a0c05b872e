package io.dynamosync.worker.stream;

import io.dynamosync.api.worker.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stream follower's progress, for {@code /status} and the metrics, and what "synced" and
 * "lag" mean.
 *
 * <p><b>Synced</b> holds when the journal is replayed, every record read has been committed, and
 * the newest read of every open shard (listed and not finished, whether a reader has it yet or
 * not) found nothing newer. {@link #syncedAsOf()} is then when the oldest of those empty reads was
 * sent: every change the stream had published by that instant is queryable.
 *
 * <p><b>Lag</b> is zero only when no record read waits to be committed; otherwise it is the age
 * of the oldest record read and not committed, counted on the worker's monotonic clock from the
 * moment the worker read it. Stream record times are not used: AWS rounds them to the second and
 * DynamoDB Local to the minute, which would report zero while records wait, or a minute where
 * there is none.
 */
public final class StreamProgress {

    /** One page read and not yet committed: how many records, and when the worker read them. */
    private record Waiting(int records, long readAtNanos, boolean journaled) {}

    /** The newest read of a shard: whether it found nothing newer, and when it was sent. */
    private record Tip(boolean atTip, Instant sentAt) {}

    /**
     * The newest read of a shard that came back short of a full page, so read all the shard had published when it was
     * sent; {@code ticket}: no page read before it has a later ticket.
     */
    private record CaughtUp(Instant sentAt, long ticket) {}

    private volatile String streamArn;
    private volatile boolean live;
    /** Set once the follower has stopped for good (its stream failed or was turned off): no change is followed any more. */
    private volatile boolean stopped;

    private volatile boolean listed;
    private final Set<String> reading = ConcurrentHashMap.newKeySet();
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    /**
     * Shards read to their end whose children the next listing brings: until it does, the children's records are
     * unread, so nothing is synced or passed.
     */
    private final Set<String> awaitingChildren = ConcurrentHashMap.newKeySet();

    private final Map<String, Tip> tips = new ConcurrentHashMap<>();
    private final Map<String, CaughtUp> caughtUp = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Waiting> waiting = new ConcurrentSkipListMap<>();
    private final AtomicLong tickets = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    private volatile Instant lastEventTime;
    /** The newest instant {@link #passed} was seen to hold for: it goes on holding, since committed pages stay. */
    private final AtomicReference<Instant> passedAsOf = new AtomicReference<>();
    /** Shards whose reads fail, with the first failure since their last good read. */
    private final Map<String, ReadFailure> failing = new ConcurrentHashMap<>();

    /** Reads of a shard failing since {@code since}; {@code latest} is the latest failure. */
    private record ReadFailure(Instant since, RuntimeException latest) {}

    /**
     * Reads that fail for longer than this are reported: the SDK has retried each already, so they
     * are no blip, and without a word the collection would look in sync while no change arrives.
     */
    static final Duration REPORT_FAILING_AFTER = Duration.ofSeconds(2);

    void stream(String arn) {
        this.streamArn = arn;
    }

    /** The journal is replayed: what was journaled is queryable now. */
    void live() {
        waiting.values().removeIf(Waiting::journaled);
        this.live = true;
        notePassed();
    }

    /**
     * The follower stopped for good: its stream failed (trimmed, replaced, turned off) or the
     * worker stopped following it. The status then says the worker no longer follows changes and
     * is not synced, while the store goes on serving what it holds.
     */
    public void stopped() {
        this.stopped = true;
    }

    /** Whether the worker applies changes as they come: the journal is replayed and the follower runs. */
    public boolean following() {
        return live && !stopped;
    }

    /** The shards a listing found that are not finished: each must be read to its tip before the stream is synced. */
    void open(Collection<String> shards) {
        open.retainAll(shards);
        open.addAll(shards);
        awaitingChildren.clear();
        listed = true;
    }

    void reading(String shard) {
        reading.add(shard);
    }

    void closed(String shard) {
        // Before it leaves the open shards: no check may see the shard gone and its children not yet there.
        awaitingChildren.add(shard);
        reading.remove(shard);
        open.remove(shard);
        tips.remove(shard);
        caughtUp.remove(shard);
        closed.incrementAndGet();
    }

    void stopped(String shard) {
        reading.remove(shard);
        tips.remove(shard);
        caughtUp.remove(shard);
    }

    /**
     * One GetRecords answer, told before its records go to the committer.
     *
     * @param sentAt when the call was sent
     * @return the ticket to hand back to {@link #committed(long, boolean)}; 0 when nothing waits
     */
    long read(String shard, int records, boolean shardClosed, Instant sentAt) {
        return read(shard, records, shardClosed, sentAt, records == 0);
    }

    /**
     * {@link #read(String, int, boolean, Instant)}, saying whether the answer came back short of a full page: it then
     * held everything the shard had published when the call was sent (see {@link #passed}).
     */
    long read(String shard, int records, boolean shardClosed, Instant sentAt, boolean shortPage) {
        // The tip goes first, so a status read between the two steps sees the shard behind, not synced.
        tips.put(shard, new Tip(records == 0 && !shardClosed, sentAt));
        long ticket = 0;
        if (records > 0) {
            ticket = tickets.incrementAndGet();
            waiting.put(ticket, new Waiting(records, System.nanoTime(), false));
        }
        // After the waiting page, so no check sees this read caught up before its records wait.
        if (shortPage && !shardClosed) {
            caughtUp.put(shard, new CaughtUp(sentAt, records == 0 ? tickets.get() : ticket));
        }
        notePassed();
        return ticket;
    }

    /**
     * Whether every change the stream had published by {@code instant} is queryable: every open shard has had a read
     * sent after it that came back short of a full page, and every page read up to those reads is committed. Unlike
     * {@link #synced()}, this holds under steady writes, when reads seldom come back empty.
     */
    public boolean passed(Instant instant) {
        if (!following() || !listed || open.isEmpty() || !awaitingChildren.isEmpty()) {
            return false;
        }
        long through = 0;
        for (String shard : open) {
            CaughtUp read = caughtUp.get(shard);
            if (read == null || !read.sentAt().isAfter(instant)) {
                return false;
            }
            through = Math.max(through, read.ticket());
        }
        Map.Entry<Long, Waiting> oldest = waiting.firstEntry();
        return oldest == null || oldest.getKey() > through;
    }

    /** A page is committed: applied (queryable) or journaled (queryable once the load ends and the journal is replayed). */
    void committed(long ticket, boolean journaledOnly) {
        if (ticket == 0) {
            return;
        }
        if (journaledOnly) {
            waiting.computeIfPresent(ticket, (t, w) -> new Waiting(w.records(), w.readAtNanos(), true));
        } else {
            waiting.remove(ticket);
        }
        notePassed();
    }

    /**
     * Notes the newest instant {@link #passed} holds for: the oldest of the open shards' latest short reads, once
     * every page read up to them is committed.
     */
    private void notePassed() {
        if (!following() || !listed || open.isEmpty() || !awaitingChildren.isEmpty()) {
            return;
        }
        Instant oldest = null;
        long through = 0;
        for (String shard : open) {
            CaughtUp read = caughtUp.get(shard);
            if (read == null) {
                return;
            }
            oldest = oldest == null || read.sentAt().isBefore(oldest) ? read.sentAt() : oldest;
            through = Math.max(through, read.ticket());
        }
        Map.Entry<Long, Waiting> first = waiting.firstEntry();
        if (first != null && first.getKey() <= through) {
            return;
        }
        Instant at = oldest;
        passedAsOf.accumulateAndGet(at, (was, now) -> was == null || now.isAfter(was) ? now : was);
    }

    /**
     * The newest instant as of which every change the stream had published is known to be queryable: when synced,
     * {@link #syncedAsOf()}; under steady writes, which keep the worker from being synced, the last instant
     * {@link #passed} was seen to hold for. Null before either has held.
     */
    public Instant queryableAsOf() {
        Instant synced = syncedAsOf();
        Instant passed = passedAsOf.get();
        if (synced == null) {
            return passed;
        }
        return passed == null || synced.isAfter(passed) ? synced : passed;
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

    /** Whether everything read is queryable and every open shard's newest read found nothing newer. */
    public boolean synced() {
        return syncedAsOf() != null;
    }

    /**
     * When synced, the moment as of which every change the stream had published is queryable (the
     * oldest of the open shards' newest reads); null when not synced.
     */
    public Instant syncedAsOf() {
        if (!following() || !listed || open.isEmpty() || !awaitingChildren.isEmpty()) {
            return null;
        }
        // Tips before the waiting records: a reader marks its shard behind before it registers what it read.
        Instant oldest = null;
        for (String shard : open) {
            Tip tip = tips.get(shard);
            if (tip == null || !tip.atTip()) {
                return null;
            }
            oldest = oldest == null || tip.sentAt().isBefore(oldest) ? tip.sentAt() : oldest;
        }
        return waiting.isEmpty() ? oldest : null;
    }

    public long recordsApplied() {
        return applied.get();
    }

    /** Records read and not yet queryable. */
    public long recordsWaiting() {
        return waiting.values().stream().mapToLong(Waiting::records).sum();
    }

    /**
     * The age of the oldest record read and not yet queryable, in milliseconds (at least 1 while
     * any waits); zero when none waits once the load has ended; null during the load when none waits.
     */
    public Long lagMillis() {
        Map.Entry<Long, Waiting> oldest = waiting.firstEntry();
        if (oldest == null) {
            return following() ? 0L : null;
        }
        return Math.max(1, (System.nanoTime() - oldest.getValue().readAtNanos()) / 1_000_000);
    }

    public WorkerStatus.Stream snapshot() {
        // Readers register and writers apply records while this reads, so the figures are made to agree with the
        // count of waiting records taken first: never synced, nor a lag of zero, beside records said to wait.
        long waitingRecords = recordsWaiting();
        Instant asOf = waitingRecords > 0 ? null : syncedAsOf();
        Long lag = asOf != null ? Long.valueOf(0) : lagMillis();
        if (waitingRecords > 0 && (lag == null || lag < 1)) {
            lag = 1L;
        }
        return new WorkerStatus.Stream(
                streamArn,
                asOf != null,
                reading.size(),
                (int) closed.get(),
                applied.get(),
                journaled.get(),
                lastEventTime,
                lag,
                queryableAsOf(),
                waitingRecords,
                following());
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
                            && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode()
                    : null;
            String said = failure.latest() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                            && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorMessage()
                    : failure.latest().toString();
            if ("AccessDeniedException".equals(code)) {
                return Optional.of(new WorkerStatus.Error(
                        "AccessDenied",
                        "the worker may not read the stream "
                                + streamArn
                                + ": grant dynamodb:GetRecords and dynamodb:GetShardIterator on it. AWS said: "
                                + said,
                        failure.since()));
            }
            return Optional.of(new WorkerStatus.Error(
                    "AwsCallFailed",
                    "reading shard " + entry.getKey() + " of stream " + streamArn + " has failed since "
                            + failure.since() + ", retrying: " + said,
                    failure.since()));
        }
        return Optional.empty();
    }
}
