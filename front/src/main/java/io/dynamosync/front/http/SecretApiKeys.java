package io.dynamosync.front.http;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Secret of API keys now and then, so that keys added, changed or removed there take effect within
 * {@code every} without a restart. It needs only {@code get} on that one Secret. A Secret that is missing admits
 * none of its keys; one that cannot be read keeps the keys last read.
 */
public final class SecretApiKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SecretApiKeys.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final ApiKeys keys;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-keys-secret");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastProblem;

    public SecretApiKeys(KubernetesClient client, String namespace, String name, ApiKeys keys) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.keys = keys;
    }

    /** Reads the Secret now, then every {@code every}. */
    public SecretApiKeys start(Duration every) {
        refresh();
        timer.scheduleWithFixedDelay(this::refresh, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reads the Secret once. */
    public void refresh() {
        try {
            Secret secret =
                    client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null) {
                problem("the Secret " + namespace + "/" + name + " of API keys does not exist: none of its keys is"
                        + " admitted");
                keys.replace(Map.of());
                return;
            }
            Map<String, String> data = new HashMap<>();
            if (secret.getData() != null) {
                secret.getData()
                        .forEach((k, v) ->
                                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            }
            if (secret.getStringData() != null) {
                data.putAll(secret.getStringData());
            }
            keys.replace(data);
            if (lastProblem != null) {
                LOG.info("the Secret {}/{} of API keys is read again", namespace, name);
            }
            lastProblem = null;
        } catch (RuntimeException e) {
            problem("cannot read the Secret " + namespace + "/" + name + " of API keys, keeping the keys last read: "
                    + e.getMessage());
        }
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            LOG.warn(message);
        }
        lastProblem = message;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
