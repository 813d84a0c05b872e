package io.dynamosync.testkit.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Makes REMOVE stream records read as deletes by DynamoDB's time to live, which DynamoDB Local
 * never makes. On AWS such a record carries {@code "userIdentity": {"Type": "Service",
 * "PrincipalId": "dynamodb.amazonaws.com"}} (the Streams API's member names; Lambda's event
 * format spells them {@code type} and {@code principalId}); the kit's front adds exactly that to
 * the GetRecords answers it relays, for the records a test marked:
 *
 * <pre>{@code
 * aws.ttlDeletes().markKey(table, key);   // every REMOVE of this key in the table's stream
 * aws.dynamoDb().deleteItem(b -> b.tableName(table).key(key));
 * aws.ttlDeletes().markNext(table, 2);    // the next two REMOVE records of the table relayed
 * }</pre>
 *
 * <p>A record once marked stays marked, whoever reads it again and however often, as a stream
 * record on AWS does not change between reads.
 */
public final class TtlDeletes {

    /** The identity AWS gives a record that time to live made, in the Streams API's JSON. */
    private static final Map<String, String> TTL_IDENTITY =
            Map.of("Type", "Service", "PrincipalId", "dynamodb.amazonaws.com");

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Marked keys by table, in the canonical form of {@link #canonicalKey}. */
    private final Map<String, Set<String>> keys = new ConcurrentHashMap<>();
    /** REMOVE records still to mark by table, counted down as they are first relayed. */
    private final Map<String, AtomicInteger> next = new ConcurrentHashMap<>();
    /** Records marked by count (table and event ID), so that a record read again reads the same. */
    private final Set<String> marked = ConcurrentHashMap.newKeySet();

    /** Marks every REMOVE record of the item with {@code key} in {@code table}'s stream as a TTL delete. */
    public TtlDeletes markKey(String table, Map<String, AttributeValue> key) {
        keys.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet()).add(canonicalKey(key));
        return this;
    }

    /**
     * Marks the next {@code count} REMOVE records of {@code table} the front relays as TTL deletes;
     * records relayed before this call are not remembered, so mark before deleting.
     */
    public TtlDeletes markNext(String table, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, was " + count);
        }
        next.computeIfAbsent(table, t -> new AtomicInteger()).addAndGet(count);
        return this;
    }

    /** Forgets every mark, so that no test's marks reach another. */
    public void reset() {
        keys.clear();
        next.clear();
        marked.clear();
    }

    /** Whether GetRecords answers about {@code table} may need marking. */
    public boolean marks(String table) {
        // A table marked by count keeps its (spent) counter until reset, so its marked records stay marked.
        return table != null && (keys.containsKey(table) || next.containsKey(table));
    }

    /**
     * Marks the TTL deletes in one GetRecords answer (its JSON bytes).
     *
     * @return the answer with the marked records' {@code userIdentity} set, or {@code answer}
     *     itself when nothing in it is marked
     */
    public byte[] mark(String table, byte[] answer) {
        if (!marks(table)) {
            return answer;
        }
        JsonNode body;
        try {
            body = JSON.readTree(answer);
        } catch (IOException e) {
            return answer;
        }
        if (!mark(table, body)) {
            return answer;
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a GetRecords answer", e);
        }
    }

    /** Marks the TTL deletes in one GetRecords answer in place; returns whether any was marked. */
    public boolean mark(String table, JsonNode answer) {
        if (!marks(table) || !(answer.get("Records") instanceof ArrayNode records)) {
            return false;
        }
        boolean changed = false;
        for (JsonNode record : records) {
            if (record instanceof ObjectNode r
                    && "REMOVE".equals(r.path("eventName").asText())
                    && isTtlDelete(table, r)) {
                ObjectNode identity = r.putObject("userIdentity");
                TTL_IDENTITY.forEach(identity::put);
                changed = true;
            }
        }
        return changed;
    }

    /** Synchronized, so that two readers relaying one record at once use one of the counted marks, not two. */
    private synchronized boolean isTtlDelete(String table, ObjectNode record) {
        Set<String> markedKeys = keys.get(table);
        if (markedKeys != null
                && markedKeys.contains(canonicalKey(record.path("dynamodb").path("Keys")))) {
            return true;
        }
        String id = table + "|"
                + record.path("eventID")
                        .asText(record.path("dynamodb").path("SequenceNumber").asText());
        if (marked.contains(id)) {
            return true;
        }
        AtomicInteger remaining = next.get(table);
        if (remaining != null && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            marked.add(id);
            return true;
        }
        return false;
    }

    /** A key as text, the same for the SDK's form and the wire's: names sorted, numbers by value, binaries in base64. */
    static String canonicalKey(Map<String, AttributeValue> key) {
        Map<String, String> parts = new TreeMap<>();
        key.forEach((name, value) -> parts.put(
                name,
                switch (value.type()) {
                    case S -> "S:" + value.s();
                    case N -> "N:" + number(value.n());
                    case B ->
                        "B:" + Base64.getEncoder().encodeToString(value.b().asByteArray());
                    default ->
                        throw new IllegalArgumentException(
                                "a key attribute is a string, number or binary, not " + value.type());
                }));
        return parts.toString();
    }

    static String canonicalKey(JsonNode key) {
        Map<String, String> parts = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = key.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String part = value.has("S")
                    ? "S:" + value.get("S").asText()
                    : value.has("N")
                            ? "N:" + number(value.get("N").asText())
                            : value.has("B") ? "B:" + value.get("B").asText() : value.toString();
            parts.put(field.getKey(), part);
        }
        return parts.toString();
    }

    private static String number(String n) {
        BigDecimal value = new BigDecimal(n);
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
