package io.dynamosync.worker.it;

import io.dynamosync.testkit.LocalAws;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Settings files for workers pointed at the test kit, as the operator would write them. */
public final class WorkerSettingsFor {

    private WorkerSettingsFor() {}

    /** Settings for a collection of {@code table}; {@code load} holds the load options. */
    public static Map<String, Object> settings(LocalAws aws, String table, Path data, Map<String, Object> load) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("collection", "orders");
        settings.put("table", table);
        settings.put("region", LocalAws.REGION.id());
        settings.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString(),
                        "s3",
                        aws.s3Endpoint().toString()));
        settings.put("dataDirectory", data.toString());
        settings.put("load", load);
        return settings;
    }

    /** The same settings with an S3 bucket for exports. */
    public static Map<String, Object> withBucket(Map<String, Object> settings, String bucket) {
        Map<String, Object> copy = new LinkedHashMap<>(settings);
        copy.put(
                "s3",
                Map.of("bucket", bucket, "prefix", "exports", "checksumWhenRequired", true, "forcePathStyle", true));
        return copy;
    }
}
