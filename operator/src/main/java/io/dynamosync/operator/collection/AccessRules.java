package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.AccessCheck;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.operator.aws.SdkAccessProbe;
import io.dynamosync.operator.aws.StreamEnabler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the access verification's findings mean for a collection, as a pure function of them: the
 * {@code StreamEnabled} condition, and the one problem (the first by the order below) that stalls the collection
 * until the user fixes it: the stream off or of an unsuitable view type, the export bucket missing, a permission
 * denied, point-in-time recovery off for an export, an export without a bucket.
 */
final class AccessRules {

    /** The stream view types that carry the new item, which the collection stores. */
    static final Set<String> SUITABLE_VIEW_TYPES = Set.of("NEW_IMAGE", "NEW_AND_OLD_IMAGES");

    private AccessRules() {}

    /**
     * What the verification found, and the settings that decide what it means.
     *
     * @param table spec.table
     * @param region the integration's region
     * @param integration the integration's name
     * @param snapshot mode Snapshot: no stream is needed
     * @param enablesStream spec.enableStream
     * @param loadMethod the load method as users write it ({@code Auto}, {@code Export}, {@code Scan})
     * @param bucketSet whether the integration has spec.s3
     * @param checks every permission probed; the first is DescribeTable
     * @param viewType the stream's view type, null when it is off (or unknown)
     * @param streamTurnedOn whether the operator turned the stream on in this verification
     * @param exports whether the load may export the table
     * @param recoveryMissing an export needs point-in-time recovery, which is off, and the spec may not turn it on
     */
    record Findings(
            String table,
            String region,
            String integration,
            boolean snapshot,
            boolean enablesStream,
            String loadMethod,
            boolean bucketSet,
            List<AccessCheck> checks,
            String viewType,
            boolean streamTurnedOn,
            boolean exports,
            boolean recoveryMissing) {}

    /**
     * The StreamEnabled condition to set: absent to clear it; {@code unlessTrue} when a True condition already there
     * (the operator's own "turned it on") is to be kept.
     */
    record StreamCondition(String status, String reason, String message, boolean unlessTrue) {}

    /** What stalls the collection, if anything. */
    record Stall(String reason, String message) {}

    record Verdict(Optional<StreamCondition> stream, Optional<Stall> stall) {}

    static Verdict judge(Findings f) {
        StreamCondition stream = null;
        Stall stall = null;
        String table = f.table();
        String region = f.region();
        boolean described = f.checks().get(0).isGranted();
        if (f.snapshot()) {
            stream = null;
        } else if (!described) {
            // Without DescribeTable the stream's state is unknown; the denial is the thing to fix first.
            stream = new StreamCondition(
                    Conditions.UNKNOWN,
                    Reason.ACCESS_DENIED,
                    "dynamodb:DescribeTable was denied, so whether the table's stream is on is unknown.",
                    false);
        } else if (f.viewType() == null) {
            String message = f.enablesStream()
                    ? "The stream of table " + table + " is off and AWS denied the operator turning it on. Grant "
                            + "dynamodb:UpdateTable, or run: " + StreamEnabler.command(region, table)
                    : "The stream of table " + table + " is off. Turn it on with: "
                            + StreamEnabler.command(region, table) + " (or set spec.enableStream: true to let the "
                            + "operator do it, which needs dynamodb:UpdateTable on the table).";
            stream = new StreamCondition(Conditions.FALSE, Reason.STREAM_OFF, message, false);
            stall = new Stall(Reason.STREAM_OFF, message);
        } else if (!SUITABLE_VIEW_TYPES.contains(f.viewType())) {
            String message = "The stream of table " + table + " has view type " + f.viewType()
                    + ", which lacks the new item the collection stores. The operator does not change it, as other "
                    + "readers may rely on it. Replace it with: aws dynamodb update-table --region " + region
                    + " --table-name " + table + " --stream-specification StreamEnabled=false, then "
                    + StreamEnabler.command(region, table);
            stream = new StreamCondition(Conditions.FALSE, Reason.STREAM_VIEW_TYPE_UNSUITABLE, message, false);
            stall = new Stall(Reason.STREAM_VIEW_TYPE_UNSUITABLE, message);
        } else if (f.streamTurnedOn()) {
            stream = new StreamCondition(
                    Conditions.TRUE,
                    Reason.STREAM_TURNED_ON,
                    "The operator turned the table's stream on with " + StreamEnabler.VIEW_TYPE + ".",
                    false);
        } else {
            stream = new StreamCondition(
                    Conditions.TRUE, Reason.STREAM_FOUND, "The table's stream is on with " + f.viewType() + ".", true);
        }
        if (stall == null) {
            stall = accessStall(f);
        }
        return new Verdict(Optional.ofNullable(stream), Optional.ofNullable(stall));
    }

    /** The permissions and export problems, in the order they are best fixed. */
    private static Stall accessStall(Findings f) {
        Optional<AccessCheck> noBucket = f.checks().stream()
                .filter(c -> !c.isGranted()
                        && c.getMessage() != null
                        && c.getMessage().contains(SdkAccessProbe.NO_SUCH_BUCKET))
                .findFirst();
        if (noBucket.isPresent()) {
            return new Stall(
                    Reason.EXPORT_BUCKET_MISSING,
                    "The initial load exports the table, but " + noBucket.get().getMessage());
        }
        List<String> denied = denied(f.checks());
        if (!denied.isEmpty()) {
            return new Stall(
                    Reason.ACCESS_DENIED,
                    "AWS denied " + String.join(", ", denied) + "; status.access says what to grant, and the "
                            + "integration's status.permissionsPolicy has the whole policy.");
        }
        if (f.recoveryMissing()) {
            return new Stall(
                    Reason.POINT_IN_TIME_RECOVERY_OFF,
                    "The initial load exports table " + f.table() + " (loadMethod " + f.loadMethod()
                            + "), which needs point-in-time recovery, and it is off. Turn it on with: aws dynamodb "
                            + "update-continuous-backups --region " + f.region() + " --table-name " + f.table()
                            + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true (AWS bills it), "
                            + "set spec.enablePointInTimeRecovery: true to let the worker do it, or set loadMethod: "
                            + "Scan.");
        }
        if (f.exports() && !f.bucketSet()) {
            return new Stall(
                    Reason.EXPORT_BUCKET_MISSING,
                    "The initial load exports the table (loadMethod " + f.loadMethod() + "), but DynamoIntegration "
                            + f.integration() + " has no spec.s3.bucket to export into; set one, or set loadMethod: "
                            + "Scan.");
        }
        return null;
    }

    /** The actions denied, in the order they were probed. */
    static List<String> denied(List<AccessCheck> checks) {
        return checks.stream()
                .filter(c -> !c.isGranted())
                .map(AccessCheck::getAction)
                .toList();
    }
}
