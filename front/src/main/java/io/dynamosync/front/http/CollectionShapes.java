package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.dynamosync.api.v1alpha1.Phase;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Collections and workspaces in the hosted service's shapes ({@code Collection}, {@code Workspace}), from the
 * {@code DynamoCollection} resource: its status is what the operator copied from the worker's {@code /status}.
 */
final class CollectionShapes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CollectionShapes() {}

    /** The hosted service's {@code Collection}. */
    static ObjectNode collection(DynamoCollection resource, String workspace) {
        DynamoCollectionSpec spec = resource.getSpec();
        DynamoCollectionStatus status = resource.getStatus();
        ObjectNode c = JSON.createObjectNode();
        c.put("name", resource.getMetadata().getName());
        c.put("workspace", workspace);
        c.put("description", "mirror of DynamoDB table " + spec.getTable() + ", managed with kubectl");
        c.put("created_at", resource.getMetadata().getCreationTimestamp());
        c.put("status", collectionStatus(resource));
        c.put("read_only", true);
        c.put("insert_only", false);
        ObjectNode stats = c.putObject("stats");
        if (status != null) {
            putIfSet(stats, "doc_count", status.getDocuments());
            putIfSet(stats, "total_size", status.getStoreBytes());
            Long lastEvent = millis(status.getLastEventTime());
            putIfSet(stats, "last_updated_ms", lastEvent);
            if (status.getLoadPercent() != null) {
                stats.put("fill_progress", status.getLoadPercent() / 100.0);
            }
        }
        if (spec.getIngestTransformation() != null) {
            c.putObject("field_mapping_query").put("sql", spec.getIngestTransformation());
        }
        ObjectNode source = c.putArray("sources").addObject();
        source.put(
                "id",
                resource.getMetadata().getUid() == null
                        ? resource.getMetadata().getName()
                        : resource.getMetadata().getUid());
        if (spec.getIntegrationRef() != null) {
            source.put("integration_name", spec.getIntegrationRef().getName());
        }
        ObjectNode dynamodb = source.putObject("dynamodb");
        dynamodb.put("table_name", spec.getTable());
        dynamodb.put("use_scan_api", spec.getLoadMethod() == LoadMethod.SCAN);
        String state = sourceState(status);
        ObjectNode current = dynamodb.putObject("current_status");
        current.put("state", state);
        ObjectNode legacy = dynamodb.putObject("status");
        legacy.put("state", legacyState(state));
        if (status != null) {
            if (status.getLoadPercent() != null) {
                current.put("initial_dump_completion_percentage", status.getLoadPercent());
            }
            if (status.getLastEventTime() != null) {
                current.put("stream_last_processed_at", status.getLastEventTime());
                legacy.put("stream_last_processed_at", status.getLastEventTime());
            }
            putIfSet(legacy, "scan_records_processed", status.getItemsLoaded());
            putIfSet(legacy, "scan_total_records", status.getItemsEstimated());
        }
        return c;
    }

    /** The hosted service's {@code Workspace}. */
    static ObjectNode workspace(String name, long collections) {
        ObjectNode w = JSON.createObjectNode();
        w.put("name", name);
        w.put("description", name.equals("commons") ? "the workspace of bare collection names" : "namespace " + name);
        w.put("collection_count", collections);
        return w;
    }

    /** READY once the collection is ready; PAUSED while suspended; DELETED while being deleted; else CREATED. */
    static String collectionStatus(DynamoCollection resource) {
        if (resource.getMetadata().getDeletionTimestamp() != null) {
            return "DELETED";
        }
        if (Boolean.TRUE.equals(resource.getSpec().getSuspend())) {
            return "PAUSED";
        }
        DynamoCollectionStatus status = resource.getStatus();
        boolean ready = status != null
                && status.getConditions() != null
                && status.getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return ready ? "READY" : "CREATED";
    }

    /**
     * The DynamoDB source's state: {@code SCANNING} during a scan, {@code EXPORTING_TO_S3} while the export is
     * made, {@code DOWNLOADING_FROM_S3} once its files are being read, {@code PROCESSING_STREAM} once loaded, and
     * {@code INITIALIZING} before.
     */
    static String sourceState(DynamoCollectionStatus status) {
        Phase phase = status == null ? null : status.getPhase();
        if (phase == null) {
            return "INITIALIZING";
        }
        return switch (phase) {
            case SCANNING -> "SCANNING";
            case EXPORTING ->
                status.getItemsLoaded() != null && status.getItemsLoaded() > 0
                        ? "DOWNLOADING_FROM_S3"
                        : "EXPORTING_TO_S3";
            case STREAMING -> "PROCESSING_STREAM";
            default -> loaded(status) ? "PROCESSING_STREAM" : "INITIALIZING";
        };
    }

    private static boolean loaded(DynamoCollectionStatus status) {
        if (status.getConditions() == null) {
            return false;
        }
        for (Condition c : status.getConditions()) {
            if ("InitialLoadComplete".equals(c.getType()) && "True".equals(c.getStatus())) {
                return true;
            }
        }
        return false;
    }

    /** The older {@code status.state}, which knows three states. */
    private static String legacyState(String state) {
        return switch (state) {
            case "PROCESSING_STREAM" -> "PROCESSING_STREAM";
            case "INITIALIZING" -> "INITIALIZING";
            default -> "SCANNING_TABLE";
        };
    }

    private static void putIfSet(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Long millis(String instant) {
        if (instant == null) {
            return null;
        }
        try {
            return Instant.parse(instant).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
