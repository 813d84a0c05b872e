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
@AdditionalPrinterColumn(
        name = "Documents",
        jsonPath = ".status.documents",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.lag")
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// The name becomes the worker's Service (a DNS-1035 label), StatefulSet, pods and their labels; refusing here
// what those refuse later keeps a bad name from becoming a worker that never starts.
@ValidationRule(
        value = "self.metadata.name.matches('" + DynamoCollection.NAME_PATTERN + "')",
        message = "metadata.name must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter "
                + "and ending with a letter or digit (the worker's Service is named after it)")
@ValidationRule(
        value = "size(self.metadata.name) <= " + DynamoCollection.MAX_NAME_LENGTH,
        message = "metadata.name must be at most " + DynamoCollection.MAX_NAME_LENGTH + " characters: the worker's "
                + "StatefulSet is named <name>-worker, and Kubernetes labels its pods with controller-revision-hash "
                + "<name>-worker-<hash>, a label value of at most 63 characters")
public class DynamoCollection extends CustomResource<DynamoCollectionSpec, DynamoCollectionStatus>
        implements Namespaced {

    /** What a collection's name must look like: a DNS-1035 label, as the worker's Service name must be. */
    public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

    /**
     * The longest collection name that still makes a worker. The StatefulSet is {@code <name>-worker} (7 more
     * characters); its controller labels every pod {@code controller-revision-hash: <statefulset>-<hash>}, where the
     * hash is a 32-bit FNV hash written in up to 10 characters, and a label value holds at most 63 characters: so
     * the StatefulSet name may have 63 - 11 = 52 characters, and the collection 52 - 7 = 45. Everything else derived
     * from the name fits within that: the pod {@code <name>-worker-0} (54, a DNS label of at most 63), its claim
     * {@code data-<name>-worker-0} (59) and the Service {@code <name>-worker} (52).
     */
    public static final int MAX_NAME_LENGTH = 63 - 1 - 10 - 7;

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
