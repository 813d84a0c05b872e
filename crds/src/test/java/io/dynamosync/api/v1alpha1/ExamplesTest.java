package io.dynamosync.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests in {@code examples/} are what users copy first, so each one must be accepted by the CRDs as
 * the API server would accept it, map onto the Java model without a stray field, and work when the folder is
 * applied as a whole.
 */
class ExamplesTest {

    // Jackson fails on unknown properties by default: a field the model lacks is a typo in the example.
    private static final ObjectMapper STRICT = new ObjectMapper();

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            HasMetadata.getKind(DynamoIntegration.class), DynamoIntegration.class,
            HasMetadata.getKind(DynamoCollection.class), DynamoCollection.class,
            HasMetadata.getKind(Secret.class), Secret.class);

    static List<Path> exampleFiles() {
        return Manifests.exampleFiles();
    }

    @Test
    void examplesFolderHoldsTheDocumentedExamples() {
        assertThat(exampleFiles())
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "collection-auto.yaml",
                        "collection-export.yaml",
                        "collection-scan.yaml",
                        "collection-transformation.yaml",
                        "integration-access-keys.yaml",
                        "integration-role.yaml");
    }

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void startsWithACommentSayingWhatItShows(Path file) {
        String firstLine = GeneratedCrds.read(file).lines().findFirst().orElse("");
        assertThat(firstLine).as(file.getFileName().toString()).startsWith("# ").hasSizeGreaterThan(20);
    }

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void everyDocumentIsAKnownKindAtItsApiVersion(Path file) {
        for (JsonNode document : documents(file)) {
            String kind = document.path("kind").asText();
            assertThat(KINDS).as("kind in %s", file.getFileName()).containsKey(kind);
            assertThat(document.path("apiVersion").asText())
                    .as("apiVersion of %s in %s", kind, file.getFileName())
                    .isEqualTo(HasMetadata.getApiVersion(KINDS.get(kind)));
            assertThat(document.path("metadata").path("name").asText())
                    .as("name of %s", kind)
                    .isNotEmpty();
            assertThat(document.path("metadata").has("namespace"))
                    .as("%s in %s names a namespace; examples apply to the current one", kind, file.getFileName())
                    .isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void parsesIntoTheJavaModel(Path file) throws Exception {
        for (JsonNode document : documents(file)) {
            Class<? extends HasMetadata> kind = KINDS.get(document.path("kind").asText());
            HasMetadata parsed = STRICT.treeToValue(document, kind);
            if (parsed instanceof DynamoIntegration integration) {
                assertThat(integration.getSpec().getRegion()).isNotEmpty();
            } else if (parsed instanceof DynamoCollection collection) {
                assertThat(collection.getSpec().getTable()).isNotEmpty();
                assertThat(collection.getSpec().getIntegrationRef().getName()).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void isAcceptedByTheCrdSchema(Path file) {
        Map<String, ManifestValidator> validators = Map.of(
                "DynamoIntegration", ManifestValidator.forKind(DynamoIntegration.class),
                "DynamoCollection", ManifestValidator.forKind(DynamoCollection.class));
        for (JsonNode document : documents(file)) {
            // Secrets are Kubernetes' own kind; the API server checks them.
            ManifestValidator validator = validators.get(document.path("kind").asText());
            if (validator != null) {
                assertThat(validator.validate(document))
                        .as(file.getFileName().toString())
                        .isEmpty();
            }
        }
    }

    @Test
    void everyReferenceResolvesWithinTheExamples() throws Exception {
        All all = All.read();
        for (DynamoCollection collection : all.collections()) {
            String name = collection.getMetadata().getName();
            DynamoIntegration integration = all.integrations()
                    .get(collection.getSpec().getIntegrationRef().getName());
            assertThat(integration).as("integration of collection %s", name).isNotNull();
            if (collection.getSpec().getLoadMethod() == LoadMethod.EXPORT) {
                assertThat(integration.getSpec().getS3())
                        .as("S3 bucket for the export of collection %s", name)
                        .isNotNull();
            }
            if (collection.getSpec().getQuery() != null) {
                SecretKeyRef ref = collection.getSpec().getQuery().getApiKeySecretRef();
                assertThat(all.secretKeys(ref.getName()))
                        .as("query key Secret of collection %s", name)
                        .contains(ref.getKey());
            }
        }
        for (DynamoIntegration integration : all.integrations().values()) {
            AccessKeySecretRef ref = integration.getSpec().getAccessKeySecretRef();
            if (ref != null) {
                assertThat(all.secretKeys(ref.getName()))
                        .as(
                                "access-key Secret of integration %s",
                                integration.getMetadata().getName())
                        .contains(ref.getAccessKeyIdKey(), ref.getSecretAccessKeyKey());
            }
        }
    }

    @Test
    void showEveryLoadMethodBothWaysToAuthenticateAndATransformation() throws Exception {
        All all = All.read();
        assertThat(all.collections())
                .extracting(c -> c.getSpec().getLoadMethod())
                .contains(LoadMethod.AUTO, LoadMethod.EXPORT, LoadMethod.SCAN);
        assertThat(all.collections())
                .as("a scan capped in read capacity units")
                .anyMatch(c -> c.getSpec().getLoadMethod() == LoadMethod.SCAN
                        && c.getSpec().getReadCapacity() != null
                        && c.getSpec().getReadCapacity().getUnits() != null);
        assertThat(all.collections())
                .as("an ingest transformation")
                .anyMatch(c -> c.getSpec().getIngestTransformation() != null
                        && c.getSpec().getIngestTransformation().contains("_input"));
        assertThat(all.integrations().values())
                .as("a role with an external ID")
                .anyMatch(i -> i.getSpec().getRoleArn() != null && i.getSpec().getExternalId() != null);
        assertThat(all.integrations().values())
                .as("an access-key Secret")
                .anyMatch(i -> i.getSpec().getAccessKeySecretRef() != null);
    }

    private static List<JsonNode> documents(Path file) {
        List<JsonNode> documents = Manifests.parse(GeneratedCrds.read(file));
        assertThat(documents).as("documents in %s", file.getFileName()).isNotEmpty();
        return documents;
    }

    /** Every object in examples/, as applying the folder would create them. */
    private record All(
            Map<String, DynamoIntegration> integrations,
            List<DynamoCollection> collections,
            Map<String, Secret> secrets) {

        static All read() throws Exception {
            List<DynamoIntegration> integrations = new ArrayList<>();
            List<DynamoCollection> collections = new ArrayList<>();
            List<Secret> secrets = new ArrayList<>();
            for (Path file : Manifests.exampleFiles()) {
                for (JsonNode document : documents(file)) {
                    HasMetadata parsed = STRICT.treeToValue(
                            document, KINDS.get(document.path("kind").asText()));
                    if (parsed instanceof DynamoIntegration i) {
                        integrations.add(i);
                    } else if (parsed instanceof DynamoCollection c) {
                        collections.add(c);
                    } else if (parsed instanceof Secret s) {
                        secrets.add(s);
                    }
                }
            }
            return new All(byName(integrations), collections, byName(secrets));
        }

        Set<String> secretKeys(String name) {
            Secret secret = secrets.get(name);
            assertThat(secret).as("Secret %s in the examples", name).isNotNull();
            return secret.getStringData().keySet();
        }

        private static <T extends HasMetadata> Map<String, T> byName(List<T> objects) {
            return objects.stream()
                    .collect(Collectors.toMap(o -> o.getMetadata().getName(), Function.identity()));
        }
    }
}
