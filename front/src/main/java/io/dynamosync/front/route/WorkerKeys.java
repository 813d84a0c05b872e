package io.dynamosync.front.route;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API key each worker asks for: the value of the Secret key its collection's {@code spec.query.apiKeySecretRef}
 * names, read from the API server and kept for a short while, so that a rotated key is picked up within it. A
 * key's value is never logged, nor put in a message.
 */
public final class WorkerKeys {

    private static final Duration KEEP = Duration.ofSeconds(30);

    private record Kept(Optional<String> key, long readAtNanos) {}

    private final KubernetesClient client;
    private final Optional<String> every;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    public WorkerKeys(KubernetesClient client) {
        this(client, Optional.empty());
    }

    private WorkerKeys(KubernetesClient client, Optional<String> every) {
        this.client = client;
        this.every = every;
    }

    /** No worker asks for a key: for collections without {@code spec.query.apiKeySecretRef} and in tests. */
    public static WorkerKeys none() {
        return new WorkerKeys(null);
    }

    /** Every worker asks for {@code key} (none when blank): for tools that run their workers themselves. */
    public static WorkerKeys same(String key) {
        return new WorkerKeys(null, key == null || key.isBlank() ? Optional.empty() : Optional.of(key.strip()));
    }

    /** The key to present to the collection's worker; empty when it asks for none or the Secret is not there. */
    public Optional<String> of(DynamoCollection collection) {
        SecretKeyRef ref = collection.getSpec() == null || collection.getSpec().getQuery() == null
                ? null
                : collection.getSpec().getQuery().getApiKeySecretRef();
        if (ref == null || client == null) {
            return every;
        }
        String namespace = collection.getMetadata().getNamespace();
        String id = namespace + "/" + ref.getName() + "/" + ref.getKey();
        Kept k = kept.get(id);
        if (k == null || System.nanoTime() - k.readAtNanos() > KEEP.toNanos()) {
            k = new Kept(read(namespace, ref), System.nanoTime());
            kept.put(id, k);
        }
        return k.key();
    }

    private Optional<String> read(String namespace, SecretKeyRef ref) {
        Secret secret =
                client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (secret == null) {
            return Optional.empty();
        }
        if (secret.getData() != null && secret.getData().get(ref.getKey()) != null) {
            return Optional.of(new String(
                            Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8)
                    .strip());
        }
        if (secret.getStringData() != null && secret.getStringData().get(ref.getKey()) != null) {
            return Optional.of(secret.getStringData().get(ref.getKey()).strip());
        }
        return Optional.empty();
    }
}
