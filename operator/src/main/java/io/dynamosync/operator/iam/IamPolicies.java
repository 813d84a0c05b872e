package io.dynamosync.operator.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** Read-only table actions, on the table ARN. {@code UpdateTable} turns the stream on where it is off. */
    static final List<String> TABLE_ACTIONS = List.of("dynamodb:DescribeTable", "dynamodb:Scan",
            "dynamodb:UpdateTable");
    /** Stream actions, on the table's stream ARNs. */
    static final List<String> STREAM_ACTIONS = List.of("dynamodb:DescribeStream", "dynamodb:GetShardIterator",
            "dynamodb:GetRecords");
    /** Export actions on the table; point-in-time recovery must be on for an export. */
    static final List<String> EXPORT_TABLE_ACTIONS = List.of("dynamodb:ExportTableToPointInTime",
            "dynamodb:DescribeContinuousBackups", "dynamodb:UpdateContinuousBackups");
    /** Object actions in the export bucket, under the integration's prefix. */
    static final List<String> EXPORT_OBJECT_ACTIONS = List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/.+$");

    private IamPolicies() {
    }

    /**
     * A table a collection replicates, and whether its load may use an export.
     *
     * @param table the table
     * @param mayExport loadMethod Export or Auto, which exports large tables
     */
    public record TableUse(TableRef table, boolean mayExport) {
    }

    /**
     * The permissions policy for {@code tables}, or null when no collection uses the integration yet (IAM refuses
     * a statement without resources, and granting every table would be more than is needed).
     *
     * @param bucket the integration's export bucket, or null; granted only when some table may be exported
     */
    public static String permissionsPolicy(Collection<TableUse> tables, S3Bucket bucket) {
        if (tables.isEmpty()) {
            return null;
        }
        TreeSet<String> tableArns = new TreeSet<>();
        TreeSet<String> streamArns = new TreeSet<>();
        TreeSet<String> exportTableArns = new TreeSet<>();
        TreeSet<String> exportArns = new TreeSet<>();
        for (TableUse use : tables) {
            tableArns.add(use.table().arn());
            streamArns.add(use.table().streamsArn());
            if (use.mayExport() && bucket != null) {
                exportTableArns.add(use.table().arn());
                exportArns.add(use.table().exportsArn());
            }
        }
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statement(statements, "ReadTables", TABLE_ACTIONS, tableArns);
        statement(statements, "ReadStreams", STREAM_ACTIONS, streamArns);
        // ListStreams takes no resource: IAM grants it on "*" only.
        statement(statements, "ListStreams", List.of("dynamodb:ListStreams"), List.of("*"));
        if (!exportTableArns.isEmpty()) {
            statement(statements, "ExportTables", EXPORT_TABLE_ACTIONS, exportTableArns);
            statement(statements, "DescribeExports", List.of("dynamodb:DescribeExport"), exportArns);
            String partition = tables.iterator().next().table().partition();
            String bucketArn = "arn:" + partition + ":s3:::" + bucket.getBucket();
            String prefix = Objects.requireNonNullElse(bucket.getPrefix(), "");
            statement(statements, "ListExportBucket", List.of("s3:ListBucket"), List.of(bucketArn));
            statement(statements, "ExportObjects", EXPORT_OBJECT_ACTIONS, List.of(bucketArn + "/" + prefix + "*"));
        }
        return write(policy);
    }

    /**
     * The trust policy for a role integration: {@code operatorArn} may assume the role only with
     * {@code externalId}, so that no one else's operator can be tricked into using it (the confused deputy).
     *
     * @param operatorArn the operator's own identity as GetCallerIdentity reports it; an assumed-role session
     *     (IRSA) is turned into its role's ARN, which is what a trust policy names
     */
    public static String trustPolicy(String operatorArn, String externalId) {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject();
        statement.put("Sid", "DynamoSyncOperator");
        statement.put("Effect", "Allow");
        statement.putObject("Principal").put("AWS", principalOf(operatorArn));
        statement.put("Action", "sts:AssumeRole");
        statement.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", externalId);
        return write(policy);
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

    private static void statement(ArrayNode statements, String sid, List<String> actions, Collection<String> resources) {
        ObjectNode statement = statements.addObject();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        ArrayNode action = statement.putArray("Action");
        actions.forEach(action::add);
        ArrayNode resource = statement.putArray("Resource");
        resources.forEach(resource::add);
    }

    private static String write(ObjectNode policy) {
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy is always writable", e);
        }
    }
}
