package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where the CRD generator's output and the committed CRDs live, and how the one becomes the other.
 *
 * <p>The committed CRD is the generator's output with two things Fabric8 7.5.2 cannot express from
 * annotations: printer columns in the order the kind declares them (it sorts them by jsonPath, fabric8io/
 * kubernetes-client#7454), and the kind's {@link JsonClassDescription} as the schema's top description, which
 * {@code kubectl explain} shows first.
 */
final class GeneratedCrds {

    /** Every kind this module defines; a new kind is added here so its CRD is checked and committed. */
    static final List<Class<? extends CustomResource<?, ?>>> KINDS =
            List.of(DynamoIntegration.class, DynamoCollection.class, QueryLambda.class, QueryView.class);

    /** The command that refreshes the committed CRDs, for failure messages. */
    static final String REFRESH_COMMAND = "./mvnw -B -pl crds -am verify -Dcrds.update";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private GeneratedCrds() {}

    static Path committedDir() {
        return Path.of(requiredProperty("crds.committedDir"));
    }

    static Path buildDir() {
        return Path.of(requiredProperty("crds.buildDir"));
    }

    static boolean updateRequested() {
        String value = System.getProperty("crds.update", "false");
        return value.isEmpty() || Boolean.parseBoolean(value);
    }

    static String fileName(Class<? extends CustomResource<?, ?>> kind) {
        return CustomResource.getCRDName(kind) + "-v1.yml";
    }

    /** The committed CRD of a kind, parsed. */
    static CustomResourceDefinition committed(Class<? extends CustomResource<?, ?>> kind) {
        return SERIALIZATION.unmarshal(read(committedDir().resolve(fileName(kind))), CustomResourceDefinition.class);
    }

    /** What the committed file of a kind must hold: the generator's output, completed as the class says. */
    static String expectedCommittedText(Class<? extends CustomResource<?, ?>> kind) {
        CustomResourceDefinition crd =
                SERIALIZATION.unmarshal(read(buildDir().resolve(fileName(kind))), CustomResourceDefinition.class);
        List<String> declaredOrder = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            version.getAdditionalPrinterColumns()
                    .sort(Comparator.comparingInt(
                            (CustomResourceColumnDefinition c) -> declaredOrder.indexOf(c.getName())));
            JsonClassDescription description = kind.getAnnotation(JsonClassDescription.class);
            if (description != null) {
                version.getSchema().getOpenAPIV3Schema().setDescription(description.value());
            }
        }
        return "# Generated from " + kind.getName() + " by the Fabric8 CRD generator: do not edit.\n"
                + "# Refresh after changing the class: " + REFRESH_COMMAND + "\n"
                + SERIALIZATION.asYaml(crd).replaceFirst("^---\n", "");
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run the tests through Maven");
        }
        return value;
    }
}
