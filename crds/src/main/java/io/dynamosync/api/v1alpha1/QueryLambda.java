package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A saved, versioned, parameterised query ("query lambda"), as the hosted service had them: the query front lists
 * them and runs them by version or tag in the workspace of their namespace. Kept as a resource, so that GitOps
 * manages them like the collections; nothing reconciles it.
 */
@JsonClassDescription(
        "A saved, versioned, parameterised query (\"query lambda\") that the query front runs by version or "
                + "tag, in the workspace of its namespace.")
@Group(DynamoIntegration.GROUP)
@Version(DynamoIntegration.VERSION)
@ShortNames("ql")
@Categories("dynamosync")
@AdditionalPrinterColumn(name = "Description", jsonPath = ".spec.description")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
        value = "self.spec.versions.all(v, self.spec.versions.exists_one(w, w.version == v.version))",
        message = "spec.versions: each version must be named once")
@ValidationRule(
        value = "!has(self.spec.tags) || self.spec.tags.all(t, self.spec.versions.exists(v, v.version == "
                + "self.spec.tags[t]))",
        message = "spec.tags: each tag must name one of spec.versions")
public class QueryLambda extends CustomResource<QueryLambdaSpec, EmptyStatus> implements Namespaced {

    /** The tag that always names the newest version, the last of {@code spec.versions}. */
    public static final String LATEST = "latest";

    // Overridden only to give kubectl explain a description of spec and status.
    @Override
    @JsonPropertyDescription("The query lambda's versions, oldest first, and its tags.")
    public QueryLambdaSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Empty: nothing reconciles a query lambda; the query front reads its spec.")
    public EmptyStatus getStatus() {
        return super.getStatus();
    }
}
