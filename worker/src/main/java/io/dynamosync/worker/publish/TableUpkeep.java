package io.dynamosync.worker.publish;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateProperties;

/**
 * Keeps a published table's files bounded under churn, with nothing but the publisher itself.
 *
 * <p><b>Compaction by rewrite.</b> Each interval adds a small data file and an equality-delete file; readers merge
 * every delete file with every data file it may touch, so both the file count and the reading cost grow with every
 * commit. Iceberg's own compaction actions run on Spark or Flink; the replica, though, holds the table's whole current
 * content, so the next commit simply publishes the whole replica as a replacing snapshot (as a reload does) once
 * {@link #rewriteReason} says the deltas have piled up: the equality deletes reach {@link #MAX_DELETED_SHARE} of the
 * rows, or the live files reach {@link #MAX_LIVE_FILES}. The first bound keeps the bytes written per change constant
 * (a table is rewritten once a quarter of its rows changed, whatever its size), the second bounds the files a
 * little-changed table collects between rewrites.
 *
 * <p><b>Expiry.</b> Snapshots replaced more than {@code keepSnapshots} ago expire, and the data, delete and manifest
 * files only they used are deleted, so the warehouse holds the current snapshot's files and those of the last
 * {@code keepSnapshots}; old metadata files are deleted as each commit writes a new one
 * ({@link #TABLE_PROPERTIES}).
 */
final class TableUpkeep {

    /** The share of the table's rows its equality deletes may reach before the next commit rewrites the table. */
    static final double MAX_DELETED_SHARE = 0.25;

    /** The data and delete files the current snapshot may hold before the next commit rewrites the table. */
    static final int MAX_LIVE_FILES = 200;

    /** Set on every published table: old metadata files go as new ones are written, ten are kept. */
    static final Map<String, String> TABLE_PROPERTIES = Map.of(
            TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
            TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "10");

    private TableUpkeep() {}

    /** Sets {@link #TABLE_PROPERTIES} where a table (one made by an older worker, say) lacks them. */
    static void ensureProperties(Table table) {
        UpdateProperties update = null;
        for (Map.Entry<String, String> property : TABLE_PROPERTIES.entrySet()) {
            if (!property.getValue().equals(table.properties().get(property.getKey()))) {
                update = update == null ? table.updateProperties() : update;
                update.set(property.getKey(), property.getValue());
            }
        }
        if (update != null) {
            update.commit();
        }
    }

    /**
     * Why the commit after {@code current} should rewrite the whole table rather than add a delta; null when a delta
     * is fine (or there is no snapshot yet).
     */
    static String rewriteReason(Snapshot current) {
        if (current == null) {
            return null;
        }
        Map<String, String> summary = current.summary();
        long rows = count(summary, SnapshotSummary.TOTAL_RECORDS_PROP);
        long deletes = count(summary, SnapshotSummary.TOTAL_EQ_DELETES_PROP);
        long files = count(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP)
                + count(summary, SnapshotSummary.TOTAL_DELETE_FILES_PROP);
        if (deletes > 0 && deletes >= MAX_DELETED_SHARE * rows) {
            return deletes + " equality deletes over " + rows + " rows";
        }
        if (files >= MAX_LIVE_FILES) {
            return files + " data and delete files";
        }
        return null;
    }

    /**
     * Expires the snapshots replaced more than {@code keep} before {@code now}, deleting the files only they used
     * (through the table's FileIO); the current snapshot always stays. Returns the snapshots expired.
     */
    static int expire(Table table, Duration keep, Instant now) {
        long cutoff = now.minus(keep).toEpochMilli();
        Snapshot current = table.currentSnapshot();
        int before = 0;
        boolean due = false;
        for (Snapshot snapshot : table.snapshots()) {
            before++;
            due |= snapshot.timestampMillis() < cutoff
                    && (current == null || snapshot.snapshotId() != current.snapshotId());
        }
        if (!due) {
            return 0;
        }
        table.expireSnapshots()
                .expireOlderThan(cutoff)
                .retainLast(1)
                .cleanExpiredFiles(true)
                .commit();
        int after = 0;
        for (Snapshot ignored : table.snapshots()) {
            after++;
        }
        return before - after;
    }

    private static long count(Map<String, String> summary, String property) {
        String value = summary.get(property);
        return value == null ? 0 : Long.parseLong(value);
    }
}
