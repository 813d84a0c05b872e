package io.dynamosync.operator.aws;

import io.dynamosync.api.v1alpha1.AccessCheck;
import java.util.List;

/**
 * Probes the permissions a collection needs by calling each action it allows, and reports each granted or
 * denied with AWS's message; calls that change nothing (or, for S3, only a marker object of the operator's own).
 */
public interface AccessProbe {

    /**
     * What the table probes found.
     *
     * @param tableFound false when DescribeTable says the table does not exist
     * @param checks each action probed, in the order probed
     * @param streamViewType the stream's view type, or null when the stream is off
     * @param streamArn the table's latest stream ARN, or null when the stream is off
     * @param sizeBytes the table's size as DynamoDB estimates it, or null when not described
     * @param itemCount the table's item count as DynamoDB estimates it, or null when not described
     */
    record TableAccess(
            boolean tableFound,
            List<AccessCheck> checks,
            String streamViewType,
            String streamArn,
            Long sizeBytes,
            Long itemCount) {

        /** Whether every probed action was granted. */
        public boolean allGranted() {
            return checks.stream().allMatch(AccessCheck::isGranted);
        }
    }

    /** Where an export would write: the bucket, the collection's folder, and whether files are ever deleted. */
    record ExportTarget(String bucket, String prefix, boolean deletesFiles) {}

    /** Probes DescribeTable, Scan (Limit 1), ListStreams and, when the stream is on, reading it. */
    TableAccess probeTable(AwsAccount account, String table);

    /** Probes DescribeStream, GetShardIterator and GetRecords on a stream; empty while it has no shard yet. */
    List<AccessCheck> probeStream(AwsAccount account, String streamArn);

    /**
     * What the export probes found.
     *
     * @param checks each action probed
     * @param pointInTimeRecovery whether point-in-time recovery is on; null when it could not be read
     */
    record ExportAccess(List<AccessCheck> checks, Boolean pointInTimeRecovery) {}

    /**
     * Probes what an export needs: DescribeContinuousBackups on the table (reading whether point-in-time recovery
     * is on), put and get in the collection's folder, and list and delete there where files are deleted.
     */
    ExportAccess probeExport(AwsAccount account, String table, ExportTarget target);
}
