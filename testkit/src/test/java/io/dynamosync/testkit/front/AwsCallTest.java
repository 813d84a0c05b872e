package io.dynamosync.testkit.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AwsCallTest {

    private static AwsCall call(String target, String body) {
        return AwsCall.parse(target, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsServiceAndOperationFromTheTarget() {
        AwsCall call = call("DynamoDBStreams_20120810.GetRecords", "{}");
        assertThat(call.service()).isEqualTo("DynamoDBStreams_20120810");
        assertThat(call.operation()).isEqualTo("GetRecords");
    }

    @Test
    void findsTheTableByNameArnStreamIteratorOrBatch() {
        assertThat(call("DynamoDB_20120810.Scan", "{\"TableName\":\"orders\"}").table())
                .isEqualTo("orders");
        assertThat(call(
                                "DynamoDB_20120810.Scan",
                                "{\"TableName\":\"arn:aws:dynamodb:us-east-1:123456789012:table/orders\"}")
                        .table())
                .isEqualTo("orders");
        assertThat(call(
                                "DynamoDB_20120810.ExportTableToPointInTime",
                                "{\"TableArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/my.table-1\"}")
                        .table())
                .isEqualTo("my.table-1");
        assertThat(call(
                                "DynamoDBStreams_20120810.DescribeStream",
                                "{\"StreamArn\":\"arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026-11-25T12:00:00.000\"}")
                        .table())
                .isEqualTo("orders");
        assertThat(call(
                                "DynamoDBStreams_20120810.GetRecords",
                                "{\"ShardIterator\":\"000|arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026|abc\"}")
                        .table())
                .isEqualTo("orders");
        assertThat(call("DynamoDB_20120810.BatchWriteItem", "{\"RequestItems\":{\"orders\":[]}}")
                        .table())
                .isEqualTo("orders");
    }

    @Test
    void aCallWithoutTableOrJsonStillParses() {
        assertThat(call("DynamoDB_20120810.ListTables", "{}").table()).isNull();
        AwsCall broken = call(null, "not json");
        assertThat(broken.operation()).isEmpty();
        assertThat(broken.table()).isNull();
    }
}
