package io.dynamosync.operator.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.IcebergCatalog;
import io.dynamosync.api.v1alpha1.IcebergCatalogType;
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
                TableUse.readOnly(TableRef.of("Orders", "eu-west-1", "123456789012")),
                new TableUse(
                        TableRef.of("arn:aws:dynamodb:us-east-1:210987654321:table/Users", "eu-west-1", "123456789012"),
                        false,
                        true,
                        false,
                        false,
                        null));

        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(tables, null));

        assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(resources(policy, "dynamodb:Scan"))
                .containsExactlyInAnyOrder(
                        "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders",
                        "arn:aws:dynamodb:us-east-1:210987654321:table/Users");
        assertThat(resources(policy, "dynamodb:DescribeTable")).hasSize(2);
        // Only the collection allowed to turn its stream on may change its table.
        assertThat(resources(policy, "dynamodb:UpdateTable"))
                .containsExactly("arn:aws:dynamodb:us-east-1:210987654321:table/Users");
        assertThat(resources(policy, "dynamodb:GetRecords"))
                .containsExactlyInAnyOrder(
                        "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/*",
                        "arn:aws:dynamodb:us-east-1:210987654321:table/Users/stream/*");
        assertThat(resources(policy, "dynamodb:DescribeStream")).hasSize(2);
        assertThat(resources(policy, "dynamodb:GetShardIterator")).hasSize(2);
        assertThat(resources(policy, "dynamodb:ListStreams")).containsExactly("*");
        assertThat(resources(policy, "dynamodb:ExportTableToPointInTime")).isEmpty();
        assertThat(resources(policy, "s3:GetObject")).isEmpty();
    }

    @Test
    void aSnapshotTableGetsNoStreamActionsAndItsStreamIsNeverTurnedOn() throws Exception {
        TableRef snapshot = TableRef.of("Archive", "eu-west-1", "123456789012");
        JsonNode alone = JSON.readTree(IamPolicies.permissionsPolicy(
                List.of(new TableUse(snapshot, false, true, false, false, null, false, false)), null));

        assertThat(resources(alone, "dynamodb:Scan"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Archive");
        assertThat(resources(alone, "dynamodb:GetRecords")).isEmpty();
        assertThat(resources(alone, "dynamodb:ListStreams")).isEmpty();
        assertThat(resources(alone, "dynamodb:UpdateTable")).isEmpty();

        JsonNode mixed = JSON.readTree(IamPolicies.permissionsPolicy(
                List.of(
                        new TableUse(snapshot, false, false, false, false, null, false, false),
                        TableUse.readOnly(TableRef.of("Orders", "eu-west-1", "123456789012"))),
                null));
        assertThat(resources(mixed, "dynamodb:GetRecords"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/*");
        assertThat(resources(mixed, "dynamodb:ListStreams")).containsExactly("*");
    }

    @Test
    void grantsWarehouseActionsUnderItsPrefixOnlyWhenACollectionPublishesAndGlueOnlyForAGlueCatalog() throws Exception {
        IcebergCatalog catalog = new IcebergCatalog();
        catalog.setType(IcebergCatalogType.JDBC);
        catalog.setUri("jdbc:postgresql://db/iceberg");
        catalog.setWarehouse("s3://lake/warehouse/");
        TableRef orders = TableRef.of("Orders", "eu-west-1", "123456789012");
        TableUse reading = new TableUse(orders, false, false, false, false, null, true, false);
        TableUse publishing = new TableUse(orders, false, false, false, false, null, true, true);

        JsonNode none = JSON.readTree(IamPolicies.permissionsPolicy(List.of(reading), null, catalog));
        JsonNode jdbc = JSON.readTree(IamPolicies.permissionsPolicy(List.of(publishing), null, catalog));
        catalog.setType(IcebergCatalogType.GLUE);
        JsonNode glue = JSON.readTree(IamPolicies.permissionsPolicy(List.of(publishing), null, catalog));

        assertThat(resources(none, "s3:PutObject")).isEmpty();
        // Deleting too: expired snapshots' files and old metadata files go.
        for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject")) {
            assertThat(resources(jdbc, action)).containsExactly("arn:aws:s3:::lake/warehouse/*");
        }
        assertThat(resources(none, "s3:DeleteObject")).isEmpty();
        assertThat(resources(jdbc, "glue:UpdateTable")).isEmpty();
        assertThat(resources(glue, "glue:UpdateTable"))
                .contains(
                        "arn:aws:glue:eu-west-1:123456789012:catalog", "arn:aws:glue:eu-west-1:123456789012:table/*/*");
    }

    @Test
    void grantsExportAndBucketActionsOnlyForTablesThatMayBeExportedInTheirOwnFolders() throws Exception {
        S3Bucket bucket = new S3Bucket();
        bucket.setBucket("exports");
        bucket.setPrefix("dynamo-sync/");
        List<TableUse> tables = List.of(
                new TableUse(
                        TableRef.of("Orders", "eu-west-1", "123456789012"),
                        true,
                        false,
                        true,
                        true,
                        "dynamo-sync/shop/orders/"),
                new TableUse(TableRef.of("Users", "eu-west-1", "123456789012"), false, false, false, false, null));

        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(tables, bucket));

        assertThat(resources(policy, "dynamodb:ExportTableToPointInTime"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders");
        assertThat(resources(policy, "dynamodb:DescribeContinuousBackups")).hasSize(1);
        assertThat(resources(policy, "dynamodb:UpdateContinuousBackups")).hasSize(1);
        assertThat(resources(policy, "dynamodb:DescribeExport"))
                .containsExactly("arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/export/*");
        assertThat(resources(policy, "s3:ListBucket")).containsExactly("arn:aws:s3:::exports");
        for (String action : List.of(
                "s3:PutObject", "s3:PutObjectAcl", "s3:AbortMultipartUpload", "s3:GetObject", "s3:DeleteObject")) {
            assertThat(resources(policy, action))
                    .as(action)
                    .containsExactly("arn:aws:s3:::exports/dynamo-sync/shop/orders/*");
        }
        JsonNode list = statementGranting(policy, "s3:ListBucket");
        assertThat(list.at("/Condition/StringLike/s3:prefix").get(0).asText()).isEqualTo("dynamo-sync/shop/orders/*");
    }

    /**
     * The calls the code makes with the integration's identity, each with who makes it and when; the policy must
     * grant exactly these for every combination of a collection's settings. Export's S3 writes are made by DynamoDB
     * as the caller, so AWS's export documentation, not our code, lists them.
     */
    private static final List<Call> CALLS = List.of(
            new Call("dynamodb:DescribeTable", "SdkAccessProbe.probeTable; worker load", s -> true),
            new Call("dynamodb:Scan", "SdkAccessProbe.probeTable (Limit 1); worker ScanLoader", s -> true),
            new Call("dynamodb:ListStreams", "SdkAccessProbe.probeTable", s -> true),
            new Call("dynamodb:DescribeStream", "SdkAccessProbe.probeStream; worker stream", s -> true),
            new Call("dynamodb:GetShardIterator", "SdkAccessProbe.probeStream; worker stream", s -> true),
            new Call("dynamodb:GetRecords", "SdkAccessProbe.probeStream; worker stream", s -> true),
            new Call("dynamodb:UpdateTable", "SdkStreamEnabler, only with spec.enableStream", Settings::enableStream),
            new Call(
                    "dynamodb:DescribeContinuousBackups",
                    "SdkAccessProbe.probeExport; worker ExportLoader",
                    Settings::export),
            new Call(
                    "dynamodb:UpdateContinuousBackups",
                    "worker ExportLoader, only with enablePointInTimeRecovery",
                    s -> s.export() && s.enableRecovery()),
            new Call("dynamodb:ExportTableToPointInTime", "worker ExportLoader", Settings::export),
            new Call("dynamodb:DescribeExport", "worker ExportLoader", Settings::export),
            new Call(
                    "s3:PutObject",
                    "SdkAccessProbe.probeExport (marker); DynamoDB writing the export",
                    Settings::export),
            new Call("s3:PutObjectAcl", "DynamoDB writing the export (AWS export documentation)", Settings::export),
            new Call(
                    "s3:AbortMultipartUpload",
                    "DynamoDB writing the export (AWS export documentation)",
                    Settings::export),
            new Call("s3:GetObject", "SdkAccessProbe.probeExport (marker); worker ExportLoader", Settings::export),
            new Call(
                    "s3:ListBucket",
                    "S3ExportFiles.deleteAll; worker cleanup; probe where files are deleted",
                    s -> s.export() && s.deletesFiles()),
            new Call(
                    "s3:DeleteObject",
                    "S3ExportFiles.deleteAll (deletionPolicy Delete); worker cleanupExport",
                    s -> s.export() && s.deletesFiles()));

    /** One combination of the settings that change what a collection calls. */
    record Settings(
            boolean export,
            boolean enableStream,
            boolean enableRecovery,
            boolean cleanupExport,
            boolean deletionPolicyDelete) {

        boolean deletesFiles() {
            return cleanupExport || deletionPolicyDelete;
        }

        @Override
        public String toString() {
            return (export ? "Export" : "Scan")
                    + (enableStream ? " enableStream" : "")
                    + (enableRecovery ? " enablePointInTimeRecovery" : "")
                    + (cleanupExport ? " cleanupExport" : "")
                    + (deletionPolicyDelete ? " deletionPolicy=Delete" : "");
        }
    }

    record Call(String action, String madeBy, java.util.function.Predicate<Settings> when) {}

    static java.util.stream.Stream<Settings> everyCombination() {
        return java.util.stream.IntStream.range(0, 32)
                .mapToObj(bits -> new Settings(
                        (bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0, (bits & 16) != 0));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("everyCombination")
    void grantsExactlyTheCallsTheSettingsMake(Settings settings) throws Exception {
        S3Bucket bucket = new S3Bucket();
        bucket.setBucket("exports");
        TableUse use = new TableUse(
                TableRef.of("Orders", "eu-west-1", "123456789012"),
                settings.export(),
                settings.enableStream(),
                settings.enableRecovery(),
                settings.deletesFiles(),
                "shop/orders/");

        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(List.of(use), bucket));

        java.util.Set<String> granted = new java.util.TreeSet<>();
        for (JsonNode statement : policy.get("Statement")) {
            statement.get("Action").forEach(a -> granted.add(a.asText()));
        }
        assertThat(granted)
                .containsExactlyInAnyOrderElementsOf(CALLS.stream()
                        .filter(c -> c.when().test(settings))
                        .map(Call::action)
                        .toList());
    }

    @Test
    void unknownAccountIsAWildcardAndChinaRegionsUseTheirPartition() {
        assertThat(TableRef.of("Orders", "cn-north-1", null).arn())
                .isEqualTo("arn:aws-cn:dynamodb:cn-north-1:*:table/Orders");
    }

    @Test
    void baseLeastPolicyWhileNoCollectionUsesTheIntegration() throws Exception {
        S3Bucket bucket = new S3Bucket();
        bucket.setBucket("exports");

        // A policy IAM accepts (put-role-policy refuses an empty file), granting no table and no bucket yet.
        JsonNode policy = JSON.readTree(IamPolicies.permissionsPolicy(List.of(), bucket));

        assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(policy.get("Statement")).hasSize(1);
        assertThat(resources(policy, "dynamodb:ListStreams")).containsExactly("*");
        assertThat(policy.toString()).doesNotContain("arn:");
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
        assertThat(statement.at("/Condition/StringEquals/sts:ExternalId").asText())
                .isEqualTo("ext-42");
    }

    @Test
    void trustPolicyNamesEveryIdentityThatAssumesTheRole() throws Exception {
        JsonNode policy = JSON.readTree(IamPolicies.trustPolicy(
                java.util.Arrays.asList(
                        "arn:aws:sts::111122223333:assumed-role/dynamo-sync-operator/session-1",
                        "arn:aws:iam::111122223333:role/dynamo-sync-worker",
                        null),
                "ext-42"));

        JsonNode statement = policy.get("Statement").get(0);
        assertThat(statement.at("/Principal/AWS"))
                .extracting(JsonNode::asText)
                .containsExactly(
                        "arn:aws:iam::111122223333:role/dynamo-sync-operator",
                        "arn:aws:iam::111122223333:role/dynamo-sync-worker");
        assertThat(statement.at("/Condition/StringEquals/sts:ExternalId").asText())
                .isEqualTo("ext-42");
    }

    @Test
    void userPrincipalsAreNamedAsTheyAre() {
        assertThat(IamPolicies.principalOf("arn:aws:iam::111122223333:user/ci"))
                .isEqualTo("arn:aws:iam::111122223333:user/ci");
    }

    private static JsonNode statementGranting(JsonNode policy, String action) {
        for (JsonNode statement : policy.get("Statement")) {
            for (JsonNode a : statement.get("Action")) {
                if (a.asText().equals(action)) {
                    return statement;
                }
            }
        }
        throw new AssertionError(action + " is not granted");
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
