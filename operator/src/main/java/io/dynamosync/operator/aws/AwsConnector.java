package io.dynamosync.operator.aws;

import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.Endpoints;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.operator.ReferencedSecrets;
import io.dynamosync.operator.Sha256;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Connects to the AWS account an integration describes: with the keys of its Secret, or by assuming its role
 * with the external ID from the operator's own identity (the default credential chain: IRSA, Pod Identity,
 * environment). Accounts are kept while the integration, its Secret and its external ID stay the same, so that a
 * role is not assumed again on every reconcile.
 */
public final class AwsConnector implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    /**
     * How long a replaced account stays open: the integration's and its collections' reconciles share it on other
     * threads (and, as a Secret gets its label, may see two versions of it for a moment), so one may still be in a
     * call, which the SDK bounds by {@link #CALL_TIMEOUT}.
     */
    static final Duration RETIRED_ACCOUNT_KEPT = CALL_TIMEOUT.multipliedBy(2);

    private final AwsCredentialsProvider operatorCredentials;
    private final SdkHttpClient http;
    private final Map<String, Cached> accounts = new ConcurrentHashMap<>();
    private final Set<AwsAccount> retiring = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService retired = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "aws-account-retirement");
        thread.setDaemon(true);
        return thread;
    });

    private record Cached(String fingerprint, AwsAccount account) {}

    /**
     * @param operatorCredentials the operator's own identity, from which roles are assumed
     * @param http one HTTP client shared by every AWS client, so that a new account costs no connection pool
     */
    public AwsConnector(AwsCredentialsProvider operatorCredentials, SdkHttpClient http) {
        this.operatorCredentials = operatorCredentials;
        this.http = http;
    }

    /**
     * The account {@code integration} reaches, with credentials resolved but not yet checked by AWS.
     *
     * @param secret the integration's access-key Secret as read now, or null when it has none or it is missing
     * @param externalId the external ID to pass to AssumeRole (the spec's or a generated one); ignored with keys
     * @throws CredentialsException when the Secret or one of its keys is missing
     */
    public AwsAccount connect(DynamoIntegration integration, Secret secret, String externalId)
            throws CredentialsException {
        DynamoIntegrationSpec spec = integration.getSpec();
        String key = integration.getMetadata().getNamespace() + "/"
                + integration.getMetadata().getName();
        String fingerprint = Sha256.hex(Serialization.asJson(spec) + "\0" + externalId) + "/"
                + (secret == null
                        ? "-"
                        : secret.getMetadata().getUid() + ":"
                                + secret.getMetadata().getResourceVersion());
        Cached cached = accounts.get(key);
        if (cached != null && cached.fingerprint().equals(fingerprint)) {
            return cached.account();
        }
        AwsAccount account = spec.getRoleArn() != null
                ? assumingRole(spec, externalId, key)
                : withKeys(spec, keys(integration, secret));
        Cached previous = accounts.put(key, new Cached(fingerprint, account));
        if (previous != null) {
            retire(previous.account());
        }
        return account;
    }

    /**
     * The external ID a role integration is assumed with: the spec's, or the one the integration's reconcile
     * generated and published in status; null for access keys or before one is published.
     */
    public static String externalId(DynamoIntegration integration) {
        if (integration.getSpec().getExternalId() != null) {
            return integration.getSpec().getExternalId();
        }
        return integration.getStatus() == null ? null : integration.getStatus().getExternalId();
    }

    /** The operator's own identity, reaching the integration's STS endpoint; for the trust policy. */
    public AwsAccount operatorAccount(DynamoIntegration integration) {
        String key = "operator@" + Objects.toString(stsEndpoint(integration.getSpec()), "aws") + "@"
                + integration.getSpec().getRegion();
        return accounts.computeIfAbsent(
                        key, k -> new Cached(k, account(integration.getSpec(), operatorCredentials, false)))
                .account();
    }

    /** Forgets the account of a deleted integration. */
    public void forget(String namespace, String name) {
        Cached cached = accounts.remove(namespace + "/" + name);
        if (cached != null) {
            retire(cached.account());
        }
    }

    /** Closes an account no longer handed out once a call made with it before has surely ended. */
    private void retire(AwsAccount account) {
        retiring.add(account);
        try {
            retired.schedule(
                    () -> {
                        if (retiring.remove(account)) {
                            account.close();
                        }
                    },
                    RETIRED_ACCOUNT_KEPT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            retiring.remove(account);
            account.close();
        }
    }

    private AwsAccount assumingRole(DynamoIntegrationSpec spec, String externalId, String key) {
        StsClient operatorSts = configure(StsClient.builder(), spec, stsEndpoint(spec), operatorCredentials)
                .build();
        StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(operatorSts)
                // Refreshed on the reconcile thread; no background threads per integration.
                .asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> r.roleArn(spec.getRoleArn())
                        .roleSessionName("dynamo-sync-" + key.replace('/', '-'))
                        .externalId(externalId))
                .build();
        AwsAccount account = account(spec, assumed, true);
        account.closeWith(assumed);
        account.closeWith(operatorSts);
        return account;
    }

    private AwsAccount withKeys(DynamoIntegrationSpec spec, AwsCredentials credentials) {
        return account(spec, StaticCredentialsProvider.create(credentials), false);
    }

    private AwsAccount account(DynamoIntegrationSpec spec, AwsCredentialsProvider credentials, boolean assumesRole) {
        Endpoints endpoints = spec.getEndpoints() == null ? new Endpoints() : spec.getEndpoints();
        S3Bucket bucket = spec.getS3();
        return new AwsAccount(
                spec.getRegion(),
                credentials,
                assumesRole,
                () -> configure(DynamoDbClient.builder(), spec, endpoints.getDynamodb(), credentials)
                        .build(),
                () -> configure(DynamoDbStreamsClient.builder(), spec, endpoints.getStreams(), credentials)
                        .build(),
                () -> {
                    var builder = configure(S3Client.builder(), spec, endpoints.getS3(), credentials);
                    if (bucket != null && Boolean.TRUE.equals(bucket.getForcePathStyle())) {
                        builder.forcePathStyle(true);
                    }
                    if (bucket != null && Boolean.TRUE.equals(bucket.getChecksumWhenRequired())) {
                        builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
                    }
                    return builder.build();
                },
                () -> configure(StsClient.builder(), spec, stsEndpoint(spec), credentials)
                        .build());
    }

    private static String stsEndpoint(DynamoIntegrationSpec spec) {
        return spec.getEndpoints() == null ? null : spec.getEndpoints().getSts();
    }

    private <
                    B extends
                            AwsClientBuilder<B, ?>
                                    & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, DynamoIntegrationSpec spec, String endpoint, AwsCredentialsProvider credentials) {
        builder.region(Region.of(spec.getRegion()))
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(CALL_TIMEOUT)
                        .build());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    /** Reads the access keys from the Secret; the values never leave the returned credentials. */
    private static AwsCredentials keys(DynamoIntegration integration, Secret secret) throws CredentialsException {
        AccessKeySecretRef ref = integration.getSpec().getAccessKeySecretRef();
        String namespace = integration.getMetadata().getNamespace();
        if (secret == null) {
            throw new CredentialsException(
                    Conditions.Reason.SECRET_NOT_FOUND,
                    "Secret " + ref.getName()
                            + " does not exist in namespace " + namespace + "; create it with keys "
                            + ref.getAccessKeyIdKey()
                            + " and " + ref.getSecretAccessKeyKey() + ".",
                    true);
        }
        String id = ReferencedSecrets.value(secret, ref.getAccessKeyIdKey());
        String key = ReferencedSecrets.value(secret, ref.getSecretAccessKeyKey());
        String token =
                ref.getSessionTokenKey() == null ? null : ReferencedSecrets.value(secret, ref.getSessionTokenKey());
        requireValue(ref, namespace, ref.getAccessKeyIdKey(), id);
        requireValue(ref, namespace, ref.getSecretAccessKeyKey(), key);
        if (ref.getSessionTokenKey() != null) {
            requireValue(ref, namespace, ref.getSessionTokenKey(), token);
        }
        return token == null
                ? AwsBasicCredentials.create(id.trim(), key.trim())
                : AwsSessionCredentials.create(id.trim(), key.trim(), token.trim());
    }

    private static void requireValue(AccessKeySecretRef ref, String namespace, String key, String value)
            throws CredentialsException {
        if (value == null || value.isBlank()) {
            throw new CredentialsException(
                    Conditions.Reason.SECRET_KEY_MISSING,
                    "Secret " + ref.getName() + " in namespace " + namespace + " has no value for key " + key + ".",
                    true);
        }
    }

    @Override
    public void close() {
        // Retired accounts are closed now: the operator stops, and its reconciles have ended.
        retired.shutdownNow();
        retiring.forEach(AwsAccount::close);
        retiring.clear();
        accounts.values().forEach(c -> c.account().close());
        accounts.clear();
    }
}
