package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator and the worker report for a DynamoCollection: access, load progress and sync lag. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DynamoCollectionStatus extends Status {

    @JsonPropertyDescription(
            "Where the collection is in its life, for people: Pending, Validating, Exporting, Scanning, Streaming or "
                    + "Error. Programs should read conditions instead.")
    private Phase phase;

    @JsonPropertyDescription("Each AWS permission the collection needs, probed by calling it, with its result.")
    private List<AccessCheck> access = new ArrayList<>();

    @JsonPropertyDescription("ARN of the table's stream the worker follows.")
    private String streamArn;

    @JsonPropertyDescription("ARN of the table export the initial load uses, where it uses one.")
    private String exportArn;

    @JsonPropertyDescription("Items the initial load has committed to the store so far.")
    private Long itemsLoaded;

    @JsonPropertyDescription("Items in the table as DynamoDB estimates them (updated about every six hours).")
    private Long itemsEstimated;

    @JsonPropertyDescription("Progress of the initial load, 0 to 100.")
    private Integer loadPercent;

    @JsonPropertyDescription("Documents in the store now.")
    private Long documents;

    @JsonPropertyDescription("Size of the store on the volume, in bytes.")
    private Long storeBytes;

    @JsonPropertyDescription("How long documents are kept, counted from their _event_time (spec.retention), as the "
            + "worker applies it; absent when they are kept for good.")
    private String retention;

    @JsonPropertyDescription("The oldest _event_time held in the store (RFC 3339); with a retention, documents past it "
            + "leave query answers at once and the store soon after.")
    private String oldestEventTime;

    @JsonPropertyDescription(
            "Milliseconds between the newest change applied to the store and the time DynamoDB recorded it.")
    private Long syncLagMs;

    @JsonPropertyDescription("syncLagMs for people, such as 850ms, 3s or 2m10s.")
    private String lag;

    @JsonPropertyDescription("When DynamoDB recorded the newest change applied to the store (RFC 3339).")
    private String lastEventTime;

    @JsonPropertyDescription(
            "The worker's latest re-bootstraps (loading the table again: a trimmed or replaced stream, a changed "
                    + "transformation), newest last, at most " + DynamoCollectionStatus.MAX_WORKER_EVENTS + ".")
    private List<WorkerEvent> rebootstraps;

    @JsonPropertyDescription("The latest items the store refused, newest last, at most "
            + DynamoCollectionStatus.MAX_WORKER_EVENTS + "; the worker's /status has them all.")
    private List<WorkerEvent> refusedItems;

    @JsonPropertyDescription("What the worker's last verification of the replica against the table checked, found and "
            + "repaired; the Verified condition sums it up.")
    private VerificationResult verification;

    public VerificationResult getVerification() {
        return verification;
    }

    public void setVerification(VerificationResult verification) {
        this.verification = verification;
    }

    @JsonPropertyDescription(
            "The Iceberg table the collection publishes to, namespace.table, when spec.iceberg is set.")
    private String icebergTable;

    @JsonPropertyDescription("The newest snapshot of that table the worker committed or found.")
    private Long icebergSnapshotId;

    @JsonPropertyDescription(
            "Every change the replica committed before this time (RFC 3339) is in the newest snapshot.")
    private String icebergCoversUntil;

    /** How many re-bootstraps and refused items the status keeps, so that it stays small. */
    public static final int MAX_WORKER_EVENTS = 10;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public List<AccessCheck> getAccess() {
        return access;
    }

    public void setAccess(List<AccessCheck> access) {
        this.access = access == null ? new ArrayList<>() : new ArrayList<>(access);
    }

    public String getStreamArn() {
        return streamArn;
    }

    public void setStreamArn(String streamArn) {
        this.streamArn = streamArn;
    }

    public String getExportArn() {
        return exportArn;
    }

    public void setExportArn(String exportArn) {
        this.exportArn = exportArn;
    }

    public Long getItemsLoaded() {
        return itemsLoaded;
    }

    public void setItemsLoaded(Long itemsLoaded) {
        this.itemsLoaded = itemsLoaded;
    }

    public Long getItemsEstimated() {
        return itemsEstimated;
    }

    public void setItemsEstimated(Long itemsEstimated) {
        this.itemsEstimated = itemsEstimated;
    }

    public Integer getLoadPercent() {
        return loadPercent;
    }

    public void setLoadPercent(Integer loadPercent) {
        this.loadPercent = loadPercent;
    }

    public Long getDocuments() {
        return documents;
    }

    public void setDocuments(Long documents) {
        this.documents = documents;
    }

    public Long getStoreBytes() {
        return storeBytes;
    }

    public void setStoreBytes(Long storeBytes) {
        this.storeBytes = storeBytes;
    }

    public String getRetention() {
        return retention;
    }

    public void setRetention(String retention) {
        this.retention = retention;
    }

    public String getOldestEventTime() {
        return oldestEventTime;
    }

    public void setOldestEventTime(String oldestEventTime) {
        this.oldestEventTime = oldestEventTime;
    }

    public Long getSyncLagMs() {
        return syncLagMs;
    }

    public void setSyncLagMs(Long syncLagMs) {
        this.syncLagMs = syncLagMs;
    }

    public String getLag() {
        return lag;
    }

    public void setLag(String lag) {
        this.lag = lag;
    }

    public String getLastEventTime() {
        return lastEventTime;
    }

    public void setLastEventTime(String lastEventTime) {
        this.lastEventTime = lastEventTime;
    }

    public List<WorkerEvent> getRebootstraps() {
        return rebootstraps;
    }

    public void setRebootstraps(List<WorkerEvent> rebootstraps) {
        this.rebootstraps = rebootstraps;
    }

    public List<WorkerEvent> getRefusedItems() {
        return refusedItems;
    }

    public void setRefusedItems(List<WorkerEvent> refusedItems) {
        this.refusedItems = refusedItems;
    }

    public String getIcebergTable() {
        return icebergTable;
    }

    public void setIcebergTable(String icebergTable) {
        this.icebergTable = icebergTable;
    }

    public Long getIcebergSnapshotId() {
        return icebergSnapshotId;
    }

    public void setIcebergSnapshotId(Long icebergSnapshotId) {
        this.icebergSnapshotId = icebergSnapshotId;
    }

    public String getIcebergCoversUntil() {
        return icebergCoversUntil;
    }

    public void setIcebergCoversUntil(String icebergCoversUntil) {
        this.icebergCoversUntil = icebergCoversUntil;
    }

    @Override
    public boolean equals(Object o) {
        if (!super.equals(o)) {
            return false;
        }
        DynamoCollectionStatus that = (DynamoCollectionStatus) o;
        return phase == that.phase
                && Objects.equals(access, that.access)
                && Objects.equals(streamArn, that.streamArn)
                && Objects.equals(exportArn, that.exportArn)
                && Objects.equals(itemsLoaded, that.itemsLoaded)
                && Objects.equals(itemsEstimated, that.itemsEstimated)
                && Objects.equals(loadPercent, that.loadPercent)
                && Objects.equals(documents, that.documents)
                && Objects.equals(storeBytes, that.storeBytes)
                && Objects.equals(retention, that.retention)
                && Objects.equals(oldestEventTime, that.oldestEventTime)
                && Objects.equals(syncLagMs, that.syncLagMs)
                && Objects.equals(lag, that.lag)
                && Objects.equals(lastEventTime, that.lastEventTime)
                && Objects.equals(rebootstraps, that.rebootstraps)
                && Objects.equals(refusedItems, that.refusedItems)
                && Objects.equals(verification, that.verification)
                && Objects.equals(icebergTable, that.icebergTable)
                && Objects.equals(icebergSnapshotId, that.icebergSnapshotId)
                && Objects.equals(icebergCoversUntil, that.icebergCoversUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(),
                phase,
                access,
                streamArn,
                exportArn,
                itemsLoaded,
                itemsEstimated,
                loadPercent,
                documents,
                storeBytes,
                retention,
                oldestEventTime,
                syncLagMs,
                lag,
                lastEventTime,
                rebootstraps,
                refusedItems,
                verification,
                icebergTable,
                icebergSnapshotId,
                icebergCoversUntil);
    }

    @Override
    public String toString() {
        return "DynamoCollectionStatus{phase=" + phase + ", conditions=" + getConditions() + ", observedGeneration="
                + getObservedGeneration() + ", documents=" + documents + ", lag=" + lag + "}";
    }
}
