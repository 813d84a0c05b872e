package io.dynamosync.worker.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads one shard into the committer's queue: GetRecords at most five times a second, a fresh iterator after the
 * last record read when one expires (or nears its 15 minutes), backing off when throttled. A gap (records or the
 * shard trimmed before they were read) stops the follower; any other failure ends this read, and discovery starts
 * the shard again after what was queued.
 */
final class ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);
    static final Duration MIN_CALL_SPACING = Duration.ofMillis(200);
    /** Iterators last 15 minutes; one older than this is replaced before use. */
    private static final Duration ITERATOR_REFRESH = Duration.ofMinutes(14);
    /** Records one GetRecords call asks for: the most AWS returns. */
    private static final int PAGE = 1000;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final BlockingQueue<ShardPage> pages;
    private final StreamProgress progress;
    private final Duration idlePoll;
    private final FollowerControl control;

    ShardReader(
            DynamoDbStreamsClient streams,
            String streamArn,
            BlockingQueue<ShardPage> pages,
            StreamProgress progress,
            Duration idlePoll,
            FollowerControl control) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.pages = pages;
        this.progress = progress;
        this.idlePoll = idlePoll;
        this.control = control;
    }

    /** Reads {@code shard} until it ends or the follower stops; on the reader's own thread. */
    void read(ShardState shard) {
        boolean ended = false;
        try {
            ended = readShard(shard);
        } catch (StreamLostException e) {
            control.fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!control.stopping()) {
                LOG.warn("reading shard {} failed, will start again: {}", shard.id, e.toString());
                progress.readFailed(shard.id, e);
            }
        } finally {
            // A shard read to its end stays taken until the committer marks it finished;
            // released earlier, discovery would read it again before its end is committed.
            if (!ended) {
                shard.reading = false;
                progress.stopped(shard.id);
                control.rediscover();
            }
        }
    }

    /** Reads a shard until it ends (returns true) or the follower stops (returns false). */
    private boolean readShard(ShardState shard) throws InterruptedException {
        String lastRead = shard.queuedSequence;
        String iterator = iterator(shard.id, lastRead);
        Instant iteratorAt = Instant.now();
        Duration backoff = Duration.ofMillis(100);
        while (!control.stopping()) {
            if (Duration.between(iteratorAt, Instant.now()).compareTo(ITERATOR_REFRESH) > 0) {
                iterator = iterator(shard.id, lastRead);
                iteratorAt = Instant.now();
            }
            long callStart = System.nanoTime();
            Instant sentAt = Instant.now();
            GetRecordsResponse response;
            try {
                String current = iterator;
                response = streams.getRecords(b -> b.shardIterator(current).limit(PAGE));
            } catch (ExpiredIteratorException e) {
                LOG.info("iterator of shard {} expired; continuing after {}", shard.id, lastRead);
                iterator = iterator(shard.id, lastRead);
                iteratorAt = Instant.now();
                continue;
            } catch (TrimmedDataAccessException e) {
                throw new StreamLostException(
                        "StreamTrimmed", "records of shard " + shard.id + " were trimmed before they were read");
            } catch (LimitExceededException e) {
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                        ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
                continue;
            } catch (ResourceNotFoundException e) {
                throw new StreamLostException("ShardTrimmed", "shard " + shard.id + " disappeared while it was read");
            }
            backoff = Duration.ofMillis(100);
            progress.readSucceeded(shard.id);
            List<ChangeRecord> records = new ArrayList<>(response.records().size());
            for (Record record : response.records()) {
                records.add(ChangeRecord.of(shard.id, record));
            }
            boolean closed = response.nextShardIterator() == null;
            if (!records.isEmpty()) {
                lastRead = records.get(records.size() - 1).sequence();
            }
            // Told before the committer can have them, so nothing read is ever unaccounted for.
            long ticket = progress.read(shard.id, records.size(), closed, sentAt, records.size() < PAGE);
            if (!records.isEmpty() || closed) {
                pages.put(new ShardPage(shard.id, records, closed, ticket));
                shard.queuedSequence = lastRead;
            }
            if (closed) {
                return true;
            }
            iterator = response.nextShardIterator();
            iteratorAt = Instant.now();
            long spentNanos = System.nanoTime() - callStart;
            long pause = records.isEmpty() ? idlePoll.toNanos() : MIN_CALL_SPACING.toNanos() - spentNanos;
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
        return false;
    }

    private String iterator(String shard, String afterSequence) {
        try {
            return streams.getShardIterator(b -> {
                        b.streamArn(streamArn).shardId(shard);
                        if (afterSequence == null) {
                            b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                        } else {
                            b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                    .sequenceNumber(afterSequence);
                        }
                    })
                    .shardIterator();
        } catch (TrimmedDataAccessException e) {
            throw new StreamLostException(
                    "StreamTrimmed",
                    "records of shard " + shard + " after " + afterSequence + " were trimmed before they were read");
        } catch (ResourceNotFoundException e) {
            throw new StreamLostException("ShardTrimmed", "shard " + shard + " of " + streamArn + " no longer exists");
        }
    }
}
