package io.dynamosync.operator.aws;

import io.dynamosync.api.v1alpha1.AccessCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** {@link AccessProbe} with the AWS SDK: each probe is one real, harmless call. */
public final class SdkAccessProbe implements AccessProbe {

    /** Error codes that mean "not allowed", as IAM, SCPs and KMS say it. */
    /** S3's error code for a bucket that does not exist. */
    public static final String NO_SUCH_BUCKET = "NoSuchBucket";

    private static final Set<String> DENIED = Set.of(
            "AccessDeniedException",
            "AccessDenied",
            "UnauthorizedOperation",
            "UnrecognizedClientException",
            "AllAccessDisabled");
    private static final String MARKER = ".dynamo-sync-access-check";

    @Override
    public TableAccess probeTable(AwsAccount account, String table) {
        List<AccessCheck> checks = new ArrayList<>();
        TableDescription description;
        try {
            DescribeTableResponse response = account.dynamoDb().describeTable(r -> r.tableName(table));
            description = response.table();
            checks.add(granted("dynamodb:DescribeTable", description.tableArn()));
        } catch (ResourceNotFoundException e) {
            checks.add(new AccessCheck(
                    "dynamodb:DescribeTable",
                    table,
                    true,
                    "Allowed, but the table does not exist in region " + account.region() + "."));
            return new TableAccess(false, checks, null, null, null, null);
        } catch (AwsServiceException e) {
            checks.add(denied("dynamodb:DescribeTable", table, e));
            description = null;
        }
        String resource = description == null ? table : description.tableArn();
        checks.add(call(
                "dynamodb:Scan",
                resource,
                () -> account.dynamoDb().scan(r -> r.tableName(table).limit(1))));
        checks.add(call(
                "dynamodb:ListStreams",
                resource,
                () -> account.streams().listStreams(r -> r.tableName(table).limit(1))));
        String viewType = null;
        String streamArn = null;
        if (description != null
                && description.streamSpecification() != null
                && Boolean.TRUE.equals(description.streamSpecification().streamEnabled())) {
            viewType = description.streamSpecification().streamViewTypeAsString();
            streamArn = description.latestStreamArn();
            checks.addAll(probeStream(account, streamArn));
        }
        return new TableAccess(
                true,
                checks,
                viewType,
                streamArn,
                description == null ? null : description.tableSizeBytes(),
                description == null ? null : description.itemCount());
    }

    @Override
    public List<AccessCheck> probeStream(AwsAccount account, String streamArn) {
        List<AccessCheck> checks = new ArrayList<>();
        StreamDescription stream;
        try {
            stream = account.streams()
                    .describeStream(r -> r.streamArn(streamArn).limit(100))
                    .streamDescription();
            checks.add(granted("dynamodb:DescribeStream", streamArn));
        } catch (AwsServiceException e) {
            checks.add(denied("dynamodb:DescribeStream", streamArn, e));
            return checks;
        } catch (SdkException e) {
            throw unavailable("dynamodb:DescribeStream", e);
        }
        if (stream.shards().isEmpty()) {
            // A stream just turned on may have no shard yet; the next probe reads one.
            return checks;
        }
        // The last shard listed is the newest, open one: the one the worker reads first after a load.
        Shard shard = stream.shards().get(stream.shards().size() - 1);
        String iterator;
        try {
            iterator = account.streams()
                    .getShardIterator(r ->
                            r.streamArn(streamArn).shardId(shard.shardId()).shardIteratorType(ShardIteratorType.LATEST))
                    .shardIterator();
            checks.add(granted("dynamodb:GetShardIterator", streamArn));
        } catch (AwsServiceException e) {
            checks.add(denied("dynamodb:GetShardIterator", streamArn, e));
            return checks;
        } catch (SdkException e) {
            throw unavailable("dynamodb:GetShardIterator", e);
        }
        checks.add(call(
                "dynamodb:GetRecords",
                streamArn,
                () -> account.streams()
                        .getRecords(r -> r.shardIterator(iterator).limit(1))));
        return checks;
    }

    @Override
    public ExportAccess probeExport(AwsAccount account, String table, ExportTarget target) {
        List<AccessCheck> checks = new ArrayList<>();
        PointInTimeRecoveryStatus[] recovery = new PointInTimeRecoveryStatus[1];
        checks.add(call(
                "dynamodb:DescribeContinuousBackups",
                table,
                () -> recovery[0] = account.dynamoDb()
                        .describeContinuousBackups(r -> r.tableName(table))
                        .continuousBackupsDescription()
                        .pointInTimeRecoveryDescription()
                        .pointInTimeRecoveryStatus()));
        String bucketArn = "arn:" + TableRef.partitionOf(account.region()) + ":s3:::" + target.bucket();
        String marker = target.prefix() + MARKER;
        if (target.deletesFiles()) {
            // Listing is needed only to find the files to delete.
            checks.add(call(
                    "s3:ListBucket",
                    bucketArn,
                    () -> account.s3()
                            .listObjectsV2(r -> r.bucket(target.bucket())
                                    .prefix(target.prefix())
                                    .maxKeys(1))));
        }
        AccessCheck put = call(
                "s3:PutObject",
                bucketArn + "/" + marker,
                () -> account.s3()
                        .putObject(
                                r -> r.bucket(target.bucket()).key(marker),
                                RequestBody.fromString("dynamo-sync access check\n")));
        checks.add(put);
        if (put.isGranted()) {
            checks.add(call(
                    "s3:GetObject",
                    bucketArn + "/" + marker,
                    () -> account.s3()
                            .getObjectAsBytes(r -> r.bucket(target.bucket()).key(marker))));
            if (target.deletesFiles()) {
                checks.add(call(
                        "s3:DeleteObject",
                        bucketArn + "/" + marker,
                        () -> account.s3()
                                .deleteObject(r -> r.bucket(target.bucket()).key(marker))));
            }
        }
        Boolean on = recovery[0] == null ? null : recovery[0] == PointInTimeRecoveryStatus.ENABLED;
        return new ExportAccess(List.copyOf(checks), on);
    }

    private static AccessCheck call(String action, String resource, Supplier<?> call) {
        try {
            call.get();
            return granted(action, resource);
        } catch (AwsServiceException e) {
            return denied(action, resource, e);
        } catch (SdkException e) {
            throw unavailable(action, e);
        }
    }

    private static AccessCheck granted(String action, String resource) {
        return new AccessCheck(action, resource, true, "Allowed.");
    }

    /** A denial with AWS's own message; any other service error is not about permissions, so it is retried. */
    private static AccessCheck denied(String action, String resource, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (NO_SUCH_BUCKET.equals(code)) {
            // Not a passing failure: retrying as if AWS were unreachable would wait forever for a bucket no one makes.
            String bucket = resource.substring(resource.indexOf(":::") + 3).split("/", 2)[0];
            return new AccessCheck(
                    action,
                    resource,
                    false,
                    "Bucket " + bucket + " does not exist (" + NO_SUCH_BUCKET
                            + "); create it, or fix spec.s3.bucket of the integration.");
        }
        if (code == null || !DENIED.contains(code) && e.statusCode() != 403) {
            throw unavailable(action, e);
        }
        return new AccessCheck(
                action,
                resource,
                false,
                StsIdentityCheck.message(e) + " Grant " + action + " on " + resource
                        + " to the integration's identity (see the integration's status.permissionsPolicy).");
    }

    private static AwsUnavailableException unavailable(String action, SdkException e) {
        return new AwsUnavailableException(action + " could not be probed: " + e.getMessage(), e);
    }
}
