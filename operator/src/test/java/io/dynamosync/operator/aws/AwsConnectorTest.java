package io.dynamosync.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.operator.Fixtures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sts.StsClient;

class AwsConnectorTest {

    private final SdkHttpClient http = ApacheHttpClient.builder().build();
    private final AwsConnector connector = new AwsConnector(AnonymousCredentialsProvider.create(), http);
    private final DynamoIntegration integration = Fixtures.keyIntegration("shop", "prod", "us-east-1", "keys");

    @AfterEach
    void close() {
        connector.close();
        http.close();
    }

    @Test
    void anAccountReplacedWhileAnotherReconcileUsesItIsNotClosedUnderIt() throws Exception {
        // The integration's reconcile holds the account made for the Secret as it read it...
        AwsAccount first = connector.connect(integration, secret("1"), null);
        StsClient inUse = first.sts();

        // ...when a collection's reconcile reads the Secret after the operator labelled it (a new resourceVersion).
        AwsAccount second = connector.connect(integration, secret("2"), null);

        assertThat(second).isNotSameAs(first);
        assertThat(connector.connect(integration, secret("2"), null)).isSameAs(second);
        // Closing drops the client, so that the next call would make another: the first is still open.
        assertThat(first.sts()).isSameAs(inUse);
        // Closed with the operator, without waiting.
        connector.close();
        assertThat(first.sts()).isNotSameAs(inUse);
    }

    private static Secret secret(String resourceVersion) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("keys")
                .withUid("u-1")
                .withResourceVersion(resourceVersion)
                .endMetadata()
                .addToData(AccessKeySecretRef.DEFAULT_ACCESS_KEY_ID_KEY, encode("AKIDEXAMPLE"))
                .addToData(
                        AccessKeySecretRef.DEFAULT_SECRET_ACCESS_KEY_KEY,
                        encode("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .build();
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
