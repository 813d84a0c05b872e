package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
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
    private final List<JsonNode> journal = new ArrayList<>();
    private long forgetJournalUpTo = -1;
    private long bytes;
    /** Whether this batch's upserts are items read from a snapshot of the table; see {@link #fromSnapshot()}. */
    private final boolean snapshot;
    /** How many of the changes need the table's key to find an earlier version (all but a snapshot's upserts). */
    private int keyedChanges;

    public Batch() {
        this(false);
    }

    private Batch(boolean snapshot) {
        this.snapshot = snapshot;
    }

    /**
     * A batch of items read from a snapshot of the table (a scan page, the lines of an export file), for a
     * load: a load reads each item once, or again only when a crash cut a page or a file short, so the store
     * may append them to the generation it is loading without looking for an earlier version, and drop the
     * copies a re-read left once the load ends (see {@link Store}).
     */
    public static Batch fromSnapshot() {
        return new Batch(true);
    }

    /**
     * Stores {@code item} as document {@code id}, replacing any earlier version whole.
     *
     * @param key the item's key as a user reads it, for messages about this item
     */
    public Batch upsert(String id, Map<String, AttributeValue> item, Instant eventTime, String key) {
        changes.remove(id);
        changes.put(id, new Change(id, item, eventTime, key));
        bytes += 64 + id.length() + approximateBytes(item);
        if (!snapshot) {
            keyedChanges++;
        }
        return this;
    }

    /** Removes document {@code id}. */
    public Batch delete(String id, Instant eventTime, String key) {
        changes.remove(id);
        changes.put(id, new Change(id, null, eventTime, key));
        bytes += 64 + id.length();
        keyedChanges++;
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
        // A journal entry carries an item image or two; its node count is a cheap proxy.
        bytes += 64L + 32L * entry.size();
        return this;
    }

    /** Removes journal entries up to and including {@code position}, once they are applied. */
    public Batch forgetJournal(long position) {
        forgetJournalUpTo = Math.max(forgetJournalUpTo, position);
        return this;
    }

    /** Adds {@code later}'s changes and checkpoints after this batch's, as if committed after it. */
    void append(Batch later) {
        for (Change change : later.changes.values()) {
            changes.remove(change.id());
            changes.put(change.id(), change);
        }
        checkpoints.putAll(later.checkpoints);
        journal.addAll(later.journal);
        forgetJournalUpTo = Math.max(forgetJournalUpTo, later.forgetJournalUpTo);
        bytes += later.bytes;
        keyedChanges += later.keyedChanges;
    }

    /** Whether any change must find and replace an earlier version of its document (anything but a snapshot's upserts). */
    boolean needsKey() {
        return keyedChanges > 0;
    }

    List<JsonNode> journalEntries() {
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

    /** About how much memory the batch's documents take, to bound what waits to be written. */
    public long approximateBytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return changes.isEmpty() && checkpoints.isEmpty() && journal.isEmpty() && forgetJournalUpTo < 0;
    }

    /** Characters and bytes of an item, without copying anything: a bound on memory, not DynamoDB's size. */
    static long approximateBytes(Map<String, AttributeValue> item) {
        long size = 16L * item.size();
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().length() + approximateBytes(attribute.getValue());
        }
        return size;
    }

    // Loops rather than streams: this runs over every value a load reads.
    private static long approximateBytes(AttributeValue value) {
        long size = 16;
        switch (value.type()) {
            case S -> size += 2L * value.s().length();
            case N -> size += value.n().length();
            case B -> size += value.b().asByteArrayUnsafe().length;
            case M -> size += approximateBytes(value.m());
            case L -> {
                for (AttributeValue element : value.l()) {
                    size += approximateBytes(element);
                }
            }
            case SS -> {
                for (String s : value.ss()) {
                    size += 16 + 2L * s.length();
                }
            }
            case NS -> {
                for (String n : value.ns()) {
                    size += 16 + n.length();
                }
            }
            case BS -> {
                for (SdkBytes b : value.bs()) {
                    size += 16 + b.asByteArrayUnsafe().length;
                }
            }
            default -> {}
        }
        return size;
    }
}
