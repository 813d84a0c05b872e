package io.dynamosync.operator.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.IcebergCatalog;
import io.dynamosync.api.v1alpha1.IcebergCatalogType;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.operator.aws.TableRef;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM policies (JSON) a user pastes into IAM for an integration: the permissions its identity needs for the
 * tables its collections name, and the trust policy that lets the operator assume its role. Pure functions, so
 * what users are told to grant is tested without AWS.
 */
public final class IamPolicies {

    /** Read-only table actions, on the table ARN: every collection describes and may scan its table. */
    static final List<String> TABLE_ACTIONS = List.of("dynamodb:DescribeTable", "dynamodb:Scan");
    /** Turns the stream on where it is off; only for collections with spec.enableStream. */
    static final List<String> ENABLE_STREAM_ACTIONS = List.of("dynamodb:UpdateTable");
    /** Stream actions, on the table's stream ARNs. */
    public static final List<String> STREAM_ACTIONS =
            List.of("dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords");
    /** Export actions on the table: the export itself, and reading whether point-in-time recovery is on. */
    static final List<String> EXPORT_TABLE_ACTIONS =
            List.of("dynamodb:ExportTableToPointInTime", "dynamodb:DescribeContinuousBackups");
    /** Turns point-in-time recovery on; only for collections with spec.enablePointInTimeRecovery. */
    static final List<String> ENABLE_RECOVERY_ACTIONS = List.of("dynamodb:UpdateContinuousBackups");
    /**
     * Object actions in the collection's export folder: what DynamoDB needs to write an export as the caller
     * (PutObject, PutObjectAcl, AbortMultipartUpload, as AWS's export documentation lists them), and GetObject for
     * the worker to read it back.
     */
    static final List<String> EXPORT_OBJECT_ACTIONS =
            List.of("s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject", "s3:PutObjectAcl");
    /** Listing and deleting the export's files: only where they are deleted (cleanupExport, deletionPolicy Delete). */
    static final List<String> DELETE_OBJECT_ACTIONS = List.of("s3:DeleteObject");
    /**
     * Publishing to Iceberg, in the warehouse: reading table metadata and manifests back, and writing data, delete,
     * manifest and metadata files (large ones in parts), and deleting the files of expired snapshots and old metadata
     * files. Nothing is listed: the table's metadata names every file.
     */
    static final List<String> WAREHOUSE_OBJECT_ACTIONS =
            List.of("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject");
    /** Publishing to a Glue catalog: its namespaces (databases) and tables, made where missing and committed to. */
    static final List<String> GLUE_ACTIONS =
            List.of("glue:CreateDatabase", "glue:CreateTable", "glue:GetDatabase", "glue:GetTable", "glue:UpdateTable");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/.+$");

    private IamPolicies() {}

    /**
     * A table a collection replicates, and what its settings let the code do to it.
     *
     * @param table the table
     * @param mayExport loadMethod Export or Auto, which exports large tables
     * @param enablesStream spec.enableStream: the operator may call UpdateTable to turn the stream on
     * @param enablesPointInTimeRecovery spec.enablePointInTimeRecovery: the worker may turn it on for an export
     * @param deletesExportFiles cleanupExport or deletionPolicy Delete: the export's files are listed and deleted
     * @param exportFolder the collection's folder in the bucket ({@code CollectionWorker.exportPrefix}), or null
     * @param followsStream mode Streaming: the table's stream is read (a snapshot collection reads none)
     * @param publishes spec.iceberg: the collection publishes to the integration's Iceberg catalog and warehouse
     */
    public record TableUse(
            TableRef table,
            boolean mayExport,
            boolean enablesStream,
            boolean enablesPointInTimeRecovery,
            boolean deletesExportFiles,
            String exportFolder,
            boolean followsStream,
            boolean publishes) {

        /** A table whose stream is followed, publishing nothing. */
        public TableUse(
                TableRef table,
                boolean mayExport,
                boolean enablesStream,
                boolean enablesPointInTimeRecovery,
                boolean deletesExportFiles,
                String exportFolder) {
            this(
                    table,
                    mayExport,
                    enablesStream,
                    enablesPointInTimeRecovery,
                    deletesExportFiles,
                    exportFolder,
                    true,
                    false);
        }

        /** A table only read (scanned and streamed), whose stream the operator may not turn on. */
        public static TableUse readOnly(TableRef table) {
            return new TableUse(table, false, false, false, false, null);
        }
    }

    /**
     * The permissions policy for {@code tables}. Each statement names only the tables, streams and export folders
     * whose collections' settings need it. While no collection uses the integration it is the base policy: what
     * every collection needs whatever its table ({@code dynamodb:ListStreams}, which IAM grants on "*" only). The
     * integration's own check needs nothing more (STS GetCallerIdentity requires no permission; AssumeRole is
     * granted by the trust policy), and granting every table in advance would be more than is needed: the policy
     * widens to each table as its collection is created, so that the policy copied before the first collection is
     * a valid one to attach, not an empty file.
     *
     * @param bucket the integration's export bucket, or null; granted only when some table may be exported
     */
    public static String permissionsPolicy(Collection<TableUse> tables, S3Bucket bucket) {
        return permissionsPolicy(tables, bucket, null);
    }

    /**
     * {@link #permissionsPolicy(Collection, S3Bucket)}, and where some collection publishes to Iceberg, the warehouse's
     * object actions under its prefix (and, for a Glue catalog, Glue's) on {@code catalog}.
     *
     * @param catalog the integration's Iceberg catalog, or null
     */
    public static String permissionsPolicy(Collection<TableUse> tables, S3Bucket bucket, IcebergCatalog catalog) {
        if (tables.isEmpty()) {
            ObjectNode policy = JSON.createObjectNode();
            policy.put("Version", "2012-10-17");
            listStreams(policy.putArray("Statement"));
            return write(policy);
        }
        TreeSet<String> tableArns = new TreeSet<>();
        TreeSet<String> streamEnablingArns = new TreeSet<>();
        TreeSet<String> streamArns = new TreeSet<>();
        TreeSet<String> exportTableArns = new TreeSet<>();
        TreeSet<String> recoveryEnablingArns = new TreeSet<>();
        TreeSet<String> exportArns = new TreeSet<>();
        TreeSet<String> exportFolders = new TreeSet<>();
        TreeSet<String> deletedFolders = new TreeSet<>();
        String partition = tables.iterator().next().table().partition();
        String bucketArn = bucket == null ? null : "arn:" + partition + ":s3:::" + bucket.getBucket();
        for (TableUse use : tables) {
            tableArns.add(use.table().arn());
            if (use.followsStream()) {
                streamArns.add(use.table().streamsArn());
            }
            if (use.enablesStream() && use.followsStream()) {
                streamEnablingArns.add(use.table().arn());
            }
            if (use.mayExport() && bucket != null) {
                exportTableArns.add(use.table().arn());
                exportArns.add(use.table().exportsArn());
                String folder = bucketArn + "/" + folder(use, bucket) + "*";
                exportFolders.add(folder);
                if (use.enablesPointInTimeRecovery()) {
                    recoveryEnablingArns.add(use.table().arn());
                }
                if (use.deletesExportFiles()) {
                    deletedFolders.add(folder);
                }
            }
        }
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statement(statements, "ReadTables", TABLE_ACTIONS, tableArns);
        if (!streamEnablingArns.isEmpty()) {
            statement(statements, "EnableStreams", ENABLE_STREAM_ACTIONS, streamEnablingArns);
        }
        if (!streamArns.isEmpty()) {
            statement(statements, "ReadStreams", STREAM_ACTIONS, streamArns);
            listStreams(statements);
        }
        if (!exportTableArns.isEmpty()) {
            statement(statements, "ExportTables", EXPORT_TABLE_ACTIONS, exportTableArns);
            if (!recoveryEnablingArns.isEmpty()) {
                statement(statements, "EnablePointInTimeRecovery", ENABLE_RECOVERY_ACTIONS, recoveryEnablingArns);
            }
            statement(statements, "DescribeExports", List.of("dynamodb:DescribeExport"), exportArns);
            statement(statements, "ExportObjects", EXPORT_OBJECT_ACTIONS, exportFolders);
            if (!deletedFolders.isEmpty()) {
                ObjectNode list =
                        statement(statements, "ListExportFiles", List.of("s3:ListBucket"), List.of(bucketArn));
                ArrayNode prefixes =
                        list.putObject("Condition").putObject("StringLike").putArray("s3:prefix");
                deletedFolders.forEach(f -> prefixes.add(f.substring(bucketArn.length() + 1)));
                statement(statements, "DeleteExportFiles", DELETE_OBJECT_ACTIONS, deletedFolders);
            }
        }
        if (catalog != null && tables.stream().anyMatch(TableUse::publishes)) {
            String prefix = catalog.warehousePrefix();
            statement(
                    statements,
                    "WriteIcebergWarehouse",
                    WAREHOUSE_OBJECT_ACTIONS,
                    List.of("arn:" + partition + ":s3:::" + catalog.warehouseBucket() + "/"
                            + (prefix.isEmpty() ? "" : prefix + "/") + "*"));
            if (catalog.getType() == IcebergCatalogType.GLUE) {
                // The catalog of the tables' own account and region.
                String[] arn = tables.iterator().next().table().arn().split(":");
                String glue = "arn:" + partition + ":glue:" + arn[3] + ":" + arn[4] + ":";
                statement(
                        statements,
                        "PublishToGlue",
                        GLUE_ACTIONS,
                        List.of(glue + "catalog", glue + "database/*", glue + "table/*/*"));
            }
        }
        return write(policy);
    }

    /** ListStreams takes no resource: IAM grants it on "*" only. */
    private static void listStreams(ArrayNode statements) {
        statement(statements, "ListStreams", List.of("dynamodb:ListStreams"), List.of("*"));
    }

    /** The collection's folder; the integration's prefix where the use does not say (a whole-prefix grant). */
    private static String folder(TableUse use, S3Bucket bucket) {
        return use.exportFolder() != null ? use.exportFolder() : Objects.requireNonNullElse(bucket.getPrefix(), "");
    }

    /**
     * The trust policy for a role integration: every identity that calls AssumeRole on the role (the operator,
     * which probes access, and the workers, which load and stream) may assume it, and only with
     * {@code externalId}, so that no one else's operator can be tricked into using it (the confused deputy).
     *
     * @param callerArns the callers' identities, as GetCallerIdentity reports them or as configured; an
     *     assumed-role session (IRSA) is turned into its role's ARN, which is what a trust policy names
     */
    public static String trustPolicy(Collection<String> callerArns, String externalId) {
        TreeSet<String> principals = new TreeSet<>();
        callerArns.stream()
                .filter(Objects::nonNull)
                .map(IamPolicies::principalOf)
                .forEach(principals::add);
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject();
        statement.put("Sid", "DynamoSync");
        statement.put("Effect", "Allow");
        if (principals.size() == 1) {
            statement.putObject("Principal").put("AWS", principals.first());
        } else {
            ArrayNode aws = statement.putObject("Principal").putArray("AWS");
            principals.forEach(aws::add);
        }
        statement.put("Action", "sts:AssumeRole");
        statement.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", externalId);
        return write(policy);
    }

    /** The trust policy for one caller; see {@link #trustPolicy(Collection, String)}. */
    public static String trustPolicy(String callerArn, String externalId) {
        return trustPolicy(List.of(callerArn), externalId);
    }

    /** The IAM principal of an identity: the role of an assumed-role session, the identity itself otherwise. */
    public static String principalOf(String identityArn) {
        Matcher session = ASSUMED_ROLE.matcher(identityArn);
        if (session.matches()) {
            // The session ARN drops the role's path; a role with a path must be named with it by hand.
            return "arn:" + session.group(1) + ":iam::" + session.group(2) + ":role/" + session.group(3);
        }
        return identityArn;
    }

    private static ObjectNode statement(
            ArrayNode statements, String sid, List<String> actions, Collection<String> resources) {
        ObjectNode statement = statements.addObject();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        ArrayNode action = statement.putArray("Action");
        actions.forEach(action::add);
        ArrayNode resource = statement.putArray("Resource");
        resources.forEach(resource::add);
        return statement;
    }

    private static String write(ObjectNode policy) {
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy is always writable", e);
        }
    }
}
