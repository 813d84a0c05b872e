package io.dynamosync.worker.config;

import io.dynamosync.api.worker.WorkerSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The worker's AWS clients, built once from the settings: region, endpoint overrides,
 * credentials (the SDK's default chain, or a role assumed with an external ID), and the SDK's
 * standard retry strategy with more attempts, since throttling is expected while a scan runs at
 * its cap. The S3 client is built on first use, by an export, so a scan never builds one (nor
 * fails on S3 settings it does not need).
 */
public final class AwsClients implements AutoCloseable {

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final StsClient sts;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final Settings settings;
    private S3Client s3;
    private final ThrottleCount throttles = new ThrottleCount();

    public AwsClients(Settings settings) {
        this.settings = settings;
        Region region = Region.of(settings.region());
        WorkerSettings.Endpoints endpoints = settings.endpoints();
        http = ApacheHttpClient.builder()
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(10)
                .build();
        if (settings.credentials().source().equals("AssumeRole")) {
            var stsBuilder = StsClient.builder()
                    .region(region)
                    .httpClient(http)
                    .credentialsProvider(DefaultCredentialsProvider.builder().build());
            if (endpoints != null && endpoints.sts() != null) {
                stsBuilder.endpointOverride(URI.create(endpoints.sts()));
            }
            sts = stsBuilder.build();
            credentials = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(r -> r.roleArn(settings.credentials().roleArn())
                            .externalId(settings.credentials().externalId())
                            .roleSessionName("dynamo-sync-" + settings.collection()))
                    .build();
        } else {
            sts = null;
            credentials = DefaultCredentialsProvider.builder().build();
        }
        var dynamoDbBuilder = DynamoDbClient.builder()
                .region(region)
                .httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(retries).addMetricPublisher(throttles));
        var streamsBuilder = DynamoDbStreamsClient.builder()
                .region(region)
                .httpClient(http)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(retries).addMetricPublisher(throttles));
        if (endpoints != null && endpoints.dynamodb() != null) {
            dynamoDbBuilder.endpointOverride(URI.create(endpoints.dynamodb()));
        }
        if (endpoints != null && endpoints.streams() != null) {
            streamsBuilder.endpointOverride(URI.create(endpoints.streams()));
        }
        dynamoDb = dynamoDbBuilder.build();
        streams = streamsBuilder.build();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    /** The S3 client, built on the first call. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = buildS3();
        }
        return s3;
    }

    /**
     * A new S3 client, configured as {@link #s3()}, that the caller owns and closes: for a library that closes the
     * client it is given (Iceberg's S3FileIO).
     */
    public S3Client newS3() {
        return buildS3();
    }

    /** Whether the S3 client has been built, i.e. whether anything needed S3. */
    public synchronized boolean s3Built() {
        return s3 != null;
    }

    private S3Client buildS3() {
        WorkerSettings.Endpoints endpoints = settings.endpoints();
        var s3Builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .httpClient(http)
                .credentialsProvider(credentials);
        if (endpoints != null && endpoints.s3() != null) {
            s3Builder.endpointOverride(URI.create(endpoints.s3()));
        }
        WorkerSettings.S3 s3Settings = settings.s3();
        if (s3Settings != null && Boolean.TRUE.equals(s3Settings.forcePathStyle())) {
            s3Builder.forcePathStyle(true);
        }
        if (s3Settings != null && Boolean.TRUE.equals(s3Settings.checksumWhenRequired())) {
            // S3-compatible stores such as S3Proxy refuse the SDK's default flexible checksums.
            s3Builder
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return s3Builder.build();
    }

    /** Attempts DynamoDB or DynamoDB Streams throttled since these clients were built, retried ones included. */
    public long throttles() {
        return throttles.count();
    }

    /** Runs {@code listener} on each throttled attempt. */
    public void onThrottle(Runnable listener) {
        throttles.onThrottle(listener);
    }

    @Override
    public void close() {
        dynamoDb.close();
        streams.close();
        synchronized (this) {
            if (s3 != null) {
                s3.close();
            }
        }
        if (sts != null) {
            sts.close();
        }
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Closing a credentials provider only stops its refresh thread.
            }
        }
        http.close();
    }
}
