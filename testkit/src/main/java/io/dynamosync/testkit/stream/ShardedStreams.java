package io.dynamosync.testkit.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.testkit.front.AwsCall;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams with shard lineages, which DynamoDB Local never makes (it serves one shard a table
 * and never splits it). A test registers a stream ARN, usually a real table's own, with shards
 * that have parents, children and records; the kit's front then answers DescribeStream,
 * GetShardIterator and GetRecords for that ARN from here, in the Streams API's own JSON, instead
 * of from DynamoDB Local.
 */
public final class ShardedStreams {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAMS_TARGET = "DynamoDBStreams_20120810";
    private static final String ITERATOR_PREFIX = "emulated|";

    private final Map<String, EmulatedStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong sequences = new AtomicLong(100_000_000_000_000_000L);

    /** An answer to one call: HTTP status and JSON body. */
    public record Answer(int status, JsonNode body) {}

    /** Serves {@code streamArn} from here from now on; {@code pageSize} shards per DescribeStream page. */
    public EmulatedStream emulate(String streamArn, int pageSize) {
        EmulatedStream stream = new EmulatedStream(streamArn, pageSize);
        streams.put(streamArn, stream);
        return stream;
    }

    /** Stops serving {@code streamArn}; calls for it go to DynamoDB Local again. */
    public void forget(String streamArn) {
        streams.remove(streamArn);
    }

    /** Whether this call is for an emulated stream. */
    public boolean handles(AwsCall call) {
        if (!STREAMS_TARGET.equals(call.service()) || streams.isEmpty()) {
            return false;
        }
        return streamOf(call) != null;
    }

    private EmulatedStream streamOf(AwsCall call) {
        JsonNode arn = call.body().get("StreamArn");
        if (arn != null) {
            return streams.get(arn.asText());
        }
        JsonNode iterator = call.body().get("ShardIterator");
        if (iterator != null && iterator.asText().startsWith(ITERATOR_PREFIX)) {
            return streams.get(iterator.asText().split("\\|")[1]);
        }
        return null;
    }

    /** Answers one call for an emulated stream. */
    public Answer handle(AwsCall call) {
        EmulatedStream stream = streamOf(call);
        return switch (call.operation()) {
            case "DescribeStream" -> new Answer(200, stream.describe(call.body()));
            case "GetShardIterator" -> stream.iterator(call.body());
            case "GetRecords" -> stream.records(call.body());
            default -> error("UnknownOperationException", "An unknown operation was requested.");
        };
    }

    private static Answer error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", "com.amazonaws.dynamodb.v20120810#" + code);
        body.put("message", message);
        return new Answer(400, body);
    }

    /** One emulated stream: shards in the order DescribeStream lists them. */
    public final class EmulatedStream {
        private final String arn;
        private final int pageSize;
        private final List<EmulatedShard> shards = new CopyOnWriteArrayList<>();

        private EmulatedStream(String arn, int pageSize) {
            this.arn = arn;
            this.pageSize = pageSize;
        }

        /** Adds a shard, listed after those added before; {@code parent} may name a shard not listed. */
        public EmulatedShard shard(String shardId, String parent) {
            EmulatedShard shard = new EmulatedShard(shardId, parent);
            shards.add(shard);
            return shard;
        }

        /**
         * Trims a shard, as AWS does once a closed shard's records are past the stream's retention:
         * DescribeStream no longer lists it, and GetShardIterator and GetRecords for it answer
         * {@code ResourceNotFoundException}.
         */
        public void trim(String shardId) {
            if (!shards.removeIf(s -> s.id.equals(shardId))) {
                throw new IllegalArgumentException("stream " + arn + " has no shard " + shardId);
            }
        }

        private EmulatedShard find(String shardId) {
            return shards.stream().filter(s -> s.id.equals(shardId)).findFirst().orElse(null);
        }

        private JsonNode describe(JsonNode request) {
            String after = request.path("ExclusiveStartShardId").asText(null);
            int start = 0;
            if (after != null) {
                for (int i = 0; i < shards.size(); i++) {
                    if (shards.get(i).id.equals(after)) {
                        start = i + 1;
                    }
                }
            }
            ObjectNode description = JSON.createObjectNode();
            description.put("StreamArn", arn);
            description.put("StreamLabel", arn.substring(arn.lastIndexOf('/') + 1));
            description.put("StreamStatus", "ENABLED");
            description.put("StreamViewType", "NEW_AND_OLD_IMAGES");
            ArrayNode listed = description.putArray("Shards");
            int end = Math.min(shards.size(), start + pageSize);
            for (EmulatedShard shard : shards.subList(start, end)) {
                ObjectNode s = listed.addObject();
                s.put("ShardId", shard.id);
                if (shard.parent != null) {
                    s.put("ParentShardId", shard.parent);
                }
                ObjectNode range = s.putObject("SequenceNumberRange");
                range.put("StartingSequenceNumber", shard.startingSequence);
                if (shard.closed) {
                    range.put(
                            "EndingSequenceNumber",
                            shard.records.isEmpty()
                                    ? shard.startingSequence
                                    : shard.records
                                            .get(shard.records.size() - 1)
                                            .path("dynamodb")
                                            .path("SequenceNumber")
                                            .asText());
                }
            }
            if (end < shards.size()) {
                description.put("LastEvaluatedShardId", shards.get(end - 1).id);
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.set("StreamDescription", description);
            return answer;
        }

        private Answer iterator(JsonNode request) {
            EmulatedShard shard = find(request.path("ShardId").asText());
            if (shard == null) {
                return error("ResourceNotFoundException", "Requested resource not found: Shard does not exist");
            }
            String type = request.path("ShardIteratorType").asText();
            int position = switch (type) {
                case "TRIM_HORIZON" -> 0;
                case "LATEST" -> shard.records.size();
                default -> {
                    String sequence = request.path("SequenceNumber").asText();
                    int index = shard.indexOf(sequence);
                    yield type.equals("AT_SEQUENCE_NUMBER") ? index : index + 1;
                }
            };
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ShardIterator", ITERATOR_PREFIX + arn + "|" + shard.id + "|" + position);
            return new Answer(200, answer);
        }

        private Answer records(JsonNode request) {
            String[] parts = request.path("ShardIterator").asText().split("\\|");
            EmulatedShard shard = find(parts[2]);
            if (shard == null) {
                return error("ResourceNotFoundException", "Requested resource not found: Shard does not exist");
            }
            int position = Integer.parseInt(parts[3]);
            int limit = request.path("Limit").asInt(1000);
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode records = answer.putArray("Records");
            int end = Math.min(shard.records.size(), position + limit);
            for (int i = position; i < end; i++) {
                records.add(shard.records.get(i));
            }
            if (!(shard.closed && end >= shard.records.size())) {
                answer.put("NextShardIterator", ITERATOR_PREFIX + arn + "|" + shard.id + "|" + end);
            }
            return new Answer(200, answer);
        }
    }

    /** One emulated shard; records are given in DynamoDB JSON, as the Streams API carries them. */
    public final class EmulatedShard {
        private final String id;
        private final String parent;
        private final String startingSequence = Long.toString(sequences.incrementAndGet());
        private final List<JsonNode> records = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private EmulatedShard(String id, String parent) {
            this.id = id;
            this.parent = parent;
        }

        /**
         * Appends a record.
         *
         * @param eventName INSERT, MODIFY or REMOVE
         * @param keys the item's key attributes, in DynamoDB JSON
         * @param newImage the item after the change, in DynamoDB JSON; null for REMOVE
         */
        public EmulatedShard record(String eventName, JsonNode keys, JsonNode newImage) {
            ObjectNode record = JSON.createObjectNode();
            record.put("eventID", UUID.randomUUID().toString());
            record.put("eventName", eventName);
            record.put("eventVersion", "1.1");
            record.put("eventSource", "aws:dynamodb");
            record.put("awsRegion", "us-east-1");
            ObjectNode dynamodb = record.putObject("dynamodb");
            dynamodb.put(
                    "ApproximateCreationDateTime",
                    BigDecimal.valueOf(Instant.now().getEpochSecond()));
            dynamodb.set("Keys", keys);
            if (newImage != null) {
                dynamodb.set("NewImage", newImage);
            }
            dynamodb.put("SequenceNumber", Long.toString(sequences.incrementAndGet()));
            dynamodb.put(
                    "SizeBytes",
                    keys.toString().length()
                            + (newImage == null ? 0 : newImage.toString().length()));
            dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
            records.add(record);
            return this;
        }

        /** Ends the shard: once its records are read, GetRecords gives no next iterator. */
        public EmulatedShard close() {
            closed = true;
            return this;
        }

        private int indexOf(String sequence) {
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i)
                        .path("dynamodb")
                        .path("SequenceNumber")
                        .asText()
                        .equals(sequence)) {
                    return i;
                }
            }
            return records.size() - 1;
        }
    }

    /** Emulated records, read back by tests: every record of every emulated stream. */
    public List<JsonNode> allRecords() {
        List<JsonNode> all = new ArrayList<>();
        streams.values().forEach(s -> s.shards.forEach(shard -> all.addAll(shard.records)));
        return all;
    }
}
