package io.dynamosync.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest {

    private final Faults faults = new Faults();

    @Test
    void timesRuleActsOnTheNextCallsOnlyThenLetsCallsThrough() {
        FaultRule rule = faults.on("Scan").error(AwsError.THROTTLING).times(2);

        assertThat(faults.onCall("Scan", "t")).isSameAs(rule);
        assertThat(faults.onCall("Query", "t")).isNull();
        assertThat(faults.onCall("Scan", "t")).isSameAs(rule);
        assertThat(faults.onCall("Scan", "t")).isNull();
        assertThat(rule.hits()).isEqualTo(2);
        assertThat(rule.exhausted()).isTrue();
        assertThat(faults.calls("Scan")).isEqualTo(3);
        assertThat(faults.calls("Scan", "t")).isEqualTo(3);
        assertThat(faults.calls("Query")).isEqualTo(1);
    }

    @Test
    void tableRuleIgnoresOtherTablesAndWildcardMatchesEveryOperation() {
        FaultRule rule =
                faults.on("*").forTable("a").error(AwsError.ACCESS_DENIED).always();

        assertThat(faults.onCall("GetItem", "b")).isNull();
        assertThat(faults.onCall("GetItem", null)).isNull();
        assertThat(faults.onCall("GetItem", "a")).isSameAs(rule);
        assertThat(faults.onCall("DescribeTable", "a")).isSameAs(rule);
    }

    @Test
    void firstInstalledRuleWinsAndRemovedRulesStopActing() {
        FaultRule first = faults.on("Scan").latency(Duration.ofMillis(5)).always();
        faults.on("Scan").error(AwsError.THROTTLING).always();

        assertThat(faults.onCall("Scan", null)).isSameAs(first);
        first.remove();
        assertThat(faults.onCall("Scan", null).error()).isEqualTo(AwsError.THROTTLING);
        faults.reset();
        assertThat(faults.onCall("Scan", null)).isNull();
        assertThat(faults.calls("Scan")).isEqualTo(1);
    }

    @Test
    void meaninglessRulesAreRefused() {
        assertThatThrownBy(() -> faults.on("Scan").always()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> faults.on("Scan").error(AwsError.THROTTLING).atRate(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.on("Scan").error(AwsError.THROTTLING).times(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsCarryAwsWireTypesAndAccessDeniedNamesActionAndResource() {
        assertThat(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED.wireType())
                .isEqualTo("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException");
        assertThat(AwsError.INTERNAL_SERVER_ERROR.httpStatus()).isEqualTo(500);
        assertThat(AwsError.ACCESS_DENIED.message("Scan", "orders"))
                .contains(
                        "not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:000000000000:table/orders");
    }
}
