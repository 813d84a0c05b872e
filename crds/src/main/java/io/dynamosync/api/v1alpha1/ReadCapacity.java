package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** The cap on read capacity a DynamoCollection's table scan may consume: absolute units or a percent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.units) != has(self.percent)", message = "set exactly one of units and percent")
public class ReadCapacity {

    @Min(1)
    @JsonPropertyDescription("Read capacity units per second the scan may consume, at least 1.")
    private Integer units;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription(
            "Percent, 1 to 100, of the table's provisioned read capacity the scan may consume. Provisioned tables only: "
                    + "an on-demand table has no provisioned capacity to take a percent of.")
    private Integer percent;

    /** An empty cap, for Jackson. */
    public ReadCapacity() {}

    /** A cap in absolute read capacity units. */
    public static ReadCapacity ofUnits(int units) {
        ReadCapacity cap = new ReadCapacity();
        cap.setUnits(units);
        return cap;
    }

    /** A cap as a percent of the table's provisioned read capacity. */
    public static ReadCapacity ofPercent(int percent) {
        ReadCapacity cap = new ReadCapacity();
        cap.setPercent(percent);
        return cap;
    }

    public Integer getUnits() {
        return units;
    }

    public void setUnits(Integer units) {
        this.units = units;
    }

    public Integer getPercent() {
        return percent;
    }

    public void setPercent(Integer percent) {
        this.percent = percent;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReadCapacity)) {
            return false;
        }
        ReadCapacity that = (ReadCapacity) o;
        return Objects.equals(units, that.units) && Objects.equals(percent, that.percent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(units, percent);
    }

    @Override
    public String toString() {
        return "ReadCapacity{units=" + units + ", percent=" + percent + "}";
    }
}
