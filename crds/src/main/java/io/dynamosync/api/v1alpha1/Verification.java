package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dynamosync.api.worker.WorkerSettings;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * How the worker verifies its replica against the table: when on its own, how much of the table, and at what read
 * capacity. A verification can also be asked for at any time with the {@link #REQUEST_ANNOTATION} annotation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Verification {

    /**
     * The annotation on a DynamoCollection that asks for a verification: any new value (a timestamp, say) asks for
     * one more; the operator passes it to the worker, and the Verified condition says when it ran.
     */
    public static final String REQUEST_ANNOTATION = "dynamosync.io/verify-now";

    @Min(0)
    @JsonPropertyDescription(
            "Minutes between scheduled verifications. When omitted or 0, the worker verifies only when "
                    + "asked, with the " + REQUEST_ANNOTATION + " annotation.")
    private Integer intervalMinutes;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("The share of the table each verification reads, in percent of "
            + WorkerSettings.Verify.TOTAL_SEGMENTS + " scan segments picked at random; "
            + WorkerSettings.Verify.DEFAULT_SEGMENTS_PERCENT
            + " when omitted. At 100 the whole table is read, and documents of items the table no longer holds are "
            + "found too.")
    private Integer segmentsPercent;

    @JsonPropertyDescription(
            "Cap on the read capacity verification consumes, in strongly consistent read capacity units "
                    + "a second, apart from the initial load's readCapacity; "
                    + WorkerSettings.Verify.DEFAULT_READ_CAPACITY_UNITS
                    + " when omitted.")
    private Double readCapacityUnits;

    public Integer getIntervalMinutes() {
        return intervalMinutes;
    }

    public void setIntervalMinutes(Integer intervalMinutes) {
        this.intervalMinutes = intervalMinutes;
    }

    public Integer getSegmentsPercent() {
        return segmentsPercent;
    }

    public void setSegmentsPercent(Integer segmentsPercent) {
        this.segmentsPercent = segmentsPercent;
    }

    public Double getReadCapacityUnits() {
        return readCapacityUnits;
    }

    public void setReadCapacityUnits(Double readCapacityUnits) {
        this.readCapacityUnits = readCapacityUnits;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Verification that)) {
            return false;
        }
        return Objects.equals(intervalMinutes, that.intervalMinutes)
                && Objects.equals(segmentsPercent, that.segmentsPercent)
                && Objects.equals(readCapacityUnits, that.readCapacityUnits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(intervalMinutes, segmentsPercent, readCapacityUnits);
    }

    @Override
    public String toString() {
        return "Verification{intervalMinutes=" + intervalMinutes + ", segmentsPercent=" + segmentsPercent
                + ", readCapacityUnits=" + readCapacityUnits + "}";
    }
}
