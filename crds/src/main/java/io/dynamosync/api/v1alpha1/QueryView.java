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

/**
 * A view, as the hosted service had them: named SQL that queries through the query front use as
 * {@code workspace.view}, the workspace being the view's namespace. Nothing reconciles it.
 */
@JsonClassDescription(
        "Named SQL that queries through the query front use as workspace.view, in the workspace of its " + "namespace.")
@Group(DynamoIntegration.GROUP)
@Version(DynamoIntegration.VERSION)
@ShortNames("qv")
@Categories("dynamosync")
@AdditionalPrinterColumn(name = "Description", jsonPath = ".spec.description")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class QueryView extends CustomResource<QueryViewSpec, EmptyStatus> implements Namespaced {

    // Overridden only to give kubectl explain a description of spec and status.
    @Override
    @JsonPropertyDescription("The view's SQL.")
    public QueryViewSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Empty: nothing reconciles a view; the query front reads its spec.")
    public EmptyStatus getStatus() {
        return super.getStatus();
    }
}
