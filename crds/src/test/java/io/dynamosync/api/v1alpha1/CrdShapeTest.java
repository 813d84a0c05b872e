package io.dynamosync.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** What users see of the CRDs outside validation: names, columns, explain text and defaults. */
class CrdShapeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void integrationsAreNamespacedWithShortNameAndStatusSubresource() {
        CustomResourceDefinition crd = GeneratedCrds.committed(DynamoIntegration.class);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ddbi");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("dynamosync");
        assertThat(onlyVersion(crd).getSubresources().getStatus()).isNotNull();
    }

    @Test
    void collectionsAreNamespacedWithShortNameAndStatusSubresource() {
        CustomResourceDefinition crd = GeneratedCrds.committed(DynamoCollection.class);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ddbc");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("dynamosync");
        assertThat(onlyVersion(crd).getSubresources().getStatus()).isNotNull();
    }

    @Test
    void collectionDescriptionsStateTheDefaultsTheWorkerApplies() {
        JsonNode spec = JSON.valueToTree(onlyVersion(GeneratedCrds.committed(DynamoCollection.class))
                        .getSchema()
                        .getOpenAPIV3Schema())
                .at("/properties/spec/properties");

        assertThat(spec.at("/loadMethod/description").asText())
                .contains(io.dynamosync.api.worker.WorkerSettings.Load.DEFAULT_EXPORT_THRESHOLD_BYTES + " bytes");
        assertThat(spec.at("/readCapacity/description").asText())
                .contains(io.dynamosync.api.worker.WorkerSettings.Load.DEFAULT_PERCENT_OF_PROVISIONED + " percent")
                .contains(io.dynamosync.api.worker.WorkerSettings.Load.DEFAULT_ON_DEMAND_UNITS + " read capacity units")
                .doesNotContain("capped only when");
    }

    @Test
    void kubectlGetIntegrationsShowsReadyIdentityAge() {
        assertThat(onlyVersion(GeneratedCrds.committed(DynamoIntegration.class)).getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
                .containsExactly(
                        tuple("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
                        tuple("Identity", ".status.identity.arn"),
                        tuple("Age", ".metadata.creationTimestamp"));
    }

    @Test
    void kubectlGetCollectionsShowsReadyPhaseTableDocumentsLagAge() {
        assertThat(onlyVersion(GeneratedCrds.committed(DynamoCollection.class)).getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
                .containsExactly(
                        tuple("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
                        tuple("Phase", ".status.phase"),
                        tuple("Table", ".spec.table"),
                        tuple("Documents", ".status.documents"),
                        tuple("Lag", ".status.lag"),
                        tuple("Age", ".metadata.creationTimestamp"));
    }

    @ParameterizedTest
    @FieldSource("io.dynamosync.api.v1alpha1.GeneratedCrds#KINDS")
    void kubectlExplainHasADescriptionForEveryField(Class<? extends CustomResource<?, ?>> kind) {
        JsonNode schema = schema(kind);
        List<String> undescribed = new ArrayList<>();
        collectUndescribed(schema, "", undescribed);
        assertThat(schema.path("description").asText())
                .as("description of the kind")
                .isNotBlank();
        assertThat(undescribed).as("fields without a description").isEmpty();
    }

    @Test
    void schemaDefaultsAreTheJavaDefaults() {
        // Objects built in Java (operator tests, builders) must mean what the API server stores for a bare manifest.
        JsonNode collection =
                schema(DynamoCollection.class).path("properties").path("spec").path("properties");
        JsonNode integration =
                schema(DynamoIntegration.class).path("properties").path("spec").path("properties");
        Map<JsonNode, Object> defaults = Map.of(
                collection.path("loadMethod").path("default"),
                new DynamoCollectionSpec().getLoadMethod(),
                collection.path("deletionPolicy").path("default"),
                new DynamoCollectionSpec().getDeletionPolicy(),
                collection.path("storage").path("properties").path("size").path("default"),
                new Storage().getSize(),
                collection
                        .path("query")
                        .path("properties")
                        .path("apiKeySecretRef")
                        .path("properties")
                        .path("key")
                        .path("default"),
                new SecretKeyRef().getKey(),
                integration
                        .path("accessKeySecretRef")
                        .path("properties")
                        .path("accessKeyIdKey")
                        .path("default"),
                new AccessKeySecretRef().getAccessKeyIdKey(),
                integration
                        .path("accessKeySecretRef")
                        .path("properties")
                        .path("secretAccessKeyKey")
                        .path("default"),
                new AccessKeySecretRef().getSecretAccessKeyKey());

        defaults.forEach(
                (schemaDefault, javaDefault) -> assertThat(schemaDefault).isEqualTo(JSON.valueToTree(javaDefault)));
        assertThat(collection.path("loadMethod").path("default").asText()).isEqualTo("Auto");
        assertThat(collection.path("deletionPolicy").path("default").asText()).isEqualTo("Retain");
        assertThat(collection
                        .path("storage")
                        .path("properties")
                        .path("size")
                        .path("default")
                        .asText())
                .isEqualTo("10Gi");
    }

    private static void collectUndescribed(JsonNode schema, String path, List<String> out) {
        schema.path("properties").properties().forEach(field -> {
            String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (field.getValue().path("description").asText().isBlank()) {
                out.add(fieldPath);
            }
            collectUndescribed(field.getValue(), fieldPath, out);
        });
        if (schema.path("items").isObject()) {
            collectUndescribed(schema.path("items"), path + "[]", out);
        }
    }

    private static JsonNode schema(Class<? extends CustomResource<?, ?>> kind) {
        return JSON.valueToTree(
                onlyVersion(GeneratedCrds.committed(kind)).getSchema().getOpenAPIV3Schema());
    }

    private static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        return crd.getSpec().getVersions().get(0);
    }
}
