package io.dynamosync.testkit.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.testkit.front.AwsCall;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Stream retention for DynamoDB Local, which never trims a stream: for a table a test names,
 * records published longer ago than a retention (or before a moment) are trimmed, as AWS trims
 * records older than 24 hours. The kit's front then answers that table's stream calls as AWS
 * does past a trim point: an iterator at {@code TRIM_HORIZON} starts after the trimmed records,
 * and {@code GetShardIterator} at or after a trimmed sequence number, or {@code GetRecords} on
 * an iterator whose next record was trimmed, answers {@code TrimmedDataAccessException}.
 *
 * <p>DynamoDB Local's records carry their creation time in whole minutes only, so the kit
 * learns when each record was published by reading the stream itself every
 * {@value #SAMPLE_MILLIS} ms from when trimming is asked for; a record counts as published when
 * first seen (at most that much late, so it is trimmed at most that much late). Records already
 * in the stream when trimming is asked for count as published then. Only iterators the front
 * handed out after {@link #watch(String)} are checked, since DynamoDB Local's iterators do not
 * tell where they stand: watch a table before its reader takes its first iterator.
 *
 * <pre>{@code
 * StreamTrimming.Trimmed trimmed = aws.streamTrimming().watch(table);
 * ... start the reader ...
 * trimmed.retention(Duration.ofSeconds(2));   // or trimmed.trimBefore(moment)
 * }</pre>
 */
public final class StreamTrimming implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamTrimming.class);
    static final long SAMPLE_MILLIS = 100;
    private static final String STREAMS_TARGET = "DynamoDBStreams_20120810";

    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final Clock clock;
    private final Map<String, Trimmed> tables = new ConcurrentHashMap<>();
    /** Where the next record of each iterator the front handed out would be: after this sequence number. */
    private final Map<String, Position> iterators = new ConcurrentHashMap<>();

    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stream-trimming");
        t.setDaemon(true);
        return t;
    });

    /** Where an iterator stands: its next record is the first of {@code shard} after {@code after} (-1: the shard's start). */
    private record Position(String table, String shard, BigInteger after) {}

    /** One shard's records as first seen: sequence numbers in order, with when each was seen. */
    private static final class ShardRecords {
        /** As the stream writes them: DynamoDB refuses a sequence number without its leading zeros. */
        final List<String> sequences = new ArrayList<>();

        final List<Instant> seen = new ArrayList<>();
        String iterator;
        String last;
    }

    /** A table under trimming: its stream, what was seen of it, and what is trimmed. */
    public final class Trimmed {
        private final String table;
        private final String streamArn;
        private final Map<String, ShardRecords> shards = new ConcurrentHashMap<>();
        private volatile Duration retention;
        private volatile Instant before;

        private Trimmed(String table, String streamArn) {
            this.table = table;
            this.streamArn = streamArn;
        }

        /** The moment before which published records are trimmed now. */
        private Instant cutoff() {
            Instant moving = retention == null ? null : clock.instant().minus(retention);
            Instant fixed = before;
            if (moving == null) {
                return fixed;
            }
            return fixed == null || moving.isAfter(fixed) ? moving : fixed;
        }

        /** The last trimmed sequence number of a shard, or null when nothing of it is trimmed. */
        synchronized String trimPoint(String shardId) {
            ShardRecords shard = shards.get(shardId);
            Instant cutoff = cutoff();
            if (shard == null || cutoff == null) {
                return null;
            }
            String point = null;
            for (int i = 0; i < shard.seen.size() && shard.seen.get(i).isBefore(cutoff); i++) {
                point = shard.sequences.get(i);
            }
            return point;
        }

        /** How many records of the table's stream are trimmed by now. */
        public synchronized long trimmedRecords() {
            Instant cutoff = cutoff();
            long count = 0;
            for (ShardRecords shard : shards.values()) {
                for (int i = 0;
                        cutoff != null
                                && i < shard.seen.size()
                                && shard.seen.get(i).isBefore(cutoff);
                        i++) {
                    count++;
                }
            }
            return count;
        }

        /** Reads what the stream published since the last sample, straight from DynamoDB Local. */
        private synchronized void sample() {
            for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                    .streamDescription()
                    .shards()) {
                ShardRecords records = shards.computeIfAbsent(shard.shardId(), id -> new ShardRecords());
                for (int page = 0; page < 100; page++) {
                    if (records.iterator == null) {
                        String after = records.last;
                        records.iterator = streams.getShardIterator(b -> {
                                    b.streamArn(streamArn).shardId(shard.shardId());
                                    if (after == null) {
                                        b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                                    } else {
                                        b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                                .sequenceNumber(after);
                                    }
                                })
                                .shardIterator();
                    }
                    GetRecordsResponse response;
                    try {
                        String current = records.iterator;
                        response = streams.getRecords(b -> b.shardIterator(current));
                    } catch (ExpiredIteratorException e) {
                        records.iterator = null;
                        continue;
                    }
                    Instant now = clock.instant();
                    for (Record record : response.records()) {
                        records.sequences.add(record.dynamodb().sequenceNumber());
                        records.seen.add(now);
                        records.last = record.dynamodb().sequenceNumber();
                    }
                    records.iterator = response.nextShardIterator();
                    if (response.records().isEmpty() || records.iterator == null) {
                        break;
                    }
                }
            }
        }

        /** Trims, from now on, every record published longer ago than {@code duration}. */
        public Trimmed retention(Duration duration) {
            this.retention = duration;
            return this;
        }

        /** Trims every record published before {@code moment} (records are seen within a sample of being published). */
        public Trimmed trimBefore(Instant moment) {
            this.before = moment;
            return this;
        }
    }

    /** Trimming that reads the streams from {@code dynamoDb} and {@code streams}, clients of DynamoDB Local itself. */
    public StreamTrimming(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.streams = streams;
        this.clock = clock;
        sampler.scheduleWithFixedDelay(this::sampleAll, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching the current stream of {@code table}, trimming nothing yet; set a
     * {@link Trimmed#retention(Duration)} or {@link Trimmed#trimBefore(Instant)} on the answer.
     */
    public Trimmed watch(String table) {
        String arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalArgumentException("table " + table + " has no stream to trim");
        }
        Trimmed trimmed = new Trimmed(table, arn);
        trimmed.sample();
        tables.put(table, trimmed);
        return trimmed;
    }

    /** Stops trimming {@code table}: its stream is served whole again, as DynamoDB Local keeps it. */
    public void forget(String table) {
        tables.remove(table);
        iterators.values().removeIf(p -> p.table().equals(table));
    }

    /** Stops trimming every table. */
    public void reset() {
        tables.clear();
        iterators.clear();
    }

    private void sampleAll() {
        for (Trimmed trimmed : tables.values()) {
            try {
                trimmed.sample();
            } catch (RuntimeException e) {
                LOG.warn("could not read the stream of {} to trim it: {}", trimmed.table, e.toString());
            }
        }
    }

    /** Whether this call reads the stream of a table under trimming. */
    public boolean handles(AwsCall call) {
        if (tables.isEmpty() || !STREAMS_TARGET.equals(call.service())) {
            return false;
        }
        return switch (call.operation()) {
            case "GetShardIterator" ->
                call.table() != null
                        && tables.containsKey(call.table())
                        && tables.get(call.table())
                                .streamArn
                                .equals(call.body().path("StreamArn").asText());
            case "GetRecords" ->
                iterators.containsKey(call.body().path("ShardIterator").asText());
            default -> false;
        };
    }

    /** What the front does with a call {@link #handles} took: refuse it, or send it on (perhaps rewritten). */
    public sealed interface Decision permits Refuse, Forward {}

    /** Answer TrimmedDataAccessException. */
    public record Refuse() implements Decision {}

    /** Send {@code body} to DynamoDB Local, then give its answer to {@link #answered}. */
    public record Forward(JsonNode body) implements Decision {}

    /** Decides a call {@link #handles} took. */
    public Decision decide(AwsCall call) {
        if (call.operation().equals("GetShardIterator")) {
            Trimmed trimmed = tables.get(call.table());
            String trimPoint = trimmed == null
                    ? null
                    : trimmed.trimPoint(call.body().path("ShardId").asText());
            if (trimPoint == null) {
                return new Forward(call.body());
            }
            BigInteger point = new BigInteger(trimPoint);
            String type = call.body().path("ShardIteratorType").asText();
            switch (type) {
                case "TRIM_HORIZON" -> {
                    ObjectNode rewritten = ((ObjectNode) call.body()).deepCopy();
                    rewritten.put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER");
                    rewritten.put("SequenceNumber", trimPoint);
                    return new Forward(rewritten);
                }
                case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
                    BigInteger sequence =
                            new BigInteger(call.body().path("SequenceNumber").asText("0"));
                    boolean trimmedAway = type.equals("AT_SEQUENCE_NUMBER")
                            ? sequence.compareTo(point) <= 0
                            : sequence.compareTo(point) < 0;
                    return trimmedAway ? new Refuse() : new Forward(call.body());
                }
                default -> {
                    return new Forward(call.body());
                }
            }
        }
        Position position = iterators.get(call.body().path("ShardIterator").asText());
        if (position == null) {
            return new Forward(call.body());
        }
        Trimmed trimmed = tables.get(position.table());
        String point = trimmed == null ? null : trimmed.trimPoint(position.shard());
        // The next record would be the first after the position; past the trim point it is gone.
        if (point != null && position.after().compareTo(new BigInteger(point)) < 0) {
            LOG.info(
                    "stream of {}: GetRecords after {} in shard {} refused, records up to {} are trimmed",
                    position.table(),
                    position.after(),
                    position.shard(),
                    point);
            return new Refuse();
        }
        return new Forward(call.body());
    }

    /** Learns where the iterators DynamoDB Local handed back stand, from a call and its answer. */
    public void answered(AwsCall call, JsonNode sent, JsonNode answer) {
        String next;
        Position position;
        if (call.operation().equals("GetShardIterator")) {
            next = answer.path("ShardIterator").asText(null);
            String type = sent.path("ShardIteratorType").asText();
            BigInteger after = switch (type) {
                case "TRIM_HORIZON" -> BigInteger.ONE.negate();
                case "AT_SEQUENCE_NUMBER" ->
                    new BigInteger(sent.path("SequenceNumber").asText()).subtract(BigInteger.ONE);
                case "AFTER_SEQUENCE_NUMBER" ->
                    new BigInteger(sent.path("SequenceNumber").asText());
                default -> null; // LATEST: where it stands is not known, so it is not watched.
            };
            position = after == null
                    ? null
                    : new Position(call.table(), sent.path("ShardId").asText(), after);
        } else {
            // Kept after use: an iterator may be used again, as on AWS.
            Position before = iterators.get(call.body().path("ShardIterator").asText());
            if (before == null) {
                return;
            }
            next = answer.path("NextShardIterator").asText(null);
            JsonNode records = answer.path("Records");
            BigInteger after = before.after();
            if (records.size() > 0) {
                after = new BigInteger(records.get(records.size() - 1)
                        .path("dynamodb")
                        .path("SequenceNumber")
                        .asText());
            }
            position = new Position(before.table(), before.shard(), after);
        }
        if (next != null && position != null && tables.containsKey(position.table())) {
            iterators.put(next, position);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
