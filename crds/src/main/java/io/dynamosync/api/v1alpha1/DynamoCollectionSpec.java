package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dynamosync.api.worker.WorkerSettings;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/** What a DynamoCollection asks for: which table, how to load it, and where and how to keep the copy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DynamoCollectionSpec {

    @Required
    @JsonPropertyDescription("The DynamoIntegration, in this namespace, whose credentials reach the table.")
    private IntegrationRef integrationRef;

    @Required
    @Pattern(Patterns.TABLE)
    // A collection's store holds one table's documents and checkpoints; pointing it at another table would mix them.
    @ValidationRule(value = "self == oldSelf", message = "table cannot be changed; create another collection instead")
    @JsonPropertyDescription(
            "DynamoDB table to replicate: a name (3 to 255 of a-z, A-Z, 0-9, '_', '-', '.') in the integration's "
                    + "region, or a table ARN such as arn:aws:dynamodb:us-east-1:123456789012:table/Orders. Cannot be "
                    + "changed once set.")
    private String table;

    @Default("Auto")
    @JsonPropertyDescription("How the initial load reads the table. Auto: Scan below the operator's size threshold ("
            + WorkerSettings.Load.DEFAULT_EXPORT_THRESHOLD_BYTES + " bytes, 5 GB, by default), "
            + "Export above it. Export: export the table to the integration's S3 bucket and ingest the files; "
            + "consumes no read capacity but needs point-in-time recovery on the table (see "
            + "enablePointInTimeRecovery). Scan: read the table in parallel segments under readCapacity.")
    private LoadMethod loadMethod = LoadMethod.AUTO;

    @JsonPropertyDescription(
            "Cap on the read capacity the scan consumes; applies to scans only. When omitted, the worker caps a "
                    + "provisioned table's scan at " + WorkerSettings.Load.DEFAULT_PERCENT_OF_PROVISIONED
                    + " percent of "
                    + "its provisioned read capacity and an on-demand table's at "
                    + WorkerSettings.Load.DEFAULT_ON_DEMAND_UNITS + " read capacity units per second (a schema default "
                    + "cannot do this, as it does not know the table's billing mode).")
    private ReadCapacity readCapacity;

    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription(
            "Number of segments the scan reads in parallel (DynamoDB's TotalSegments), 1 to 1000000. When omitted, "
                    + "the operator picks one from the table's size.")
    private Integer scanSegments;

    @JsonPropertyDescription(
            "SQL run over each batch of incoming documents, named _input, before they are stored, for example "
                    + "'SELECT *, _id AS dynamodbId FROM _input'. The result must keep the _id column, which keys each "
                    + "document. Applies to loaded and streamed documents alike.")
    private String ingestTransformation;

    @JsonPropertyDescription("The volume the store lives on. When omitted, 10Gi of the default StorageClass.")
    private Storage storage;

    @SchemaFrom(type = ResourceRequirementsSchema.class)
    @JsonPropertyDescription(
            "CPU and memory requests and limits of the worker container. When omitted, the operator's defaults apply.")
    private ResourceRequirements resources;

    @JsonPropertyDescription(
            "Where the worker pod may run: nodeSelector, tolerations and affinity, each replacing the operator's "
                    + "default for workers (set by the Helm chart's worker values) when given.")
    private Scheduling scheduling;

    @JsonPropertyDescription(
            "Who may query the collection, and the limits its queries run under. Without an API key, any client that "
                    + "can reach the collection's Service may query it, so restrict it with a NetworkPolicy.")
    private QueryAccess query;

    @Default("Retain")
    @JsonPropertyDescription(
            "What happens to the volume and the export files when the collection is deleted: Retain keeps them, "
                    + "Delete removes them.")
    private DeletionPolicy deletionPolicy = DeletionPolicy.RETAIN;

    @JsonPropertyDescription(
            "Delete the export's files from S3 once the initial load has committed them. Default false.")
    private Boolean cleanupExport;

    @Default("Streaming")
    @JsonPropertyDescription("Streaming: load the table, then follow its stream, which must be on (see enableStream). "
            + "Snapshot: load the table once and keep that copy, without a stream (tables without one, one-off "
            + "analysis); the collection's phase becomes Loaded, and Synced stays False with reason Snapshot. Going "
            + "from Snapshot to Streaming loads the table again.")
    private CollectionMode mode = CollectionMode.STREAMING;

    @Default("Reload")
    @JsonPropertyDescription("What a streaming collection does when its stream has a gap it cannot read past "
            + "(records trimmed before they were read, the stream replaced or turned off, the collection stopped "
            + "longer than the stream keeps records). Reload: load the table again beside the served copy, which "
            + "answers queries until the new one is complete. Fail: stop following, with phase Error and the reason "
            + "in the Ready condition, and keep serving the replica as it was; set Reload to load again.")
    private StreamGapPolicy onStreamGap = StreamGapPolicy.RELOAD;

    @JsonPropertyDescription(
            "Let the operator turn the table's stream on (NEW_AND_OLD_IMAGES) where it is off, which needs "
                    + "dynamodb:UpdateTable on the table. Default false: the collection's StreamEnabled condition gives the "
                    + "command to run instead, and the permissions policy grants no UpdateTable.")
    private Boolean enableStream;

    @JsonPropertyDescription(
            "Let the worker turn on point-in-time recovery (billed by AWS) where an export needs it and it is off, "
                    + "which needs dynamodb:UpdateContinuousBackups on the table. Default false: the collection stalls with "
                    + "the command to run instead, and the permissions policy grants no UpdateContinuousBackups.")
    private Boolean enablePointInTimeRecovery;

    @JsonPropertyDescription(
            "Keep documents whose items DynamoDB's time to live deleted; deletes made by clients still apply. Default "
                    + "false.")
    private Boolean ignoreTtlDeletes;

    @JsonPropertyDescription(
            "How long documents are kept, counted from their _event_time (the item's stream record time, its load "
                    + "time, or what the ingest transformation maps to _event_time): a whole number of seconds (s), "
                    + "minutes (m), hours (h) or days (d), such as 30d or 12h. Older documents leave query answers at "
                    + "once and the store soon after; documents whose _event_time is null are kept. Default: kept for "
                    + "good.")
    @Pattern(Patterns.RETENTION)
    private String retention;

    @JsonPropertyDescription(
            "Stop the worker and keep its volume; set back to false to resume from the last checkpoint. Suspended "
                    + "longer than the stream's 24-hour retention, the collection loads the table again. Default false.")
    private Boolean suspend;

    @JsonPropertyDescription(
            "How the worker verifies the replica against the table: strongly consistent reads of a share of the table, "
                    + "each difference checked again once the stream has passed it, then repaired and reported in the "
                    + "Verified condition. When omitted, verification runs only when asked for with the "
                    + Verification.REQUEST_ANNOTATION + " annotation, with the defaults below.")
    private Verification verify;

    @JsonPropertyDescription("Publish the collection as an Apache Iceberg table (format v2) in the catalog and "
            + "warehouse of the integration's spec.icebergCatalog, kept fresh from the stream, exactly once. Optional.")
    private IcebergPublishing iceberg;

    public Verification getVerify() {
        return verify;
    }

    public void setVerify(Verification verify) {
        this.verify = verify;
    }

    public IntegrationRef getIntegrationRef() {
        return integrationRef;
    }

    public void setIntegrationRef(IntegrationRef integrationRef) {
        this.integrationRef = integrationRef;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public LoadMethod getLoadMethod() {
        return loadMethod;
    }

    public void setLoadMethod(LoadMethod loadMethod) {
        this.loadMethod = loadMethod;
    }

    public ReadCapacity getReadCapacity() {
        return readCapacity;
    }

    public void setReadCapacity(ReadCapacity readCapacity) {
        this.readCapacity = readCapacity;
    }

    public Integer getScanSegments() {
        return scanSegments;
    }

    public void setScanSegments(Integer scanSegments) {
        this.scanSegments = scanSegments;
    }

    public String getIngestTransformation() {
        return ingestTransformation;
    }

    public void setIngestTransformation(String ingestTransformation) {
        this.ingestTransformation = ingestTransformation;
    }

    public Storage getStorage() {
        return storage;
    }

    public void setStorage(Storage storage) {
        this.storage = storage;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public Scheduling getScheduling() {
        return scheduling;
    }

    public void setScheduling(Scheduling scheduling) {
        this.scheduling = scheduling;
    }

    public QueryAccess getQuery() {
        return query;
    }

    public void setQuery(QueryAccess query) {
        this.query = query;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    public Boolean getCleanupExport() {
        return cleanupExport;
    }

    public void setCleanupExport(Boolean cleanupExport) {
        this.cleanupExport = cleanupExport;
    }

    public CollectionMode getMode() {
        return mode;
    }

    public void setMode(CollectionMode mode) {
        this.mode = mode;
    }

    public StreamGapPolicy getOnStreamGap() {
        return onStreamGap;
    }

    public void setOnStreamGap(StreamGapPolicy onStreamGap) {
        this.onStreamGap = onStreamGap;
    }

    public Boolean getEnableStream() {
        return enableStream;
    }

    public void setEnableStream(Boolean enableStream) {
        this.enableStream = enableStream;
    }

    public Boolean getEnablePointInTimeRecovery() {
        return enablePointInTimeRecovery;
    }

    public void setEnablePointInTimeRecovery(Boolean enablePointInTimeRecovery) {
        this.enablePointInTimeRecovery = enablePointInTimeRecovery;
    }

    public Boolean getIgnoreTtlDeletes() {
        return ignoreTtlDeletes;
    }

    public void setIgnoreTtlDeletes(Boolean ignoreTtlDeletes) {
        this.ignoreTtlDeletes = ignoreTtlDeletes;
    }

    public Boolean getSuspend() {
        return suspend;
    }

    public void setSuspend(Boolean suspend) {
        this.suspend = suspend;
    }

    public String getRetention() {
        return retention;
    }

    public void setRetention(String retention) {
        this.retention = retention;
    }

    public IcebergPublishing getIceberg() {
        return iceberg;
    }

    public void setIceberg(IcebergPublishing iceberg) {
        this.iceberg = iceberg;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DynamoCollectionSpec)) {
            return false;
        }
        DynamoCollectionSpec that = (DynamoCollectionSpec) o;
        return Objects.equals(integrationRef, that.integrationRef)
                && Objects.equals(table, that.table)
                && loadMethod == that.loadMethod
                && Objects.equals(readCapacity, that.readCapacity)
                && Objects.equals(scanSegments, that.scanSegments)
                && Objects.equals(ingestTransformation, that.ingestTransformation)
                && Objects.equals(storage, that.storage)
                && Objects.equals(resources, that.resources)
                && Objects.equals(scheduling, that.scheduling)
                && Objects.equals(query, that.query)
                && deletionPolicy == that.deletionPolicy
                && Objects.equals(cleanupExport, that.cleanupExport)
                && mode == that.mode
                && onStreamGap == that.onStreamGap
                && Objects.equals(enableStream, that.enableStream)
                && Objects.equals(enablePointInTimeRecovery, that.enablePointInTimeRecovery)
                && Objects.equals(ignoreTtlDeletes, that.ignoreTtlDeletes)
                && Objects.equals(retention, that.retention)
                && Objects.equals(verify, that.verify)
                && Objects.equals(suspend, that.suspend)
                && Objects.equals(iceberg, that.iceberg);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                integrationRef,
                table,
                loadMethod,
                readCapacity,
                scanSegments,
                ingestTransformation,
                storage,
                resources,
                scheduling,
                query,
                deletionPolicy,
                cleanupExport,
                mode,
                onStreamGap,
                enableStream,
                enablePointInTimeRecovery,
                ignoreTtlDeletes,
                retention,
                verify,
                suspend,
                iceberg);
    }

    @Override
    public String toString() {
        return "DynamoCollectionSpec{integrationRef=" + integrationRef + ", table=" + table + ", loadMethod="
                + loadMethod
                + ", readCapacity=" + readCapacity + ", scanSegments=" + scanSegments + ", ingestTransformation="
                + ingestTransformation + ", storage=" + storage + ", resources=" + resources + ", scheduling="
                + scheduling
                + ", query=" + query
                + ", deletionPolicy=" + deletionPolicy + ", cleanupExport=" + cleanupExport + ", mode=" + mode
                + ", onStreamGap=" + onStreamGap + ", enableStream="
                + enableStream + ", enablePointInTimeRecovery=" + enablePointInTimeRecovery + ", ignoreTtlDeletes="
                + ignoreTtlDeletes + ", retention=" + retention + ", suspend=" + suspend + ", iceberg=" + iceberg + "}";
    }
}
