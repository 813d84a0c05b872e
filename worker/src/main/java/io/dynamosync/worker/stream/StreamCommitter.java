package io.dynamosync.worker.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.worker.document.ItemId;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.JournalEntry;
import io.dynamosync.worker.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what the readers read, with each shard's sequence number, in one transaction: at once when no commit is
 * running, else everything that arrived meanwhile (up to 5,000 records) as soon as the running one ends. Until the
 * load has committed, records are journaled rather than applied; then the journal is replayed in order, and records
 * are applied as they come. Records older than {@code notBefore} are in the loaded data already and only counted.
 */
final class StreamCommitter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCommitter.class);
    static final int MAX_BATCH_RECORDS = 5000;

    private final Store store;
    private final ItemId itemId;
    private final String table;
    private final Instant notBefore;
    private final boolean ignoreTtlDeletes;
    private final StreamProgress progress;
    private final Duration idleCheckpoint;
    private final BlockingQueue<ShardPage> pages;
    private final Map<String, ShardState> shards;
    /** The stream's checkpoint as last committed. */
    private final ObjectNode streamState;

    private final FollowerControl control;
    private volatile boolean goLive;
    private volatile boolean live;

    StreamCommitter(
            Store store,
            ItemId itemId,
            String table,
            Instant notBefore,
            boolean ignoreTtlDeletes,
            StreamProgress progress,
            Duration idleCheckpoint,
            BlockingQueue<ShardPage> pages,
            Map<String, ShardState> shards,
            ObjectNode streamState,
            FollowerControl control) {
        this.store = store;
        this.itemId = itemId;
        this.table = table;
        this.notBefore = notBefore;
        this.ignoreTtlDeletes = ignoreTtlDeletes;
        this.progress = progress;
        this.idleCheckpoint = idleCheckpoint;
        this.pages = pages;
        this.shards = shards;
        this.streamState = streamState;
        this.control = control;
    }

    /** The load has committed: replay the journal, then apply records as they come. */
    void goLive() {
        goLive = true;
    }

    @Override
    public void run() {
        try {
            while (!control.stopping()) {
                if (goLive && !live) {
                    replayJournal();
                    live = true;
                    progress.live();
                    LOG.info("journal replayed; applying changes of {} as they come", table);
                    continue;
                }
                ShardPage first = pages.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    recordIdleRead();
                    continue;
                }
                // Group commit: what arrived while the last commit ran goes now, without waiting for more.
                List<ShardPage> taken = new ArrayList<>();
                taken.add(first);
                int records = first.records().size();
                for (ShardPage next; records < MAX_BATCH_RECORDS && (next = pages.poll()) != null; ) {
                    taken.add(next);
                    records += next.records().size();
                }
                commit(taken);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            control.fail(e);
        }
    }

    private void commit(List<ShardPage> taken) {
        Batch batch = new Batch();
        long applied = 0;
        long journaled = 0;
        Instant newest = null;
        Map<String, ObjectNode> shardCheckpoints = new LinkedHashMap<>();
        for (ShardPage page : taken) {
            ShardState shard = shards.get(page.shard());
            String sequence = shard.committedSequence;
            for (ChangeRecord record : page.records()) {
                sequence = record.sequence();
                if (record.time().isBefore(notBefore)) {
                    applied++;
                } else if (live) {
                    record.applyTo(batch, itemId, ignoreTtlDeletes);
                    applied++;
                    newest = newest == null || record.time().isAfter(newest) ? record.time() : newest;
                } else {
                    batch.journal(record.toJson());
                    journaled++;
                }
            }
            ObjectNode checkpoint = JsonNodeFactory.instance.objectNode();
            checkpoint.put("sequence", sequence);
            checkpoint.put(
                    "closed",
                    page.closed()
                            || (shardCheckpoints.containsKey(page.shard())
                                    && shardCheckpoints
                                            .get(page.shard())
                                            .path("closed")
                                            .asBoolean()));
            checkpoint.put("parent", shard.parent);
            shardCheckpoints.put(page.shard(), checkpoint);
        }
        shardCheckpoints.forEach(
                (shard, checkpoint) -> batch.checkpoint(StreamFollower.SHARD_CHECKPOINT + shard, checkpoint));
        ObjectNode state = streamState.deepCopy();
        state.put("lastCommitAt", Instant.now().toString());
        state.put("applied", state.path("applied").asLong() + applied);
        state.put("journaled", state.path("journaled").asLong() + journaled);
        batch.checkpoint(StreamFollower.STREAM_CHECKPOINT, state);
        store.commit(batch);
        streamState.setAll(state);
        for (ShardPage page : taken) {
            progress.committed(page.ticket(), !live);
        }
        progress.counts(state.get("applied").asLong(), state.get("journaled").asLong());
        if (newest != null) {
            progress.event(newest);
        }
        for (Map.Entry<String, ObjectNode> checkpoint : shardCheckpoints.entrySet()) {
            ShardState shard = shards.get(checkpoint.getKey());
            shard.committedSequence = checkpoint.getValue().get("sequence").asText(null);
            if (checkpoint.getValue().get("closed").asBoolean()) {
                shard.finished = true;
                shard.reading = false;
                progress.closed(shard.id);
                control.rediscover();
            }
        }
    }

    /**
     * While nothing comes, records now and then (every {@code idleCheckpoint}) that everything the
     * stream published up to the last empty reads is committed: {@link StreamFollower#begin} compares that time
     * with the retention, and without it a restart after a quiet spell longer than the retention
     * would load the whole table again although no record was missed.
     */
    private void recordIdleRead() {
        Instant readUpTo = live ? progress.syncedAsOf() : null;
        if (readUpTo == null) {
            return;
        }
        Instant recorded = Instant.parse(streamState.get("lastCommitAt").asText());
        if (Duration.between(recorded, readUpTo).compareTo(idleCheckpoint) < 0) {
            return;
        }
        ObjectNode state = streamState.deepCopy();
        state.put("lastCommitAt", readUpTo.toString());
        store.commit(new Batch().checkpoint(StreamFollower.STREAM_CHECKPOINT, state));
        streamState.setAll(state);
    }

    /** Applies the journal in order, a batch at a time, each batch forgetting what it applied. */
    private void replayJournal() {
        while (!control.stopping()) {
            List<JournalEntry> entries = store.journal(MAX_BATCH_RECORDS);
            if (entries.isEmpty()) {
                return;
            }
            Batch batch = new Batch();
            Instant newest = null;
            for (JournalEntry entry : entries) {
                ChangeRecord record = ChangeRecord.fromJson(entry.entry());
                record.applyTo(batch, itemId, ignoreTtlDeletes);
                newest = newest == null || record.time().isAfter(newest) ? record.time() : newest;
            }
            batch.forgetJournal(entries.get(entries.size() - 1).position());
            ObjectNode state = streamState.deepCopy();
            state.put("lastCommitAt", Instant.now().toString());
            state.put("applied", state.path("applied").asLong() + entries.size());
            batch.checkpoint(StreamFollower.STREAM_CHECKPOINT, state);
            store.commit(batch);
            streamState.setAll(state);
            progress.counts(
                    state.get("applied").asLong(), state.get("journaled").asLong());
            progress.event(newest);
        }
    }
}
