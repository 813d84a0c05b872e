package io.dynamosync.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * Writes a resource's whole status at the resource version the reconcile read. JOSDK's patch of the status
 * without server-side apply is a JSON Patch computed against the cached resource, and a cache one write behind
 * turns it into a second copy of a condition; replacing the status with optimistic locking either writes exactly
 * what the reconcile decided or is refused, and the reconcile runs again on fresher data.
 */
public final class StatusWrite {

    private StatusWrite() {}

    /**
     * Replaces the status of {@code resource} (PUT {@code /status}) if nobody wrote it since its resource version.
     *
     * @return false when the resource changed meanwhile (HTTP 409), so that the caller reconciles again soon
     */
    public static boolean replace(KubernetesClient client, HasMetadata resource) {
        try {
            client.resource(resource)
                    .lockResourceVersion(resource.getMetadata().getResourceVersion())
                    .updateStatus();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }
}
