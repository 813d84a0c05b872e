package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** What the worker's last verification of the replica against the table checked, found and repaired. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationResult {

    @JsonPropertyDescription("When the verification ended (RFC 3339).")
    private String completedAt;

    @JsonPropertyDescription("Schedule, or Request (the " + Verification.REQUEST_ANNOTATION + " annotation).")
    private String trigger;

    @JsonPropertyDescription("The annotation's value the verification answered, when asked for.")
    private String requestToken;

    @JsonPropertyDescription("Scan segments read, of totalSegments.")
    private Integer segmentsChecked;

    @JsonPropertyDescription("The scan segments the table was divided into.")
    private Integer totalSegments;

    @JsonPropertyDescription(
            "Items read from the table with strongly consistent reads and compared with their documents.")
    private Long itemsChecked;

    @JsonPropertyDescription("Documents that differed from the table's items once the stream had passed the time of "
            + "the read, so not changes in flight.")
    private Long differences;

    @JsonPropertyDescription("Key attributes of the first differing documents (never their values).")
    private List<String> differingKeys;

    @JsonPropertyDescription("Documents rewritten, or removed, from the table's own reading.")
    private Long repaired;

    @JsonPropertyDescription("Why the verification stopped before its end; absent when it ran to the end.")
    private String error;

    public String getCompletedAt() {
        return completedAt;
    }

    public void setCompletedAt(String completedAt) {
        this.completedAt = completedAt;
    }

    public String getTrigger() {
        return trigger;
    }

    public void setTrigger(String trigger) {
        this.trigger = trigger;
    }

    public String getRequestToken() {
        return requestToken;
    }

    public void setRequestToken(String requestToken) {
        this.requestToken = requestToken;
    }

    public Integer getSegmentsChecked() {
        return segmentsChecked;
    }

    public void setSegmentsChecked(Integer segmentsChecked) {
        this.segmentsChecked = segmentsChecked;
    }

    public Integer getTotalSegments() {
        return totalSegments;
    }

    public void setTotalSegments(Integer totalSegments) {
        this.totalSegments = totalSegments;
    }

    public Long getItemsChecked() {
        return itemsChecked;
    }

    public void setItemsChecked(Long itemsChecked) {
        this.itemsChecked = itemsChecked;
    }

    public Long getDifferences() {
        return differences;
    }

    public void setDifferences(Long differences) {
        this.differences = differences;
    }

    public List<String> getDifferingKeys() {
        return differingKeys;
    }

    public void setDifferingKeys(List<String> differingKeys) {
        this.differingKeys = differingKeys;
    }

    public Long getRepaired() {
        return repaired;
    }

    public void setRepaired(Long repaired) {
        this.repaired = repaired;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VerificationResult that)) {
            return false;
        }
        return Objects.equals(completedAt, that.completedAt)
                && Objects.equals(trigger, that.trigger)
                && Objects.equals(requestToken, that.requestToken)
                && Objects.equals(segmentsChecked, that.segmentsChecked)
                && Objects.equals(totalSegments, that.totalSegments)
                && Objects.equals(itemsChecked, that.itemsChecked)
                && Objects.equals(differences, that.differences)
                && Objects.equals(differingKeys, that.differingKeys)
                && Objects.equals(repaired, that.repaired)
                && Objects.equals(error, that.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                completedAt,
                trigger,
                requestToken,
                segmentsChecked,
                totalSegments,
                itemsChecked,
                differences,
                differingKeys,
                repaired,
                error);
    }
}
