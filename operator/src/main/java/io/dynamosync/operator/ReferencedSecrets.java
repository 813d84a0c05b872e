package io.dynamosync.operator;

import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the Secrets integrations ({@code accessKeySecretRef}) and collections ({@code query.apiKeySecretRef}) name,
 * by name, from the API server, with nothing but {@code get}: the operator neither lists, watches nor writes Secrets,
 * so its RBAC grants only {@code get} on Secrets in the watched namespaces. A Secret created or changed later is
 * read again at the next reconcile, which the reconcilers schedule for that (every status poll period for whatever
 * reads a Secret, sooner while one is missing).
 */
public final class ReferencedSecrets {

    private ReferencedSecrets() {}

    /** The Secret as the API server holds it now; null when it does not exist. */
    public static Secret read(KubernetesClient client, String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** The access key Secret an integration names, as the API server holds it now; null without one or when absent. */
    public static Secret accessKeys(KubernetesClient client, DynamoIntegration integration) {
        if (integration.getSpec().getAccessKeySecretRef() == null) {
            return null;
        }
        return read(
                client,
                integration.getMetadata().getNamespace(),
                integration.getSpec().getAccessKeySecretRef().getName());
    }

    /**
     * A key's value, decoded: {@code data} holds base64; {@code stringData} is write-only on a real API server, but
     * a mock or a client-side object may still carry it. Null when the Secret has no such key.
     */
    public static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }
}
