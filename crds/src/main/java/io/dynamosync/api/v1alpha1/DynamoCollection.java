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

/** One DynamoDB table, replicated into a SQL-queryable store in the cluster and kept in sync from its stream. */
// Fabric8 7.5.2 sorts printer columns by jsonPath and drops @JsonClassDescription; the committed CRD puts the
// columns in the order declared here and uses the class description for kubectl explain (see GeneratedCrds).
@JsonClassDescription(
    "One DynamoDB table, replicated into a SQL-queryable store in the cluster and kept in sync from its stream.")
@Group(DynamoIntegration.GROUP)
@Version(DynamoIntegration.VERSION)
@ShortNames("ddbc")
@Categories("dynamosync")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Table", jsonPath = ".spec.table")
@AdditionalPrinterColumn(name = "Documents", jsonPath = ".status.documents",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.lag")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DynamoCollection extends CustomResource<DynamoCollectionSpec, DynamoCollectionStatus>
    implements Namespaced {

  // Overridden only to give kubectl explain a description of spec and status.
  @Override
  @JsonPropertyDescription("Which table to replicate, how to load it, and where and how to keep the copy.")
  public DynamoCollectionSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator and the worker report: access, load progress, documents and lag.")
  public DynamoCollectionStatus getStatus() {
    return super.getStatus();
  }
}
