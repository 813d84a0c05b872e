package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.api.v1alpha1.Conditions.Type;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.operator.ReferencedSecrets;
import io.dynamosync.operator.aws.AwsAccount;
import io.dynamosync.operator.aws.AwsConnector;
import io.dynamosync.operator.aws.AwsUnavailableException;
import io.dynamosync.operator.aws.CredentialsException;
import io.dynamosync.operator.aws.ExportFiles;
import io.dynamosync.operator.status.EventRecorder;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a deleted collection owns according to its deletionPolicy, and always lets the deletion finish:
 * export files whose deletion is denied or fails are retried {@link #MAX_ATTEMPTS} times with doubling back-off,
 * then left behind with a Warning Event and a status message naming the bucket and prefix.
 */
final class CollectionCleanup {

    /** Attempts at deleting the export files before they are left behind. */
    static final int MAX_ATTEMPTS = 5;

    private static final Duration MAX_DELAY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(CollectionCleanup.class);

    private final Duration firstDelay;
    private final AwsConnector connector;
    private final ExportFiles exportFiles;
    private final EventRecorder events;
    private final Clock clock;
    /** Failed attempts so far, and when the next may run, per collection being deleted. */
    private final Map<ResourceID, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int attempts, Instant nextAttempt) {}

    /** @param firstDelay the wait after the first failed attempt; each further one waits twice as long */
    CollectionCleanup(
            Duration firstDelay, AwsConnector connector, ExportFiles exportFiles, EventRecorder events, Clock clock) {
        this.firstDelay = firstDelay;
        this.connector = connector;
        this.exportFiles = exportFiles;
        this.events = events;
        this.clock = clock;
    }

    /** Deletes what deletionPolicy says; the finalizer stays only while a failed file deletion waits to be retried. */
    DeleteControl cleanup(DynamoCollection collection, Context<DynamoCollection> context) {
        if (collection.getSpec().getDeletionPolicy() != DeletionPolicy.DELETE) {
            return DeleteControl.defaultDelete();
        }
        ResourceID id = ResourceID.fromResource(collection);
        Failures failed = failures.get(id);
        Instant now = clock.instant();
        if (failed != null && now.isBefore(failed.nextAttempt())) {
            // Woken early (our own status write is an event too): keep to the back-off.
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.between(now, failed.nextAttempt()));
        }
        if (failed == null) {
            deleteVolume(collection, context.getClient());
        }
        DynamoIntegration integration =
                context.getSecondaryResource(DynamoIntegration.class).orElse(null);
        if (integration == null) {
            events.record(
                    collection,
                    EventRecorder.WARNING,
                    Reason.EXPORT_FILES_KEPT,
                    "DynamoIntegration "
                            + collection.getSpec().getIntegrationRef().getName() + " is gone, so export files of this "
                            + "collection, if any, were not deleted from S3.");
            return DeleteControl.defaultDelete();
        }
        S3Bucket bucket = integration.getSpec().getS3();
        if (bucket == null) {
            return DeleteControl.defaultDelete();
        }
        String prefix = CollectionWorker.exportPrefix(
                bucket.getPrefix(),
                collection.getMetadata().getNamespace(),
                collection.getMetadata().getName());
        String where = "s3://" + bucket.getBucket() + "/" + prefix;
        try {
            AwsAccount account = connector.connect(
                    integration,
                    ReferencedSecrets.accessKeys(context.getClient(), integration),
                    AwsConnector.externalId(integration));
            int deleted = exportFiles.deleteAll(account, bucket.getBucket(), prefix);
            failures.remove(id);
            events.record(
                    collection,
                    EventRecorder.NORMAL,
                    "ExportFilesDeleted",
                    "Deleted " + deleted + " export file(s) under " + where + ".");
            return DeleteControl.defaultDelete();
        } catch (CredentialsException e) {
            // Only the user can mend the integration, and waiting for it would hold the collection indefinitely.
            return leaveBehind(
                    collection,
                    context.getClient(),
                    id,
                    where,
                    "because the integration cannot reach AWS: " + e.getMessage());
        } catch (AwsUnavailableException e) {
            int attempts = failed == null ? 1 : failed.attempts() + 1;
            if (attempts >= MAX_ATTEMPTS || deletedLongAgo(collection, now)) {
                return leaveBehind(
                        collection,
                        context.getClient(),
                        id,
                        where,
                        "after " + attempts + " attempts, the last: " + e.getMessage());
            }
            Duration delay = delay(attempts);
            failures.put(id, new Failures(attempts, now.plus(delay)));
            String message = "Deleting the export files under " + where + " failed (attempt " + attempts + " of "
                    + MAX_ATTEMPTS + "): " + e.getMessage() + " Retrying in " + delay.toSeconds() + "s; after "
                    + MAX_ATTEMPTS + " attempts the files are left behind and the collection is deleted.";
            events.record(collection, EventRecorder.WARNING, Reason.CLEANUP_FAILED, message);
            report(collection, context.getClient(), Type.RECONCILING, Conditions.TRUE, Reason.CLEANUP_FAILED, message);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay);
        }
    }

    private void deleteVolume(DynamoCollection collection, KubernetesClient client) {
        String namespace = collection.getMetadata().getNamespace();
        String name = collection.getMetadata().getName();
        // The StatefulSet goes first, so that its pod releases the claim and the claim can go.
        client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withName(CollectionWorker.workerName(name))
                .delete();
        client.persistentVolumeClaims()
                .inNamespace(namespace)
                .withName(CollectionWorker.volumeClaimName(name))
                .delete();
        events.record(
                collection,
                EventRecorder.NORMAL,
                "VolumeDeleted",
                "Deleted volume claim " + CollectionWorker.volumeClaimName(name) + " (deletionPolicy Delete).");
    }

    private DeleteControl leaveBehind(
            DynamoCollection collection, KubernetesClient client, ResourceID id, String where, String why) {
        failures.remove(id);
        String message = "Export files under " + where + " were left behind: deleting them failed " + why
                + " Delete them yourself, for example with: aws s3 rm --recursive " + where;
        events.record(collection, EventRecorder.WARNING, Reason.EXPORT_FILES_KEPT, message);
        report(collection, client, Type.READY, Conditions.FALSE, Reason.EXPORT_FILES_KEPT, message);
        LOG.warn(
                "collection {}/{}: {}",
                collection.getMetadata().getNamespace(),
                collection.getMetadata().getName(),
                message);
        return DeleteControl.defaultDelete();
    }

    /** The wait after the {@code attempts}-th failure: the first delay, doubled each time, at most 5 minutes. */
    Duration delay(int attempts) {
        Duration delay = firstDelay.multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /**
     * Whether the collection has waited for its files for twice as long as every back-off together: the bound
     * that holds across operator restarts, which forget the count of attempts.
     */
    private boolean deletedLongAgo(DynamoCollection collection, Instant now) {
        String deleted = collection.getMetadata().getDeletionTimestamp();
        if (deleted == null) {
            return false;
        }
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
            total = total.plus(delay(attempt));
        }
        return ZonedDateTime.parse(deleted)
                .toInstant()
                .plus(total.multipliedBy(2))
                .isBefore(now);
    }

    /** Best effort: the collection may be gone by the time this is written. */
    private void report(
            DynamoCollection collection,
            KubernetesClient client,
            String type,
            String status,
            String reason,
            String message) {
        long generation = Objects.requireNonNullElse(collection.getMetadata().getGeneration(), 0L);
        try {
            client.resources(DynamoCollection.class)
                    .inNamespace(collection.getMetadata().getNamespace())
                    .withName(collection.getMetadata().getName())
                    .editStatus(c -> {
                        DynamoCollectionStatus s = c.getStatus() == null ? new DynamoCollectionStatus() : c.getStatus();
                        s.setCondition(new Condition(type, status, reason, message, generation), clock.instant());
                        c.setStatus(s);
                        return c;
                    });
        } catch (KubernetesClientException e) {
            LOG.debug(
                    "could not write the status of {}/{}: {}",
                    collection.getMetadata().getNamespace(),
                    collection.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
