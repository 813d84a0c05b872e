package io.dynamosync.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

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
}
