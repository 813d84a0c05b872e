package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.fault.FaultRule;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

@ExtendWith(LocalAwsExtension.class)
class FaultProxyIT {

    private static final RetryStrategy NO_RETRIES = DefaultRetryStrategy.doNotRetry();

    static Stream<Arguments> dynamoDbErrors() {
        return Stream.of(
                Arguments.of(
                        AwsError.PROVISIONED_THROUGHPUT_EXCEEDED, ProvisionedThroughputExceededException.class, 400),
                Arguments.of(AwsError.THROTTLING, ThrottlingException.class, 400),
                Arguments.of(AwsError.LIMIT_EXCEEDED, LimitExceededException.class, 400),
                Arguments.of(AwsError.ACCESS_DENIED, DynamoDbException.class, 400),
                Arguments.of(AwsError.RESOURCE_NOT_FOUND, ResourceNotFoundException.class, 400),
                Arguments.of(AwsError.INTERNAL_SERVER_ERROR, InternalServerErrorException.class, 500));
    }

    @ParameterizedTest
    @MethodSource("dynamoDbErrors")
    void tableErrorReachesTheSdkAsAwsSendsIt(
            AwsError error, Class<? extends AwsServiceException> type, int status, LocalAws aws) {
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String table = Tables.create(dynamoDb, false);
        aws.faults().on("Scan").forTable(table).error(error).times(1);

        assertThatThrownBy(() -> dynamoDb.scan(b -> b.tableName(table)))
                .isInstanceOf(type)
                .satisfies(e -> {
                    AwsServiceException aws1 = (AwsServiceException) e;
                    assertThat(aws1.awsErrorDetails().errorCode()).isEqualTo(error.code());
                    assertThat(aws1.statusCode()).isEqualTo(status);
                });
        // The rule was for one call only: the next one reaches DynamoDB Local.
        assertThat(dynamoDb.scan(b -> b.tableName(table)).count()).isZero();
    }

    @Test
    void accessDeniedNamesTheActionAndTheTable(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String table = Tables.create(dynamoDb, false);
        aws.faults()
                .on("UpdateTable")
                .forTable(table)
                .error(AwsError.ACCESS_DENIED)
                .always();

        assertThatThrownBy(() -> dynamoDb.updateTable(b -> b.tableName(table)
                        .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES"))))
                .isInstanceOf(DynamoDbException.class)
                .hasMessageContaining("is not authorized to perform: dynamodb:UpdateTable on resource: ")
                .hasMessageContaining(":table/" + table);
    }

    static Stream<Arguments> streamErrors() {
        return Stream.of(
                Arguments.of(AwsError.EXPIRED_ITERATOR, ExpiredIteratorException.class),
                Arguments.of(AwsError.TRIMMED_DATA_ACCESS, TrimmedDataAccessException.class),
                Arguments.of(AwsError.LIMIT_EXCEEDED, LimitExceededException.class),
                Arguments.of(AwsError.RESOURCE_NOT_FOUND, ResourceNotFoundException.class));
    }

    @ParameterizedTest
    @MethodSource("streamErrors")
    void streamErrorReachesTheSdkAsAwsSendsIt(AwsError error, Class<? extends AwsServiceException> type, LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), true);
        DynamoDbStreamsClient streams = aws.newStreams(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String streamArn =
                aws.dynamoDb().describeTable(b -> b.tableName(table)).table().latestStreamArn();
        String shard = streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()
                .get(0)
                .shardId();
        String iterator = streams.getShardIterator(
                        b -> b.streamArn(streamArn).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        aws.faults().on("GetRecords").forTable(table).error(error).times(1);

        assertThatThrownBy(() -> streams.getRecords(b -> b.shardIterator(iterator)))
                .isInstanceOf(type)
                .extracting(e -> ((AwsServiceException) e).awsErrorDetails().errorCode())
                .isEqualTo(error.code());
        assertThat(streams.getRecords(b -> b.shardIterator(iterator)).records()).isEmpty();
    }

    @Test
    void sdkRetriesThrottlingAndTheProxyCountsEveryAttempt(LocalAws aws) {
        DynamoDbClient dynamoDb =
                aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)));
        String table = Tables.create(dynamoDb, false);
        FaultRule throttle = aws.faults()
                .on("GetItem")
                .forTable(table)
                .error(AwsError.PROVISIONED_THROUGHPUT_EXCEEDED)
                .times(2);

        dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of(
                        "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("x"),
                        "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"))));

        assertThat(throttle.hits()).isEqualTo(2);
        assertThat(throttle.exhausted()).isTrue();
        assertThat(aws.faults().calls("GetItem", table)).isEqualTo(3);
    }

    @Test
    void rateFaultsHitAboutThatShareOfCalls(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String table = Tables.create(dynamoDb, false);
        aws.faults()
                .on("DescribeTable")
                .forTable(table)
                .error(AwsError.THROTTLING)
                .atRate(0.2);

        int failed = 0;
        for (int i = 0; i < 400; i++) {
            try {
                dynamoDb.describeTable(b -> b.tableName(table));
            } catch (ThrottlingException e) {
                failed++;
            }
        }
        // 400 draws at p=0.2: mean 80, standard deviation 8; ±5 sd keeps this from flaking.
        assertThat(failed).isBetween(40, 120);
        assertThat(aws.faults().calls("DescribeTable", table)).isEqualTo(400);
    }

    @Test
    void faultsForOneTableLeaveOtherTablesAlone(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String faulty = Tables.create(dynamoDb, false);
        String healthy = Tables.create(dynamoDb, false);
        aws.faults().on("Scan").forTable(faulty).error(AwsError.ACCESS_DENIED).always();

        assertThat(dynamoDb.scan(b -> b.tableName(healthy)).count()).isZero();
        assertThatThrownBy(() -> dynamoDb.scan(b -> b.tableName(faulty))).isInstanceOf(DynamoDbException.class);
    }

    @Test
    void latencyDelaysCallsWithoutFailingThem(LocalAws aws) {
        String table = Tables.create(aws.dynamoDb(), false);
        FaultRule slow = aws.faults()
                .on("DescribeTable")
                .forTable(table)
                .latency(Duration.ofMillis(300))
                .always();

        long start = System.nanoTime();
        aws.dynamoDb().describeTable(b -> b.tableName(table));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMillis).isGreaterThanOrEqualTo(300);
        assertThat(slow.hits()).isEqualTo(1);
        slow.remove();
        aws.dynamoDb().describeTable(b -> b.tableName(table));
        assertThat(slow.hits()).isEqualTo(1);
    }

    @Test
    void consumedCapacityTheAnswersReportIsCountedByTable(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.dynamoDb();
        String table = Tables.create(dynamoDb, false);
        for (int i = 0; i < 20; i++) {
            int n = i;
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("p" + n),
                            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"),
                            "data",
                                    software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                            "x".repeat(3000)))));
        }

        double reported = 0;
        for (int i = 0; i < 3; i++) {
            reported += dynamoDb.scan(b -> b.tableName(table)
                            .consistentRead(true)
                            .returnConsumedCapacity(
                                    software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity.TOTAL))
                    .consumedCapacity()
                    .capacityUnits();
        }
        dynamoDb.scan(b -> b.tableName(table));

        assertThat(reported).as("DynamoDB Local reports what a scan consumes").isPositive();
        assertThat(aws.faults().consumedCapacity("Scan", table))
                .isCloseTo(reported, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(aws.faults().consumedCapacityBySecond("Scan", table).values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum())
                .isCloseTo(reported, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(aws.faults().consumedCapacity("PutItem", table))
                .as("calls that did not ask are not counted")
                .isZero();
    }

    @Test
    void resetClearsRulesAndCounts(LocalAws aws) {
        DynamoDbClient dynamoDb = aws.newDynamoDb(b -> b.overrideConfiguration(o -> o.retryStrategy(NO_RETRIES)));
        String table = Tables.create(dynamoDb, false);
        aws.faults()
                .on("*")
                .forTable(table)
                .error(AwsError.INTERNAL_SERVER_ERROR)
                .always();
        assertThatThrownBy(() -> dynamoDb.describeTable(b -> b.tableName(table)))
                .isInstanceOf(InternalServerErrorException.class);

        aws.faults().reset();

        assertThat(aws.faults().calls("DescribeTable", table)).isZero();
        assertThat(dynamoDb.describeTable(b -> b.tableName(table)).table().tableName())
                .isEqualTo(table);
    }
}
