package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How to reach one AWS account: a region and either a role to assume or an access-key Secret. */
// Fabric8 7.5.2 sorts printer columns by jsonPath and drops @JsonClassDescription; the committed CRD puts the
// columns in the order declared here and uses the class description for kubectl explain (see GeneratedCrds).
@JsonClassDescription("How to reach one AWS account, for DynamoCollections to replicate its tables.")
@Group(DynamoIntegration.GROUP)
@Version(DynamoIntegration.VERSION)
@ShortNames("ddbi")
@Categories("dynamosync")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Identity", jsonPath = ".status.identity.arn")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class DynamoIntegration extends CustomResource<DynamoIntegrationSpec, DynamoIntegrationStatus>
        implements Namespaced {

    /** The API group of every dynamosync.io kind. */
    public static final String GROUP = "dynamosync.io";

    /** The API version these classes model. */
    public static final String VERSION = "v1alpha1";

    // Overridden only to give kubectl explain a description of spec and status.
    @Override
    @JsonPropertyDescription("How to reach the AWS account: the region and either roleArn or accessKeySecretRef.")
    public DynamoIntegrationSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator found: whom the credentials belong to, and the IAM policies to grant.")
    public DynamoIntegrationStatus getStatus() {
        return super.getStatus();
    }
}
