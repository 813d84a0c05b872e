package io.dynamosync.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.ManifestValidator.Violation;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad manifests are refused by the CRD schema itself, before the operator sees them, each for its own reason:
 * every case expects exactly one violation, at the field and by the rule that a user would be shown.
 */
class ManifestValidationTest {

    private static final ManifestValidator INTEGRATIONS = ManifestValidator.forKind(DynamoIntegration.class);
    private static final ManifestValidator COLLECTIONS = ManifestValidator.forKind(DynamoCollection.class);

    /** A bad manifest and the one refusal expected for it. */
    record Refusal(String name, ManifestValidator validator, String yaml, String path, String rule, String message) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> badIntegrations() {
        return Stream.of(
                integration(
                        "both roleArn and accessKeySecretRef",
                        """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            accessKeySecretRef:
              name: aws-keys
            """,
                        "spec",
                        Violation.CEL,
                        "set exactly one of roleArn and accessKeySecretRef"),
                integration(
                        "neither roleArn nor accessKeySecretRef",
                        """
            region: us-east-1
            """,
                        "spec",
                        Violation.CEL,
                        "set exactly one of roleArn and accessKeySecretRef"),
                integration(
                        "externalId with access keys",
                        """
            region: us-east-1
            externalId: abc123
            accessKeySecretRef:
              name: aws-keys
            """,
                        "spec",
                        Violation.CEL,
                        "externalId applies only with roleArn"),
                integration("region missing", """
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            """, "spec.region", "required", null),
                integration("region misspelt", """
            region: us-east1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            """, "spec.region", "pattern", null),
                integration("roleArn names a user, not a role", """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:user/alice
            """, "spec.roleArn", "pattern", null),
                integration("roleArn with a short account ID", """
            region: us-east-1
            roleArn: arn:aws:iam::12345:role/dynamo-sync
            """, "spec.roleArn", "pattern", null),
                integration("access-key Secret without a name", """
            region: us-east-1
            accessKeySecretRef:
              accessKeyIdKey: id
            """, "spec.accessKeySecretRef.name", "required", null),
                integration("endpoint without a scheme", """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            endpoints:
              dynamodb: localhost:8000
            """, "spec.endpoints.dynamodb", "pattern", null),
                integration("S3 bucket name with capitals", """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            s3:
              bucket: My_Exports
            """, "spec.s3.bucket", "pattern", null),
                integration("s3 without a bucket", """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            s3:
              prefix: exports/
            """, "spec.s3.bucket", "required", null),
                integration("unknown field under spec", """
            region: us-east-1
            roleArn: arn:aws:iam::123456789012:role/dynamo-sync
            roleARN: arn:aws:iam::123456789012:role/dynamo-sync
            """, "spec.roleARN", "additionalProperties", null));
    }

    static Stream<Refusal> badCollections() {
        return Stream.of(
                collection("table missing", """
            integrationRef:
              name: prod
            """, "spec.table", "required", null),
                collection("integrationRef missing", """
            table: Orders
            """, "spec.integrationRef", "required", null),
                collection("table name too short", """
            integrationRef:
              name: prod
            table: ab
            """, "spec.table", "pattern", null),
                collection("table name with a space", """
            integrationRef:
              name: prod
            table: Customer Orders
            """, "spec.table", "pattern", null),
                collection("table ARN with a short account ID", """
            integrationRef:
              name: prod
            table: arn:aws:dynamodb:us-east-1:1234:table/Orders
            """, "spec.table", "pattern", null),
                collection("table ARN of an index, not a table", """
            integrationRef:
              name: prod
            table: arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/ByCustomer
            """, "spec.table", "pattern", null),
                collection("zero read capacity units", """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              units: 0
            """, "spec.readCapacity.units", "minimum", null),
                collection("negative read capacity units", """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              units: -5
            """, "spec.readCapacity.units", "minimum", null),
                collection("read capacity units as a string", """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              units: "100"
            """, "spec.readCapacity.units", "type", null),
                collection("read capacity percent over 100", """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              percent: 150
            """, "spec.readCapacity.percent", "maximum", null),
                collection("read capacity percent zero", """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              percent: 0
            """, "spec.readCapacity.percent", "minimum", null),
                collection(
                        "read capacity as both units and percent",
                        """
            integrationRef:
              name: prod
            table: Orders
            readCapacity:
              units: 100
              percent: 50
            """,
                        "spec.readCapacity",
                        Violation.CEL,
                        "set exactly one of units and percent"),
                collection(
                        "read capacity with neither units nor percent",
                        """
            integrationRef:
              name: prod
            table: Orders
            readCapacity: {}
            """,
                        "spec.readCapacity",
                        Violation.CEL,
                        "set exactly one of units and percent"),
                collection("unknown load method", """
            integrationRef:
              name: prod
            table: Orders
            loadMethod: Fast
            """, "spec.loadMethod", "enum", null),
                collection("load method in lower case", """
            integrationRef:
              name: prod
            table: Orders
            loadMethod: scan
            """, "spec.loadMethod", "enum", null),
                collection("zero scan segments", """
            integrationRef:
              name: prod
            table: Orders
            scanSegments: 0
            """, "spec.scanSegments", "minimum", null),
                collection("more scan segments than DynamoDB allows", """
            integrationRef:
              name: prod
            table: Orders
            scanSegments: 1000001
            """, "spec.scanSegments", "maximum", null),
                collection("storage size with a space", """
            integrationRef:
              name: prod
            table: Orders
            storage:
              size: 10 GB
            """, "spec.storage.size", "pattern", null),
                collection("storage size in GB rather than G or Gi", """
            integrationRef:
              name: prod
            table: Orders
            storage:
              size: 10GB
            """, "spec.storage.size", "pattern", null),
                collection("unknown deletion policy", """
            integrationRef:
              name: prod
            table: Orders
            deletionPolicy: Orphan
            """, "spec.deletionPolicy", "enum", null),
                collection("unknown field under spec", """
            integrationRef:
              name: prod
            table: Orders
            tableName: Orders
            """, "spec.tableName", "additionalProperties", null),
                collection("unknown field under spec.storage", """
            integrationRef:
              name: prod
            table: Orders
            storage:
              class: fast-ssd
            """, "spec.storage.class", "additionalProperties", null),
                collection(
                        "resource claims, which a worker cannot use",
                        """
            integrationRef:
              name: prod
            table: Orders
            resources:
              claims:
              - name: gpu
            """,
                        "spec.resources.claims",
                        "additionalProperties",
                        null),
                collection(
                        "misspelt toleration key under spec.scheduling",
                        """
            integrationRef:
              name: prod
            table: Orders
            scheduling:
              tolerations:
              - keyy: dedicated
            """,
                        "spec.scheduling.tolerations[0].keyy",
                        "additionalProperties",
                        null),
                collection(
                        "unknown field under spec.scheduling",
                        """
            integrationRef:
              name: prod
            table: Orders
            scheduling:
              nodeSelectors:
                pool: sync
            """,
                        "spec.scheduling.nodeSelectors",
                        "additionalProperties",
                        null),
                collection(
                        "empty query section, which would look like access control and be none",
                        """
            integrationRef:
              name: prod
            table: Orders
            query: {}
            """,
                        "spec.query",
                        Violation.CEL,
                        "set apiKeySecretRef, timeoutSeconds or maxRows; an empty query section requires no API key"),
                collection("query time limit zero", """
            integrationRef:
              name: prod
            table: Orders
            query:
              timeoutSeconds: 0
            """, "spec.query.timeoutSeconds", "minimum", null),
                collection("query row limit zero", """
            integrationRef:
              name: prod
            table: Orders
            query:
              maxRows: 0
            """, "spec.query.maxRows", "minimum", null),
                collection("integration name in capitals", """
            integrationRef:
              name: Prod
            table: Orders
            """, "spec.integrationRef.name", "pattern", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"badIntegrations", "badCollections"})
    void refusesBadManifestForItsOwnReason(Refusal refusal) {
        List<Violation> violations = refusal.validator().validate(Manifests.parseOne(refusal.yaml()));

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.path()).as("path").isEqualTo(refusal.path());
            assertThat(v.rule()).as("rule").isEqualTo(refusal.rule());
            if (refusal.message() != null) {
                assertThat(v.message()).as("message").isEqualTo(refusal.message());
            }
        });
    }

    @Test
    void acceptsMinimalManifestsOfBothKinds() {
        assertThat(INTEGRATIONS.validate(Manifests.parseOne(integrationYaml("""
        region: us-east-1
        accessKeySecretRef:
          name: aws-keys
        """))))
                .isEmpty();
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        """))))
                .isEmpty();
    }

    @Test
    void acceptsSchedulingAsAPodSpecHasIt() {
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        scheduling:
          nodeSelector:
            pool: sync
          tolerations:
          - key: dedicated
            operator: Equal
            value: sync
            effect: NoSchedule
          affinity:
            podAntiAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                podAffinityTerm:
                  topologyKey: kubernetes.io/hostname
        """))))
                .isEmpty();
    }

    @Test
    void acceptsTableArnsInEveryPartition() {
        for (String arn : List.of(
                "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
                "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/Orders",
                "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/orders_v2.archive")) {
            assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml("""
          integrationRef:
            name: prod
          table: %s
          """.formatted(arn)))))
                    .as(arn)
                    .isEmpty();
        }
    }

    @Test
    void acceptsQueryLimitsWithOrWithoutAnApiKey() {
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        query:
          timeoutSeconds: 120
          maxRows: 50000
        """))))
                .isEmpty();
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        query:
          apiKeySecretRef:
            name: orders-api-key
            key: apiKey
        """))))
                .isEmpty();
    }

    @Test
    void refusesChangingTheTableOfAnExistingCollection() {
        var old = Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        """));
        var renamed = Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: OrdersV2
        """));

        assertThat(COLLECTIONS.validate(renamed))
                .as("a new collection may name any table")
                .isEmpty();
        assertThat(COLLECTIONS.validateUpdate(old, renamed))
                .containsExactly(new Violation(
                        "spec.table", Violation.CEL, "table cannot be changed; create another collection instead"));
    }

    @Test
    void acceptsChangingTheReadCapacityOfAnExistingCollection() {
        var old = Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        readCapacity:
          percent: 50
        """));
        var raised = Manifests.parseOne(collectionYaml("""
        integrationRef:
          name: prod
        table: Orders
        readCapacity:
          units: 400
        """));

        assertThat(COLLECTIONS.validateUpdate(old, raised)).isEmpty();
    }

    @Test
    void acceptsACollectionNameOfExactlyTheLongestLength() {
        String longest = "o" + "a".repeat(DynamoCollection.MAX_NAME_LENGTH - 1);

        assertThat(longest).hasSize(45);
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml(longest, MINIMAL_SPEC))))
                .isEmpty();
        // What the worker's objects are then called, each within its Kubernetes limit.
        String statefulSet = longest + "-worker";
        assertThat((statefulSet + "-" + "4294967295").length())
                .as("controller-revision-hash label")
                .isEqualTo(63);
        assertThat((statefulSet + "-0").length()).as("pod name, a DNS label").isLessThanOrEqualTo(63);
    }

    @Test
    void refusesACollectionNameOneCharacterTooLongAndSaysTheLimit() {
        String tooLong = "a".repeat(DynamoCollection.MAX_NAME_LENGTH + 1);

        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml(tooLong, MINIMAL_SPEC))))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.path()).isEmpty();
                    assertThat(v.rule()).isEqualTo(Violation.CEL);
                    assertThat(v.message()).startsWith("metadata.name must be at most 45 characters");
                });
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"orders.eu", "1orders", "orders-", "Orders", "-orders", "orders_v2"})
    void refusesCollectionNamesThatAreNotDns1035Labels(String name) {
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml(name, MINIMAL_SPEC))))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("metadata.name must be a DNS-1035 label"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"o", "orders", "orders-v2", "eu-orders-2"})
    void acceptsCollectionNamesThatAreDns1035Labels(String name) {
        assertThat(COLLECTIONS.validate(Manifests.parseOne(collectionYaml(name, MINIMAL_SPEC))))
                .isEmpty();
    }

    private static Refusal integration(String name, String spec, String path, String rule, String message) {
        return new Refusal("DynamoIntegration: " + name, INTEGRATIONS, integrationYaml(spec), path, rule, message);
    }

    private static Refusal collection(String name, String spec, String path, String rule, String message) {
        return new Refusal("DynamoCollection: " + name, COLLECTIONS, collectionYaml(spec), path, rule, message);
    }

    private static String integrationYaml(String spec) {
        return """
        apiVersion: dynamosync.io/v1alpha1
        kind: DynamoIntegration
        metadata:
          name: prod
        spec:
        """ + spec.indent(2);
    }

    private static final String MINIMAL_SPEC = """
      integrationRef:
        name: prod
      table: Orders
      """;

    private static String collectionYaml(String spec) {
        return collectionYaml("orders", spec);
    }

    private static String collectionYaml(String name, String spec) {
        return """
        apiVersion: dynamosync.io/v1alpha1
        kind: DynamoCollection
        metadata:
          name: %s
        spec:
        """.formatted(name) + spec.indent(2);
    }

    private static final ManifestValidator LAMBDAS = ManifestValidator.forKind(QueryLambda.class);

    private static String lambdaYaml(String versions, String tags) {
        return """
        apiVersion: dynamosync.io/v1alpha1
        kind: QueryLambda
        metadata:
          name: big-orders
        spec:
          versions:
        """ + versions.indent(4) + (tags == null ? "" : "  tags:\n" + tags.indent(4));
    }

    @Test
    void queryLambdasNeedVersionsNamedOnceAndTagsThatNameOne() {
        String two = """
        - version: "1"
          sql: SELECT 1
        - version: "2"
          sql: SELECT 2
          defaultParameters: [{name: min, type: int, value: "5"}]
        """;
        assertThat(LAMBDAS.validate(Manifests.parseOne(lambdaYaml(two, "prod: \"1\""))))
                .isEmpty();

        assertThat(LAMBDAS.validate(Manifests.parseOne(lambdaYaml("""
        - version: "1"
          sql: SELECT 1
        - version: "1"
          sql: SELECT 2
        """, null))))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("spec.versions: each version must be named once"));
        assertThat(LAMBDAS.validate(Manifests.parseOne(lambdaYaml(two, "prod: \"3\""))))
                .singleElement()
                .satisfies(
                        v -> assertThat(v.message()).isEqualTo("spec.tags: each tag must name one of spec.versions"));
        assertThat(LAMBDAS.validate(Manifests.parseOne(lambdaYaml("""
        - version: "1"
        """, null))))
                .as("a version without SQL")
                .isNotEmpty();
    }
}
