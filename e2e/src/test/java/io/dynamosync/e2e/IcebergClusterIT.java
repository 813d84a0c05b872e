package io.dynamosync.e2e;

import static io.dynamosync.e2e.LocalCluster.isTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.v1alpha1.CatalogCredentialsRef;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.IcebergCatalog;
import io.dynamosync.api.v1alpha1.IcebergCatalogType;
import io.dynamosync.api.v1alpha1.IcebergPublishing;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.iceberg.LocalIceberg;
import io.dynamosync.testkit.iceberg.LocalIcebergExtension;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Publishing as a user sets it up: the examples' integration given a JDBC catalog (its user from a Secret) and
 * warehouse, the examples' collection given {@code spec.iceberg}; the operator passes both to the worker it runs,
 * the collection says {@code Published}, and Trino's view of the table equals the DynamoDB table before and after
 * writes.
 */
@ExtendWith({LocalAwsExtension.class, LocalIcebergExtension.class})
@EnableKubernetesMockClient(crud = true)
class IcebergClusterIT {

    private static final Duration WITHIN = Duration.ofSeconds(180);

    static KubernetesClient client;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster(LocalAws aws, @TempDir Path work) {
        cluster = LocalCluster.forTests(client, aws, work);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void collectionPublishedToIcebergIsReadByTrinoItemForItem(LocalAws aws, LocalIceberg iceberg) {
        String namespace = LocalCluster.namespace("iceberg");
        String table = table(aws, 150);
        String icebergTable = namespace.replace('-', '_') + ".customers";
        client.secrets()
                .inNamespace(namespace)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("iceberg-catalog")
                        .endMetadata()
                        .withStringData(Map.of("username", iceberg.catalogUser(), "password", "unused"))
                        .build())
                .create();
        cluster.apply("integration-access-keys.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            if (o instanceof DynamoIntegration integration) {
                IcebergCatalog catalog = new IcebergCatalog();
                catalog.setType(IcebergCatalogType.JDBC);
                catalog.setUri(iceberg.catalogUri());
                catalog.setWarehouse(LocalIceberg.warehouse());
                catalog.setName(LocalIceberg.CATALOG_NAME);
                CatalogCredentialsRef credentials = new CatalogCredentialsRef();
                credentials.setName("iceberg-catalog");
                catalog.setCredentialsSecretRef(credentials);
                integration.getSpec().setIcebergCatalog(catalog);
                // S3Proxy's addressing and checksums, which the warehouse's S3 client follows too.
                S3Bucket s3 = new S3Bucket();
                s3.setBucket(LocalIceberg.BUCKET);
                s3.setForcePathStyle(true);
                s3.setChecksumWhenRequired(true);
                integration.getSpec().setS3(s3);
            }
            return o;
        });
        cluster.apply("collection-scan.yaml", namespace, o -> {
            cluster.atLocalAws(o, table);
            if (o instanceof DynamoCollection collection) {
                IcebergPublishing publishing = new IcebergPublishing();
                publishing.setTable(icebergTable);
                publishing.setCommitInterval("5s");
                collection.getSpec().setIceberg(publishing);
            }
            return o;
        });

        await().atMost(WITHIN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            DynamoCollection c = cluster.collection(namespace, "customers");
            assertThat(isTrue(c.getStatus(), "Published"))
                    .as("%s", c.getStatus() == null ? null : c.getStatus().getConditions())
                    .isTrue();
        });
        DynamoCollection published = cluster.collection(namespace, "customers");
        assertThat(published.getStatus().getIcebergTable()).isEqualTo(icebergTable);
        assertThat(published.getStatus().getIcebergSnapshotId()).isNotNull();
        assertThat(trino(iceberg, icebergTable)).isEqualTo(items(aws, table));

        put(aws, table, "new-1", 1);
        put(aws, table, "item-00007", 700);
        aws.dynamoDb().deleteItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("item-00008"))));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(trino(iceberg, icebergTable)).isEqualTo(items(aws, table)));
        assertThat(cluster.integration(namespace, "dev-keys").getStatus().getPermissionsPolicy())
                .contains("arn:aws:s3:::" + LocalIceberg.BUCKET + "/warehouse/*");
    }

    private static String table(LocalAws aws, int items) {
        String table = LocalAws.uniqueName("Customers");
        aws.dynamoDb()
                .createTable(b -> b.tableName(table)
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .streamSpecification(
                                s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        for (int i = 0; i < items; i++) {
            put(aws, table, String.format("item-%05d", i), i);
        }
        return table;
    }

    private static void put(LocalAws aws, String table, String id, int n) {
        aws.dynamoDb()
                .putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "id", AttributeValue.fromS(id),
                                "n", AttributeValue.fromN(Integer.toString(n)),
                                "name", AttributeValue.fromS("customer " + n))));
    }

    /** The table, item by item: id to "n|name". */
    private static Map<String, String> items(LocalAws aws, String table) {
        Map<String, String> items = new TreeMap<>();
        aws.dynamoDb()
                .scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> items.put(
                        item.get("id").s(),
                        item.get("n").n() + "|" + item.get("name").s()));
        return items;
    }

    /** Trino's view of the published table, the same way. */
    private static Map<String, String> trino(LocalIceberg iceberg, String icebergTable) {
        Map<String, String> rows = new TreeMap<>();
        for (List<JsonNode> row :
                iceberg.trino().query("SELECT id, CAST(n AS varchar), name FROM iceberg." + icebergTable)) {
            rows.put(row.get(0).asText(), row.get(1).asText() + "|" + row.get(2).asText());
        }
        return rows;
    }
}
