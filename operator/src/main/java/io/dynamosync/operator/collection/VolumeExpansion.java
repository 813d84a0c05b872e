package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.api.v1alpha1.Conditions.Type;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.Storage;
import io.dynamosync.operator.status.StatusDraft;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;

/**
 * Applies a larger spec.storage.size to the collection's volume claim where its StorageClass allows expansion
 * (a StatefulSet's claim template cannot change, so the claim itself is resized), and otherwise says why not in
 * the VolumeResized condition.
 */
final class VolumeExpansion {

    private VolumeExpansion() {}

    /** Compares the claim with the spec and expands it, or reports why it stays as it is. */
    static void apply(KubernetesClient client, DynamoCollection collection, StatusDraft<DynamoCollectionStatus> draft) {
        String namespace = collection.getMetadata().getNamespace();
        String claimName =
                CollectionWorker.volumeClaimName(collection.getMetadata().getName());
        PersistentVolumeClaim claim = client.persistentVolumeClaims()
                .inNamespace(namespace)
                .withName(claimName)
                .get();
        if (claim == null
                || claim.getSpec() == null
                || claim.getSpec().getResources() == null
                || claim.getSpec().getResources().getRequests() == null) {
            draft.clear(Type.VOLUME_RESIZED);
            return;
        }
        Storage storage = collection.getSpec().getStorage();
        Quantity wanted =
                new Quantity(storage == null || storage.getSize() == null ? Storage.DEFAULT_SIZE : storage.getSize());
        Quantity requested = claim.getSpec().getResources().getRequests().get("storage");
        Quantity capacity = claim.getStatus() == null || claim.getStatus().getCapacity() == null
                ? null
                : claim.getStatus().getCapacity().get("storage");
        int order = wanted.getNumericalAmount().compareTo(requested.getNumericalAmount());
        if (order < 0) {
            draft.setFalse(
                    Type.VOLUME_RESIZED,
                    Reason.SHRINK_REFUSED,
                    "spec.storage.size is " + wanted + " but "
                            + "volume claim " + claimName + " has " + requested
                            + ", and Kubernetes cannot shrink a volume; "
                            + "the collection keeps " + requested + ".");
            return;
        }
        if (order > 0) {
            // A claim names its class once admitted (the default class is filled in); one that names none is
            // simply asked to grow, and the API server's refusal, if any, is reported below.
            String className = claim.getSpec().getStorageClassName();
            StorageClass storageClass = className == null
                    ? null
                    : client.storage().v1().storageClasses().withName(className).get();
            if (className != null
                    && (storageClass == null || !Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion()))) {
                String name = storageClass == null
                        ? Objects.toString(claim.getSpec().getStorageClassName())
                        : storageClass.getMetadata().getName();
                draft.setFalse(
                        Type.VOLUME_RESIZED,
                        Reason.EXPANSION_NOT_ALLOWED,
                        "spec.storage.size is " + wanted
                                + " but volume claim " + claimName + " has " + requested + ", and StorageClass " + name
                                + " does not allow volume expansion (allowVolumeExpansion is not true). Use a StorageClass "
                                + "that does, or move the collection to a new one (a new collection loads the table again).");
                return;
            }
            try {
                client.persistentVolumeClaims()
                        .inNamespace(namespace)
                        .withName(claimName)
                        .edit(c -> {
                            c.getSpec().getResources().getRequests().put("storage", wanted);
                            return c;
                        });
            } catch (KubernetesClientException e) {
                draft.setFalse(
                        Type.VOLUME_RESIZED,
                        Reason.EXPANSION_NOT_ALLOWED,
                        "spec.storage.size is " + wanted
                                + " but volume claim " + claimName + " has " + requested
                                + ", and the API server refused to "
                                + "expand it: "
                                + (e.getStatus() == null
                                        ? e.getMessage()
                                        : e.getStatus().getMessage()));
                return;
            }
            requested = wanted;
        }
        if (capacity != null && capacity.getNumericalAmount().compareTo(requested.getNumericalAmount()) < 0) {
            draft.setFalse(
                    Type.VOLUME_RESIZED,
                    Reason.EXPANDING,
                    "Volume claim " + claimName + " is being expanded " + "from " + capacity + " to " + requested
                            + " by the storage driver.");
            return;
        }
        if (order > 0 && capacity == null) {
            draft.setFalse(
                    Type.VOLUME_RESIZED,
                    Reason.EXPANDING,
                    "Asked for " + requested + " on volume claim " + claimName + "; the storage driver expands it.");
            return;
        }
        draft.clear(Type.VOLUME_RESIZED);
    }
}
