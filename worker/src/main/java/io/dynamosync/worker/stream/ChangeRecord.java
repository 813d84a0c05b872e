package io.dynamosync.worker.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.DynamoJson;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.store.Batch;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * One change from the stream, in the form the journal keeps it: event, keys, new image, time,
 * and whether DynamoDB's time-to-live made it. Applying it to a batch upserts the new image
 * (INSERT, MODIFY) or deletes the document (REMOVE).
 */
record ChangeRecord(
        String shard,
        String sequence,
        String event,
        Map<String, AttributeValue> keys,
        Map<String, AttributeValue> newImage,
        Instant time,
        boolean byTimeToLive) {

    static ChangeRecord of(String shard, Record record) {
        var d = record.dynamodb();
        boolean ttl = record.userIdentity() != null
                && "Service".equals(record.userIdentity().type())
                && "dynamodb.amazonaws.com".equals(record.userIdentity().principalId());
        Instant time = d.approximateCreationDateTime() == null ? Instant.now() : d.approximateCreationDateTime();
        return new ChangeRecord(
                shard,
                d.sequenceNumber(),
                record.eventNameAsString(),
                d.keys(),
                d.hasNewImage() && !d.newImage().isEmpty() ? d.newImage() : null,
                time,
                ttl);
    }

    JsonNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("shard", shard);
        node.put("sequence", sequence);
        node.put("event", event);
        node.set("keys", DynamoJson.write(keys));
        node.set("newImage", newImage == null ? null : DynamoJson.write(newImage));
        node.put("time", time.toString());
        node.put("ttl", byTimeToLive);
        return node;
    }

    static ChangeRecord fromJson(JsonNode node) {
        JsonNode image = node.get("newImage");
        return new ChangeRecord(
                node.get("shard").asText(),
                node.get("sequence").asText(),
                node.get("event").asText(),
                DynamoJson.item(node.get("keys")),
                image == null || image.isNull() ? null : DynamoJson.item(image),
                Instant.parse(node.get("time").asText()),
                node.path("ttl").asBoolean());
    }

    /** Adds this change to {@code batch}: returns false when a kept TTL delete leaves the document be. */
    boolean applyTo(Batch batch, ItemId itemId, boolean ignoreTtlDeletes) {
        String id = itemId.of(keys);
        if (event.equals("REMOVE")) {
            if (byTimeToLive && ignoreTtlDeletes) {
                return false;
            }
            batch.delete(id, time, itemId.describeKey(keys));
        } else if (newImage != null) {
            batch.upsert(id, newImage, time, itemId.describeKey(keys));
        }
        return true;
    }
}
