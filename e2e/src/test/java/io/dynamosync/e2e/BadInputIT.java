package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.ReadCapacity;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Bad input, end to end: resources the schema accepts but the world refuses, items at DynamoDB's limits, hostile
 * queries and bad worker settings. Each case ends with a clear error where a user looks (a condition with reason and
 * message, an Event, an HTTP 4xx with a JSON body, a worker exit with one line) and nothing lost or crashed.
 *
 * <p>The item cases share one namespace with three collections (string, binary and number keys), loaded once: a
 * worker per case would cost minutes.
 */
@ExtendWith(LocalAwsExtension.class)
@EnableKubernetesMockClient(crud = true)
class BadInputIT {

    private static final Duration WITHIN = Duration.ofSeconds(150);

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static LocalCluster cluster;
    private static LocalAws kit;

    @BeforeAll
    static void startCluster(LocalAws aws, @TempDir Path work) {
        kit = aws;
        cluster = LocalCluster.forTests(client, aws, work);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---- resources the schema accepts and the world refuses --------------------------------------------------

    @Test
    void aTableThatDoesNotExistStallsTheCollectionNamingTableAndRegion(LocalAws aws) {
        String namespace = LocalCluster.namespace("no-table");
        applyExamples(namespace, "NoSuchTable-" + System.nanoTime(), UnaryOperator.identity());
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "TableNotFound");
        assertThat(stalled.getMessage())
                .contains("NoSuchTable-")
                .contains(LocalAws.REGION.id())
                .contains("spec.table");
        assertThat(client.apps().statefulSets().inNamespace(namespace).list().getItems())
                .isEmpty();
    }

    @Test
    void aTableArnInAnotherRegionThanTheIntegrationsIsRefused(LocalAws aws) {
        String namespace = LocalCluster.namespace("wrong-region");
        String table = Tables.withCustomers(aws, 3);
        applyExamples(namespace, table, o -> {
            if (o instanceof DynamoCollection c) {
                c.getSpec().setTable("arn:aws:dynamodb:eu-west-1:000000000000:table/" + table);
            }
            return o;
        });
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "TableNotFound");
        assertThat(stalled.getMessage())
                .contains("eu-west-1")
                .contains(LocalAws.REGION.id())
                .contains("dev-keys");
        assertThat(client.apps().statefulSets().inNamespace(namespace).list().getItems())
                .isEmpty();
    }

    @Test
    void anIntegrationInAnotherNamespaceIsNotFound(LocalAws aws) {
        String elsewhere = LocalCluster.namespace("integration-home");
        String namespace = LocalCluster.namespace("integration-away");
        String table = Tables.withCustomers(aws, 3);
        cluster.apply("integration-access-keys.yaml", elsewhere, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-scan.yaml", namespace, o -> cluster.atLocalAws(o, table));
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "IntegrationNotFound");
        assertThat(stalled.getMessage())
                .contains("dev-keys")
                .contains(namespace)
                .contains("spec.integrationRef");
    }

    @Test
    void anIntegrationWhoseSecretIsMissingIsStalledAndItsCollectionWaitsSayingWhy(LocalAws aws) {
        String namespace = LocalCluster.namespace("no-secret");
        String table = Tables.withCustomers(aws, 3);
        applyExamples(namespace, table, o -> o instanceof Secret ? null : o);
        Condition integration = stalled(DynamoIntegration.class, namespace, "dev-keys", "SecretNotFound");
        assertThat(integration.getMessage()).contains("dev-aws-keys");
        // The collection first waits for an integration "not checked yet", then, at its next poll, says why.
        await().atMost(WITHIN)
                .untilAsserted(() -> assertThat(awaitCondition(
                                        DynamoCollection.class,
                                        namespace,
                                        "customers",
                                        "Reconciling",
                                        "True",
                                        "IntegrationNotReady")
                                .getMessage())
                        .contains("dev-keys")
                        .contains("SecretNotFound"));
        assertThat(LocalCluster.condition(
                        cluster.collection(namespace, "customers").getStatus(), "Ready"))
                .hasValueSatisfying(r -> assertThat(r.getReason()).isEqualTo("IntegrationNotReady"));
    }

    @Test
    void aSecretWithoutTheKeyTheIntegrationNamesIsStalledNamingTheKey(LocalAws aws) {
        String namespace = LocalCluster.namespace("no-key");
        applyExamples(namespace, "Unused", o -> {
            if (o instanceof Secret secret) {
                secret.setStringData(Map.of("accessKeyId", "local"));
            }
            return o;
        });
        Condition stalled = stalled(DynamoIntegration.class, namespace, "dev-keys", "SecretKeyMissing");
        assertThat(stalled.getMessage()).contains("secretAccessKey").contains("dev-aws-keys");
        assertThat(stalled.getMessage()).doesNotContain("local-secret");
    }

    @Test
    void unknownAccessKeysAreInvalidCredentials(LocalAws aws) {
        String namespace = LocalCluster.namespace("bad-keys");
        applyExamples(namespace, "Unused", o -> {
            if (o instanceof Secret secret) {
                secret.setStringData(Map.of("accessKeyId", "AKIAUNKNOWN0000000000", "secretAccessKey", "not-a-secret"));
            }
            return o;
        });
        Condition stalled = stalled(DynamoIntegration.class, namespace, "dev-keys", "InvalidCredentials");
        assertThat(stalled.getMessage()).doesNotContain("not-a-secret");
    }

    @Test
    void aRoleThatDoesNotTrustTheExternalIdIsAssumeRoleDenied(LocalAws aws) {
        String namespace = LocalCluster.namespace("role-denied");
        String role = "arn:aws:iam::123456789012:role/dynamo-sync-reader-" + System.nanoTime();
        aws.sts().addRole(role, "the-right-external-id", LocalAws.IDENTITY_ARN);
        cluster.apply("integration-role.yaml", namespace, o -> {
            cluster.atLocalAws(o, "Unused");
            DynamoIntegration integration = (DynamoIntegration) o;
            integration.getSpec().setRoleArn(role);
            integration.getSpec().setExternalId("a-wrong-external-id");
            return o;
        });
        Condition stalled = stalled(DynamoIntegration.class, namespace, "prod-account", "AssumeRoleDenied");
        assertThat(stalled.getMessage()).contains(role);
    }

    @Test
    void aTransformationThatFailsStallsTheCollectionWithDuckDbsMessageAndTheWorkerKeepsServing(LocalAws aws) {
        String namespace = LocalCluster.namespace("bad-transformation");
        String table = Tables.withCustomers(aws, 5);
        applyExamples(namespace, table, o -> {
            if (o instanceof DynamoCollection c) {
                c.getSpec().setIngestTransformation("SELECT *, no_such_column + 1 AS broken FROM _input");
            }
            return o;
        });
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "InvalidTransformation");
        assertThat(stalled.getMessage()).contains("no_such_column");
        // Nothing of the failed batch was written, and the worker did not crash: it still answers queries.
        assertThat(cluster.query(namespace, "customers", "SELECT count(*) AS n FROM customers")
                        .path(0)
                        .path("n")
                        .asLong())
                .isZero();
        assertThat(cluster.kubelet().restarts(namespace, "customers-worker-0")).isZero();
        suspend(namespace, "customers");
    }

    @Test
    void aTransformationThatDropsTheIdIsRefusedSayingSo(LocalAws aws) {
        String namespace = LocalCluster.namespace("drops-id");
        String table = Tables.withCustomers(aws, 5);
        applyExamples(namespace, table, o -> {
            if (o instanceof DynamoCollection c) {
                c.getSpec().setIngestTransformation("SELECT name, n FROM _input");
            }
            return o;
        });
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "InvalidTransformation");
        assertThat(stalled.getMessage()).contains("_id");
        assertThat(cluster.kubelet().restarts(namespace, "customers-worker-0")).isZero();
        suspend(namespace, "customers");
    }

    @Test
    void anExportToABucketThatDoesNotExistStallsTheCollectionNamingTheBucket(LocalAws aws) {
        String namespace = LocalCluster.namespace("no-bucket");
        String table = Tables.withCustomers(aws, 5);
        String bucket = "no-such-bucket-" + System.nanoTime();
        cluster.apply("integration-access-keys.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            if (o instanceof DynamoIntegration integration) {
                S3Bucket s3 = new S3Bucket();
                s3.setBucket(bucket);
                s3.setForcePathStyle(true);
                s3.setChecksumWhenRequired(true);
                integration.getSpec().setS3(s3);
            }
            return o;
        });
        cluster.apply("collection-export.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            ((DynamoCollection) o).getSpec().getIntegrationRef().setName("dev-keys");
            return o;
        });
        await().atMost(WITHIN).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "orders");
            assertThat(LocalCluster.condition(c.getStatus(), "Stalled"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .hasValueSatisfying(s -> {
                        assertThat(s.getStatus()).isEqualTo("True");
                        assertThat(s.getMessage()).contains(bucket);
                    });
        });
        assertThat(isTrue(cluster.collection(namespace, "orders").getStatus(), "Ready"))
                .isFalse();
    }

    @Test
    void anExportWithoutABucketInTheIntegrationIsExportBucketMissing(LocalAws aws) {
        String namespace = LocalCluster.namespace("no-s3");
        String table = Tables.withCustomers(aws, 5);
        cluster.apply("integration-access-keys.yaml", namespace, o -> cluster.atLocalAws(o, table));
        cluster.apply("collection-export.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            ((DynamoCollection) o).getSpec().getIntegrationRef().setName("dev-keys");
            return o;
        });
        Condition stalled = stalled(DynamoCollection.class, namespace, "orders", "ExportBucketMissing");
        assertThat(stalled.getMessage()).contains("spec.s3").contains("loadMethod: Scan");
    }

    @Test
    void aStreamWithoutNewImagesIsLeftAloneAndStallsTheCollection(LocalAws aws) {
        String namespace = LocalCluster.namespace("keys-only");
        String table = LocalAws.uniqueName("KeysOnly");
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY)));
        applyExamples(namespace, table, UnaryOperator.identity());
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "StreamViewTypeUnsuitable");
        assertThat(stalled.getMessage()).contains("KEYS_ONLY").contains(table);
        assertThat(aws.dynamoDb()
                        .describeTable(b -> b.tableName(table))
                        .table()
                        .streamSpecification()
                        .streamViewType())
                .isEqualTo(StreamViewType.KEYS_ONLY);
    }

    @Test
    void aReadCapacityPercentOnAnOnDemandTableStallsTheCollectionSayingToSetUnits(LocalAws aws) {
        String namespace = LocalCluster.namespace("percent");
        String table = Tables.withCustomers(aws, 5);
        applyExamples(namespace, table, o -> {
            if (o instanceof DynamoCollection c) {
                ReadCapacity capacity = new ReadCapacity();
                capacity.setPercent(50);
                c.getSpec().setReadCapacity(capacity);
            }
            return o;
        });
        Condition stalled = stalled(DynamoCollection.class, namespace, "customers", "ReadCapacityPercentOnDemand");
        assertThat(stalled.getMessage()).contains("readCapacity");
        suspend(namespace, "customers");
    }

    // ---- items at DynamoDB's limits -------------------------------------------------------------------------

    /** 400 KB less the item's names and key: the largest item DynamoDB takes. */
    private static final int BIG = 400 * 1024 - "id".length() - "big".length() - "payload".length();

    private static final int DEPTH = 32;
    private static final String NUMBERS_NS = "limits";
    /** The items of the limits table less the one refused for its own {@code _id}. */
    private static final long LIMIT_ROWS = 14;

    private static volatile boolean limitsLoaded;
    private static volatile RuntimeException limitsFailed;
    /** The deepest nesting DynamoDB took: maps inside the top-level map. */
    private static int deepest;

    /** {@code levels} maps, each in the one above, the innermost holding {@code leaf}. */
    private static Map<String, AttributeValue> nested(int levels) {
        Map<String, AttributeValue> deep = Map.of("leaf", AttributeValue.fromS("bottom"));
        for (int level = 1; level < levels; level++) {
            deep = Map.of("d", AttributeValue.fromM(deep));
        }
        return deep;
    }

    /** One table holding every case, and two more for binary and number keys, loaded once by three collections. */
    private static synchronized void loadLimits() {
        if (limitsLoaded) {
            return;
        }
        if (limitsFailed != null) {
            throw limitsFailed;
        }
        try {
            createLimits();
        } catch (RuntimeException | AssertionError e) {
            limitsFailed = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            throw e;
        }
        limitsLoaded = true;
    }

    private static void createLimits() {
        LocalAws aws = kit;
        // No stream while the items are written, so they reach the replica by the scan alone: DynamoDB Local's stream
        // images give an empty map as {} where DynamoDB gives {"M": {}}. The stream is turned on after, as the
        // StreamOff condition tells a user to.
        String strings = LocalAws.uniqueName("Limits");
        aws.dynamoDb()
                .createTable(b -> b.tableName(strings)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST));
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        items.put("big", Map.of("payload", AttributeValue.fromS("é".repeat(BIG / 4) + "x".repeat(BIG - BIG / 4 * 2))));
        // DynamoDB allows "32 levels" of nesting; how it counts them (the item, the scalar at the bottom) is its own,
        // so the deepest map it takes is what the replica must give back.
        for (deepest = DEPTH; ; deepest--) {
            Map<String, AttributeValue> deep = nested(deepest);
            try {
                aws.dynamoDb()
                        .putItem(b -> b.tableName(strings)
                                .item(Map.of(
                                        "id", AttributeValue.fromS("deep"), "nested", AttributeValue.fromM(deep))));
                break;
            } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
                if (deepest <= DEPTH - 2 || !e.getMessage().contains("Nesting")) {
                    throw e;
                }
            }
        }
        items.put("n38", Map.of("n38", AttributeValue.fromN("12345678901234567890123456789012345678")));
        items.put("nmax", Map.of("nmax", AttributeValue.fromN("9.9999999999999999999999999999999999999E+125")));
        items.put("nmin", Map.of("nmin", AttributeValue.fromN("1E-130")));
        items.put("nneg", Map.of("nneg", AttributeValue.fromN("-1.2345678901234567890123456789012345678E-130")));
        items.put(
                "nested-numbers",
                Map.of(
                        "doc",
                        AttributeValue.fromM(Map.of(
                                "max", AttributeValue.fromN("9.9999999999999999999999999999999999999E+125"),
                                "min", AttributeValue.fromN("-1E-130")))));
        items.put(
                "empty",
                Map.of(
                        "emptyString",
                        AttributeValue.fromS(""),
                        "emptyList",
                        AttributeValue.fromL(List.of()),
                        "emptyMap",
                        AttributeValue.fromM(Map.of())));
        items.put("unicode", Map.of("名前", AttributeValue.fromS("テスト"), "émoji 😀", AttributeValue.fromS("ok")));
        items.put(
                "keywords",
                Map.of(
                        "select",
                        AttributeValue.fromS("s"),
                        "from",
                        AttributeValue.fromS("f"),
                        "order",
                        AttributeValue.fromN("3"),
                        "with space.dot",
                        AttributeValue.fromS("w")));
        items.put("clash-1", Map.of("status", AttributeValue.fromS("lower")));
        items.put("clash-2", Map.of("Status", AttributeValue.fromS("Upper"), "STATUS", AttributeValue.fromS("UPPER")));
        items.put("own-id", Map.of("_id", AttributeValue.fromS("legacy-7")));
        items.put(
                "sets",
                Map.of(
                        "ss",
                        AttributeValue.fromSs(List.of("a", "b")),
                        "ns",
                        AttributeValue.fromNs(List.of("1", "2.5")),
                        "bs",
                        AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x")))));
        items.put(
                "scalars",
                Map.of(
                        "flag",
                        AttributeValue.fromBool(false),
                        "nothing",
                        AttributeValue.fromNul(true),
                        "bin",
                        AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, (byte) 0xff, 10}))));
        items.forEach((id, attributes) -> {
            Map<String, AttributeValue> item = new HashMap<>(attributes);
            item.put("id", AttributeValue.fromS(id));
            aws.dynamoDb().putItem(b -> b.tableName(strings).item(item));
        });
        aws.dynamoDb()
                .updateTable(b -> b.tableName(strings)
                        .streamSpecification(
                                st -> st.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));

        String blobs = LocalAws.uniqueName("BinaryKeys");
        aws.dynamoDb()
                .createTable(b -> b.tableName(blobs)
                        .keySchema(k -> k.attributeName("k").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("k").attributeType(ScalarAttributeType.B))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (byte[] key : List.of(
                new byte[] {0}, new byte[] {(byte) 0xff, (byte) 0xfe}, "|\\".getBytes(StandardCharsets.UTF_8))) {
            aws.dynamoDb()
                    .putItem(b -> b.tableName(blobs)
                            .item(Map.of(
                                    "k",
                                    AttributeValue.fromB(SdkBytes.fromByteArray(key)),
                                    "v",
                                    AttributeValue.fromS(Base64.getEncoder().encodeToString(key)))));
        }
        String numbers = LocalAws.uniqueName("NumberKeys");
        aws.dynamoDb()
                .createTable(b -> b.tableName(numbers)
                        .keySchema(k -> k.attributeName("k").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("k").attributeType(ScalarAttributeType.N))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (String key : List.of("1.50", "-7", "0", "12345678901234567890123456789012345678", "1E-130")) {
            aws.dynamoDb()
                    .putItem(b -> b.tableName(numbers)
                            .item(Map.of("k", AttributeValue.fromN(key), "v", AttributeValue.fromS(key))));
        }

        cluster.apply("integration-access-keys.yaml", NUMBERS_NS, o -> cluster.atLocalAws(o, strings));
        for (String[] collection : List.of(
                new String[] {"limits", strings}, new String[] {"blobs", blobs}, new String[] {"numbers", numbers})) {
            cluster.apply("collection-scan.yaml", NUMBERS_NS, o -> {
                cluster.atLocalAws(o, collection[1]);
                o.getMetadata().setName(collection[0]);
                return o;
            });
        }
        for (String collection : List.of("limits", "blobs", "numbers")) {
            await().atMost(Duration.ofSeconds(240))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(isTrue(
                                    cluster.collection(NUMBERS_NS, collection).getStatus(), "Ready"))
                            .as(
                                    "%s %s",
                                    collection,
                                    cluster.collection(NUMBERS_NS, collection).getStatus())
                            .isTrue());
        }
    }

    private static JsonNode row(String collection, String sql) {
        loadLimits();
        JsonNode rows = cluster.query(NUMBERS_NS, collection, sql);
        assertThat(rows).as("rows of %s", sql).hasSize(1);
        return rows.get(0);
    }

    @Test
    void aFourHundredKilobyteItemComesBackWhole() {
        JsonNode row = row("limits", "SELECT length(payload) AS chars, md5(payload) AS h FROM limits WHERE id = 'big'");
        String payload = "é".repeat(BIG / 4) + "x".repeat(BIG - BIG / 4 * 2);
        assertThat(row.path("chars").asLong()).isEqualTo(payload.length());
        assertThat(row.path("h").asText()).isEqualTo(Tables.md5(payload));
    }

    @Test
    void theDeepestNestingDynamoDbTakesComesBackWhole() {
        JsonNode nested =
                row("limits", "SELECT nested FROM limits WHERE id = 'deep'").path("nested");
        assertThat(deepest).as("maps DynamoDB took one in another").isGreaterThanOrEqualTo(DEPTH - 2);
        for (int level = 1; level < deepest; level++) {
            assertThat(nested.has("d")).as("level %d", level).isTrue();
            nested = nested.path("d");
        }
        assertThat(nested.path("leaf").asText()).isEqualTo("bottom");
    }

    @Test
    void aThirtyEightDigitIntegerKeepsEveryDigit() {
        assertThat(row("limits", "SELECT n38 FROM limits WHERE id = 'n38'")
                        .path("n38")
                        .decimalValue())
                .isEqualTo(new BigDecimal("12345678901234567890123456789012345678"));
    }

    @Test
    void theSmallestPositiveNumberKeepsItsValue() {
        assertThat(row("limits", "SELECT nmin FROM limits WHERE id = 'nmin'")
                        .path("nmin")
                        .decimalValue())
                .isEqualByComparingTo(new BigDecimal("1E-130"));
    }

    /**
     * A number no SQL number type holds is a {@code DOUBLE} inside, for arithmetic and comparisons;
     * the answer still gives its every digit, and no companion column (worker/README.md).
     */
    @Test
    void theLargestNumberKeepsEveryDigit() {
        JsonNode row = row("limits", "SELECT nmax, nmax > 9.9e125 AS compares FROM limits WHERE id = 'nmax'");
        assertThat(row.path("nmax").decimalValue())
                .isEqualByComparingTo(new BigDecimal("9.9999999999999999999999999999999999999E+125"));
        assertThat(row.path("compares").asBoolean())
                .as("comparison on the numeric column")
                .isTrue();
    }

    @Test
    void aThirtyEightDigitNumberWithTheSmallestExponentKeepsEveryDigit() {
        JsonNode row = row("limits", "SELECT * FROM limits WHERE id = 'nneg' AND nneg < 0");
        assertThat(row.path("nneg").decimalValue())
                .isEqualByComparingTo(new BigDecimal("-1.2345678901234567890123456789012345678E-130"));
        assertThat(row.fieldNames()).toIterable().noneMatch(name -> name.contains("__exact"));
    }

    @Test
    void numbersInsideMapsKeepEveryDigit() {
        JsonNode doc = row("limits", "SELECT doc FROM limits WHERE id = 'nested-numbers'")
                .path("doc");
        assertThat(doc.path("max").decimalValue())
                .isEqualByComparingTo(new BigDecimal("9.9999999999999999999999999999999999999E+125"));
        assertThat(doc.path("min").decimalValue()).isEqualByComparingTo(new BigDecimal("-1E-130"));
    }

    @Test
    void emptyStringsListsAndMapsStayEmptyNotNull() {
        JsonNode row = row(
                "limits",
                "SELECT emptyString, emptyList, emptyMap, emptyString IS NULL AS isNull "
                        + "FROM limits WHERE id = 'empty'");
        assertThat(row.path("emptyString").isTextual()).isTrue();
        assertThat(row.path("emptyString").asText()).isEmpty();
        assertThat(row.path("isNull").asBoolean()).isFalse();
        assertThat(row.path("emptyList").isArray()).isTrue();
        assertThat(row.path("emptyList")).isEmpty();
        assertThat(row.path("emptyMap").isObject()).isTrue();
        assertThat(row.path("emptyMap")).isEmpty();
    }

    @Test
    void unicodeAttributeNamesAreColumnsUnderTheirOwnNames() {
        JsonNode row = row("limits", "SELECT \"名前\", \"émoji 😀\" FROM limits WHERE id = 'unicode'");
        assertThat(row.path("名前").asText()).isEqualTo("テスト");
        assertThat(row.path("émoji 😀").asText()).isEqualTo("ok");
    }

    @Test
    void attributesNamedLikeSqlKeywordsAreQueryableQuoted() {
        JsonNode row = row(
                "limits",
                "SELECT \"select\", \"from\", \"order\", \"with space.dot\" FROM limits " + "WHERE id = 'keywords'");
        assertThat(row.path("select").asText()).isEqualTo("s");
        assertThat(row.path("from").asText()).isEqualTo("f");
        assertThat(row.path("order").asInt()).isEqualTo(3);
        assertThat(row.path("with space.dot").asText()).isEqualTo("w");
    }

    @Test
    void attributesThatDifferOnlyInCaseGetColumnsOfTheirOwn() {
        loadLimits();
        JsonNode columns = cluster.query(
                NUMBERS_NS,
                "limits",
                "SELECT attribute, column_name FROM _columns "
                        + "WHERE lower(attribute) = 'status' ORDER BY column_name");
        assertThat(columns).hasSize(3);
        Map<String, String> byAttribute = new HashMap<>();
        columns.forEach(c -> byAttribute.put(
                c.path("attribute").asText(), c.path("column_name").asText()));
        assertThat(byAttribute.keySet()).containsExactlyInAnyOrder("status", "Status", "STATUS");
        // The first of them the worker sees keeps its name; the next ones get _2, then _3, after their own names.
        // Which comes first is not fixed: the scan's segments hand their pages to the writer in whatever order they
        // finish them.
        List<String> suffixes = new ArrayList<>();
        byAttribute.forEach((attribute, column) -> {
            assertThat(column).startsWith(attribute);
            suffixes.add(column.substring(attribute.length()));
        });
        assertThat(suffixes).containsExactlyInAnyOrder("", "_2", "_3");
        JsonNode lower =
                row("limits", "SELECT \"" + byAttribute.get("status") + "\" AS v FROM limits WHERE id = 'clash-1'");
        JsonNode upper = row(
                "limits",
                "SELECT \"" + byAttribute.get("Status") + "\" AS a, \"" + byAttribute.get("STATUS")
                        + "\" AS b FROM limits WHERE id = 'clash-2'");
        assertThat(lower.path("v").asText()).isEqualTo("lower");
        assertThat(upper.path("a").asText()).isEqualTo("Upper");
        assertThat(upper.path("b").asText()).isEqualTo("UPPER");
    }

    @Test
    void anItemWithItsOwnIdAttributeIsRefusedNamedByItsKeyAndTheRestIsLoaded() {
        loadLimits();
        assertThat(cluster.query(NUMBERS_NS, "limits", "SELECT count(*) AS n FROM limits WHERE id = 'own-id'")
                        .path(0)
                        .path("n")
                        .asLong())
                .isZero();
        JsonNode refused = cluster.workerStatus(NUMBERS_NS, "limits").path("refusedItems");
        assertThat(refused).anySatisfy(item -> {
            assertThat(item.path("key").asText()).isEqualTo("id=own-id");
            assertThat(item.path("reason").asText()).contains("_id").contains("_item_id");
        });
        assertThat(cluster.query(NUMBERS_NS, "limits", "SELECT count(*) AS n FROM limits")
                        .path(0)
                        .path("n")
                        .asLong())
                .isEqualTo(LIMIT_ROWS);
    }

    @Test
    void setsComeBackAsListsAndScalarsKeepTheirTypes() {
        JsonNode row = row("limits", "SELECT ss, ns, bs FROM limits WHERE id = 'sets'");
        assertThat(row.path("ss")).extracting(JsonNode::asText).containsExactlyInAnyOrder("a", "b");
        assertThat(row.path("ns"))
                .extracting(JsonNode::decimalValue)
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("1"), new BigDecimal("2.5"));
        assertThat(row.path("bs"))
                .extracting(JsonNode::asText)
                .containsExactly(Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)));
        JsonNode scalars = row("limits", "SELECT flag, nothing, bin FROM limits WHERE id = 'scalars'");
        assertThat(scalars.path("flag").isBoolean()).isTrue();
        assertThat(scalars.path("flag").asBoolean()).isFalse();
        assertThat(scalars.path("nothing").isNull()).isTrue();
        assertThat(scalars.path("bin").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff, 10}));
    }

    @Test
    void binaryKeysBecomeBase64Ids() {
        loadLimits();
        JsonNode rows = cluster.query(NUMBERS_NS, "blobs", "SELECT _id, v FROM blobs");
        assertThat(rows)
                .hasSize(3)
                .allSatisfy(r ->
                        assertThat(r.path("_id").asText()).isEqualTo(r.path("v").asText()));
    }

    @Test
    void numberKeysBecomeCanonicalIdsOneItemEach() {
        loadLimits();
        Map<String, String> ids = new HashMap<>();
        cluster.query(NUMBERS_NS, "numbers", "SELECT _id, v FROM numbers")
                .forEach(r -> ids.put(r.path("v").asText(), r.path("_id").asText()));
        assertThat(ids)
                .hasSize(5)
                .containsEntry("1.50", "1.5")
                .containsEntry("-7", "-7")
                .containsEntry("0", "0")
                .containsEntry("12345678901234567890123456789012345678", "12345678901234567890123456789012345678");
        assertThat(new BigDecimal(ids.get("1E-130"))).isEqualByComparingTo(new BigDecimal("1E-130"));
    }

    // ---- hostile queries through the Service ------------------------------------------------------------------

    static Stream<Arguments> hostileQueries() {
        return Stream.of(
                Arguments.of("{\"sql\": {\"query\": \"DROP TABLE limits\"}}", 400, "QueryNotAllowed"),
                Arguments.of("{\"sql\": {\"query\": \"SELECT 1; DELETE FROM limits\"}}", 400, "QueryNotAllowed"),
                Arguments.of("{\"sql\": {\"query\": \"COPY limits TO '/tmp/stolen.csv'\"}}", 400, "QueryNotAllowed"),
                Arguments.of(
                        "{\"sql\": {\"query\": \"SELECT * FROM read_csv('/etc/passwd')\"}}", 400, "QueryNotAllowed"),
                Arguments.of("{\"sql\": {\"query\": \"SET enable_external_access = true\"}}", 400, "QueryNotAllowed"),
                Arguments.of("{\"sql\": {\"query\": \"ATTACH '/tmp/evil.duckdb' AS evil\"}}", 400, "QueryNotAllowed"),
                Arguments.of(
                        "{\"sql\": {\"query\": \"SELECT * FROM limits WHERE id = :id\", \"parameters\": "
                                + "[{\"name\": \"id\", \"type\": \"int\", \"value\": \"1; DROP TABLE limits\"}]}}",
                        400,
                        "InvalidInput"),
                Arguments.of("{\"sql\": {\"query\": \"SELEC id FROM limits\"}}", 400, "QueryParseError"),
                Arguments.of("this is not JSON", 400, "InvalidInput"));
    }

    @ParameterizedTest
    @MethodSource("hostileQueries")
    void hostileQueriesAreRefusedWithJsonAndHarmNothing(String body, int status, String type) {
        loadLimits();
        int restarts = cluster.kubelet().restarts(NUMBERS_NS, "limits-worker-0");
        LocalCluster.Answer answer = cluster.post(NUMBERS_NS, "limits", body);
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(status);
        assertThat(answer.body().path("reason").asText())
                .as("%s", answer.body())
                .isEqualTo(type);
        assertThat(answer.body().path("message").asText()).isNotBlank();
        assertThat(cluster.query(NUMBERS_NS, "limits", "SELECT count(*) AS n FROM limits")
                        .path(0)
                        .path("n")
                        .asLong())
                .isEqualTo(LIMIT_ROWS);
        assertThat(cluster.kubelet().restarts(NUMBERS_NS, "limits-worker-0")).isEqualTo(restarts);
        assertThat(Files.exists(Path.of("/tmp/stolen.csv"))).isFalse();
    }

    @Test
    void aParseErrorSaysWhereInTheQuery() {
        loadLimits();
        LocalCluster.Answer answer = cluster.ask(NUMBERS_NS, "limits", "SELECT id\nFROM limits\nWHERE id = = 'x'");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("reason").asText()).isEqualTo("QueryParseError");
        assertThat(answer.body().path("line").asInt()).isEqualTo(3);
        assertThat(answer.body().path("column").asInt()).isPositive();
    }

    // ---- bad worker settings: one line and an exit code ------------------------------------------------------

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("{\"collection\": \"c\", \"region\": \"us-east-1\"}", "setting 'table' is required"),
                Arguments.of(
                        "{\"collection\": \"Not_A_Name\", \"table\": \"Tab\", \"region\": \"us-east-1\"}",
                        "must be a Kubernetes name"),
                Arguments.of(
                        "{\"collection\": \"c\", \"table\": \"Tab\", \"region\": \"us-east-1\", "
                                + "\"load\": {\"readCapacityPercent\": 150}}",
                        "load.readCapacityPercent must be 1 to 100, was 150"),
                Arguments.of(
                        "{\"collection\": \"c\", \"table\": \"Tab\", \"region\": \"us-east-1\", \"surprise\": 1}",
                        "unknown setting 'surprise'"),
                Arguments.of("{\"collection\": \"c\", \"table\": ", "is not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badWorkerSettingsExitWithOneLineNamingTheSetting(String settings, String says, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, settings);
        Process worker = new ProcessBuilder(
                        LocalCluster.ROOT
                                .resolve("worker/target/dist/bin/worker")
                                .toString(),
                        "run",
                        "--config",
                        file.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(worker.exitValue()).as(output).isEqualTo(2);
        assertThat(output.lines()).as(output).hasSize(1);
        assertThat(output).startsWith("worker: ").contains(says);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void applyExamples(String namespace, String table, UnaryOperator<HasMetadata> edit) {
        cluster.apply("integration-access-keys.yaml", namespace, o -> edit.apply(cluster.atLocalAws(o, table)));
        cluster.apply("collection-scan.yaml", namespace, o -> edit.apply(cluster.atLocalAws(o, table)));
    }

    /**
     * Waits until {@code name} is Stalled with {@code reason} and a Warning Event with that reason announced it, as
     * {@code kubectl describe} shows a user; returns the condition.
     */
    private static <T extends CustomResource<?, ? extends io.dynamosync.api.v1alpha1.Status>> Condition stalled(
            Class<T> kind, String namespace, String name, String reason) {
        Condition stalled = awaitCondition(kind, namespace, name, "Stalled", "True", reason);
        await().atMost(WITHIN).until(() -> cluster.hasEvent(namespace, name, "Warning", reason));
        return stalled;
    }

    private static <T extends CustomResource<?, ? extends io.dynamosync.api.v1alpha1.Status>> Condition awaitCondition(
            Class<T> kind, String namespace, String name, String type, String status, String reason) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            T resource =
                    client.resources(kind).inNamespace(namespace).withName(name).get();
            assertThat(resource).isNotNull();
            assertThat(LocalCluster.condition(resource.getStatus(), type))
                    .as(
                            "%s/%s: %s",
                            namespace,
                            name,
                            resource.getStatus() == null
                                    ? null
                                    : resource.getStatus().getConditions())
                    .hasValueSatisfying(c -> {
                        assertThat(c.getStatus()).isEqualTo(status);
                        assertThat(c.getReason()).isEqualTo(reason);
                    });
        });
        return LocalCluster.condition(
                        client.resources(kind)
                                .inNamespace(namespace)
                                .withName(name)
                                .get()
                                .getStatus(),
                        type)
                .orElseThrow();
    }

    /** Stops a worker a test no longer needs, so that it does not slow the tests after it. */
    private static void suspend(String namespace, String name) {
        Consumer<DynamoCollection> change = c -> c.getSpec().setSuspend(true);
        client.resources(DynamoCollection.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(c -> {
                    change.accept(c);
                    return c;
                });
    }
}
