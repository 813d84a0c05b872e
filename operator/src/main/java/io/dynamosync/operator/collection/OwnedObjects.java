package io.dynamosync.operator.collection;

import io.dynamosync.operator.Sha256;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Writes the objects a collection owns, only when what the operator asks of them changed. */
final class OwnedObjects {

    /** Annotation on an owned object holding the hash of what the operator last asked for. */
    static final String DESIRED_HASH_ANNOTATION = "dynamosync.io/desired-hash";

    private OwnedObjects() {}

    /**
     * Creates {@code desired}, or updates the existing object when what the operator asks for changed since it last
     * asked. Comparing a hash of the request, not the live object, ignores the defaults the API server fills in.
     *
     * @return whether anything was written
     */
    static <T extends HasMetadata> boolean apply(KubernetesClient client, T desired, T existing) {
        String hash = hash(desired);
        Map<String, String> annotations =
                new HashMap<>(Objects.requireNonNullElse(desired.getMetadata().getAnnotations(), Map.of()));
        annotations.put(DESIRED_HASH_ANNOTATION, hash);
        desired.getMetadata().setAnnotations(annotations);
        if (existing == null) {
            client.resource(desired).create();
            return true;
        }
        if (existing.getMetadata().getAnnotations() != null
                && hash.equals(existing.getMetadata().getAnnotations().get(DESIRED_HASH_ANNOTATION))) {
            return false;
        }
        keepImmutableFields(desired, existing);
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.resource(desired).update();
        return true;
    }

    /** Fields the API server refuses to change, or fills in itself, are taken from the live object. */
    private static void keepImmutableFields(HasMetadata desired, HasMetadata existing) {
        if (desired instanceof StatefulSet sts && existing instanceof StatefulSet live) {
            // Claim templates cannot change: VolumeExpansion resizes the claim itself.
            sts.getSpec().setVolumeClaimTemplates(live.getSpec().getVolumeClaimTemplates());
            sts.getSpec().setSelector(live.getSpec().getSelector());
            sts.getSpec().setServiceName(live.getSpec().getServiceName());
        }
        if (desired instanceof Service service && existing instanceof Service live && live.getSpec() != null) {
            service.getSpec().setClusterIP(live.getSpec().getClusterIP());
            service.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
        }
    }

    private static String hash(HasMetadata desired) {
        return Sha256.hex(Serialization.asJson(desired)).substring(0, 32);
    }
}
