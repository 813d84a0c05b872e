package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Changes committed to the store in one transaction, with the checkpoints that cover them. A
 * later change to the same {@code _id} replaces an earlier one in the same batch, so a batch
 * holds the last state of each document it touches.
 */
public final class Batch {

    /** One document's new state: its item, or null when it was deleted. */
    record Change(String id, Map<String, AttributeValue> item, Instant eventTime, String key) {
        boolean isDelete() {
            return item == null;
        }
    }

    private final Map<String, Change> changes = new LinkedHashMap<>();
    private final Map<String, JsonNode> checkpoints = new LinkedHashMap<>();
    private final java.util.List<JsonNode> journal = new java.util.ArrayList<>();
    private long forgetJournalUpTo = -1;

    /**
     * Stores {@code item} as document {@code id}, replacing any earlier version whole.
     *
     * @param key the item's key as a user reads it, for messages about this item
     */
    public Batch upsert(String id, Map<String, AttributeValue> item, Instant eventTime, String key) {
        changes.remove(id);
        changes.put(id, new Change(id, item, eventTime, key));
        return this;
    }

    /** Removes document {@code id}. */
    public Batch delete(String id, Instant eventTime, String key) {
        changes.remove(id);
        changes.put(id, new Change(id, null, eventTime, key));
        return this;
    }

    /** Records a checkpoint that commits with this batch; null removes it. */
    public Batch checkpoint(String name, JsonNode value) {
        checkpoints.put(name, value);
        return this;
    }

    /** Appends an entry to the store's journal, kept in order until {@link #forgetJournal}. */
    public Batch journal(JsonNode entry) {
        journal.add(entry);
        return this;
    }

    /** Removes journal entries up to and including {@code position}, once they are applied. */
    public Batch forgetJournal(long position) {
        forgetJournalUpTo = Math.max(forgetJournalUpTo, position);
        return this;
    }

    java.util.List<JsonNode> journalEntries() {
        return journal;
    }

    long forgetJournalUpTo() {
        return forgetJournalUpTo;
    }

    Collection<Change> changes() {
        return changes.values();
    }

    Map<String, JsonNode> checkpoints() {
        return checkpoints;
    }

    /** How many documents this batch touches. */
    public int size() {
        return changes.size();
    }

    public boolean isEmpty() {
        return changes.isEmpty() && checkpoints.isEmpty() && journal.isEmpty() && forgetJournalUpTo < 0;
    }
}
