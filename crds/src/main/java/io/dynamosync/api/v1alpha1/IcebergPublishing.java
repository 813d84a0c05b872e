package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * A collection's Iceberg table: the replica as its first snapshot, then one commit per interval of the documents
 * changed since, in the catalog and warehouse of the collection's integration ({@code spec.icebergCatalog}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IcebergPublishing {

    /** How often changes are committed unless the spec says otherwise. */
    public static final String DEFAULT_COMMIT_INTERVAL = "1m";

    /** How long snapshots stay readable unless the spec says otherwise. */
    public static final String DEFAULT_KEEP_SNAPSHOTS = "1h";

    @Required
    @Pattern(Patterns.ICEBERG_TABLE)
    @JsonPropertyDescription("The table's identifier in the catalog, namespace.table, for example sales.orders. The "
            + "worker creates the namespace and the table when missing.")
    private String table;

    @Default(DEFAULT_COMMIT_INTERVAL)
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How often the documents changed since the last commit become one Iceberg commit, for "
            + "example 30s, 1m or 5m; at least 5s. Shorter is fresher but makes more small files and snapshots.")
    private String commitInterval = DEFAULT_COMMIT_INTERVAL;

    @Default(DEFAULT_KEEP_SNAPSHOTS)
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How long a snapshot stays readable once a newer one replaced it, for example 30m, 1h or "
            + "24h: older snapshots expire and the files only they use are deleted, so the table's files stay bounded "
            + "under churn. A query or time travel reading an expired snapshot fails. The newest is always kept.")
    private String keepSnapshots = DEFAULT_KEEP_SNAPSHOTS;

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public String getCommitInterval() {
        return commitInterval;
    }

    public void setCommitInterval(String commitInterval) {
        this.commitInterval = commitInterval;
    }

    public String getKeepSnapshots() {
        return keepSnapshots;
    }

    public void setKeepSnapshots(String keepSnapshots) {
        this.keepSnapshots = keepSnapshots;
    }

    /** {@link #getCommitInterval()} in seconds, at least 5. */
    public long commitIntervalSeconds() {
        return Math.max(5, seconds(commitInterval == null ? DEFAULT_COMMIT_INTERVAL : commitInterval));
    }

    /** {@link #getKeepSnapshots()} in seconds. */
    public long keepSnapshotsSeconds() {
        return seconds(keepSnapshots == null ? DEFAULT_KEEP_SNAPSHOTS : keepSnapshots);
    }

    /** A {@link Patterns#DURATION} in seconds. */
    private static long seconds(String duration) {
        long amount = Long.parseLong(duration.substring(0, duration.length() - 1));
        return switch (duration.charAt(duration.length() - 1)) {
            case 'h' -> amount * 3600;
            case 'm' -> amount * 60;
            default -> amount;
        };
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IcebergPublishing)) {
            return false;
        }
        IcebergPublishing that = (IcebergPublishing) o;
        return Objects.equals(table, that.table)
                && Objects.equals(commitInterval, that.commitInterval)
                && Objects.equals(keepSnapshots, that.keepSnapshots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, commitInterval, keepSnapshots);
    }

    @Override
    public String toString() {
        return "IcebergPublishing{table=" + table + ", commitInterval=" + commitInterval + ", keepSnapshots="
                + keepSnapshots + "}";
    }
}
