package io.dynamosync.operator.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * One AWS account as an integration reaches it: the credentials it resolved to and clients for each service,
 * pointed at the integration's endpoints. Clients are made on first use and closed with the account.
 */
public final class AwsAccount implements AutoCloseable {

    private final String region;
    private final AwsCredentialsProvider credentials;
    private final boolean assumesRole;
    private final Lazy<DynamoDbClient> dynamoDb;
    private final Lazy<DynamoDbStreamsClient> streams;
    private final Lazy<S3Client> s3;
    private final Lazy<StsClient> sts;
    private final List<AutoCloseable> extra = new ArrayList<>();

    AwsAccount(
            String region,
            AwsCredentialsProvider credentials,
            boolean assumesRole,
            Supplier<DynamoDbClient> dynamoDb,
            Supplier<DynamoDbStreamsClient> streams,
            Supplier<S3Client> s3,
            Supplier<StsClient> sts) {
        this.region = region;
        this.credentials = credentials;
        this.assumesRole = assumesRole;
        this.dynamoDb = new Lazy<>(dynamoDb);
        this.streams = new Lazy<>(streams);
        this.s3 = new Lazy<>(s3);
        this.sts = new Lazy<>(sts);
    }

    /** The integration's region. */
    public String region() {
        return region;
    }

    /** The credentials every client of this account signs with. */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** Whether the credentials come from STS AssumeRole rather than from keys. */
    public boolean assumesRole() {
        return assumesRole;
    }

    /** DynamoDB. */
    public DynamoDbClient dynamoDb() {
        return dynamoDb.get();
    }

    /** DynamoDB Streams. */
    public DynamoDbStreamsClient streams() {
        return streams.get();
    }

    /** S3, for export files. */
    public S3Client s3() {
        return s3.get();
    }

    /** STS, signed with this account's credentials. */
    public StsClient sts() {
        return sts.get();
    }

    void closeWith(AutoCloseable closeable) {
        extra.add(closeable);
    }

    @Override
    public void close() {
        dynamoDb.close();
        streams.close();
        s3.close();
        sts.close();
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing releases connections only; nothing is lost if one fails.
            }
        }
    }

    /** A client made on first use. */
    private static final class Lazy<T extends AutoCloseable> {
        private final Supplier<T> factory;
        private T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (value == null) {
                value = factory.get();
            }
            return value;
        }

        synchronized void close() {
            if (value != null) {
                try {
                    value.close();
                } catch (Exception e) {
                    // see AwsAccount.close
                }
                value = null;
            }
        }
    }
}
