package io.dynamosync.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Secrets integrations and collections refer to, and labels each one read so that the operator's Secret
 * informers, which select on {@link #LABEL}, watch (and cache) only those instead of every Secret in the cluster.
 */
public final class ReferencedSecrets {

    /** Label the operator puts on every Secret it reads; its informers watch only Secrets that carry it. */
    public static final String LABEL = "dynamosync.io/referenced";

    private static final Logger LOG = LoggerFactory.getLogger(ReferencedSecrets.class);

    private ReferencedSecrets() {
    }

    /**
     * The Secret as the API server holds it now (not from a cache, so an unlabelled one is found too), labelled
     * from now on; null when it does not exist. A refused label (RBAC without {@code patch} on Secrets) is logged
     * and otherwise ignored: changes to that Secret are then seen at the next periodic reconcile only.
     */
    public static Secret read(KubernetesClient client, String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null || secret.getMetadata().getLabels() != null
                && secret.getMetadata().getLabels().containsKey(LABEL)) {
            return secret;
        }
        try {
            return client.secrets().inNamespace(namespace).withName(name).edit(s -> {
                Map<String, String> labels = new HashMap<>(s.getMetadata().getLabels() == null ? Map.of()
                        : s.getMetadata().getLabels());
                labels.put(LABEL, "true");
                s.getMetadata().setLabels(labels);
                return s;
            });
        } catch (KubernetesClientException e) {
            LOG.warn("could not label Secret {}/{} with {} (so its changes are noticed late): {}", namespace, name,
                    LABEL, e.getMessage());
            return secret;
        }
    }
}
