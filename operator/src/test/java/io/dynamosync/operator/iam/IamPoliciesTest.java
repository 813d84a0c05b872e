package io.dynamosync.operator.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.operator.aws.TableRef;
import io.dynamosync.operator.iam.IamPolicies.TableUse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IamPoliciesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void grantsReadAndStreamActionsOnEachTableAndItsStreams() throws Exception {
        List<TableUse> tables = List.of(
                new TableUse(TableRef.of("Orders", "eu-west-1", "123456789012"), false),
                new TableUse(TableRef.of("arn:aws:dynamodb:us-east-1:210987654321:table/Users", "eu-west-1", "123456789012"), false));

        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(tables, null));

        assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(resources(policy, "dynamodb:Scan")).containsExactlyInAnyOrder(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
                "arn:aws:dynamodb:us-east-1:210987654321:table/Users");
        assertThat(resources(policy, "dynamodb:DescribeTable")).hasSize(2);
        assertThat(resources(policy, "dynamodb:UpdateTable")).hasSize(2);
        assertThat(resources(policy, "dynamodb:GetRecords")).containsExactlyInAnyOrder(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/*",
                "arn:aws:dynamodb:us-east-1:210987654321:table/Users/stream/*");
        assertThat(resources(policy, "dynamodb:DescribeStream")).hasSize(2);
        assertThat(resources(policy, "dynamodb:GetShardIterator")).hasSize(2);
        assertThat(resources(policy, "dynamodb:ListStreams")).containsExactly("*");
        assertThat(resources(policy, "dynamodb:ExportTableToPointInTime")).isEmpty();
        assertThat(resources(policy, "s3:GetObject")).isEmpty();
    }

    @Test
    void grantsExportAndBucketActionsOnlyForTablesThatMayBeExported() throws Exception {
        S3Bucket bucket = new S3Bucket();
        bucket.setBucket("exports");
        bucket.setPrefix("dynamo-sync/");
        List<TableUse> tables = List.of(
                new TableUse(TableRef.of("Orders", "eu-west-1", "123456789012"), true),
                new TableUse(TableRef.of("Users", "eu-west-1", "123456789012"), false));

        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(tables, bucket));

        assertThat(resources(policy, "dynamodb:ExportTableToPointInTime"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders");
        assertThat(resources(policy, "dynamodb:DescribeContinuousBackups")).hasSize(1);
        assertThat(resources(policy, "dynamodb:UpdateContinuousBackups")).hasSize(1);
        assertThat(resources(policy, "dynamodb:DescribeExport"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/export/*");
        assertThat(resources(policy, "s3:ListBucket")).containsExactly("arn:aws:s3:::exports");
        for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject")) {
            assertThat(resources(policy, action)).containsExactly("arn:aws:s3:::exports/dynamo-sync/*");
        }
    }

    @Test
    void unknownAccountIsAWildcardAndChinaRegionsUseTheirPartition() {
        assertThat(TableRef.of("Orders", "cn-north-1", null).arn())
                .isEqualTo("arn:aws-cn:dynamodb:cn-north-1:*:table/Orders");
    }

    @Test
    void noPolicyWhileNoCollectionUsesTheIntegration() {
        assertThat(IamPolicies.permissionsPolicy(List.of(), null)).isNull();
    }

    @Test
    void trustPolicyNamesTheOperatorsRoleAndRequiresTheExternalId() throws Exception {
        JsonNode policy = JSON.readTree(IamPolicies.trustPolicy(
                "arn:aws:sts::111122223333:assumed-role/dynamo-sync-operator/botocore-session-1", "ext-42"));

        JsonNode statement = policy.get("Statement").get(0);
        assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.get("Action").asText()).isEqualTo("sts:AssumeRole");
        assertThat(statement.at("/Principal/AWS").asText())
                .isEqualTo("arn:aws:iam::111122223333:role/dynamo-sync-operator");
        assertThat(statement.at("/Condition/StringEquals/sts:ExternalId").asText()).isEqualTo("ext-42");
    }

    @Test
    void userPrincipalsAreNamedAsTheyAre() {
        assertThat(IamPolicies.principalOf("arn:aws:iam::111122223333:user/ci")).isEqualTo("arn:aws:iam::111122223333:user/ci");
    }

    /** Every resource of every statement that grants {@code action}. */
    private static List<String> resources(JsonNode policy, String action) {
        List<String> resources = new ArrayList<>();
        for (JsonNode statement : policy.get("Statement")) {
            boolean grants = false;
            for (JsonNode a : statement.get("Action")) {
                grants |= a.asText().equals(action);
            }
            if (grants) {
                statement.get("Resource").forEach(r -> resources.add(r.asText()));
            }
        }
        return resources;
    }
}
