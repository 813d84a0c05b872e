package io.dynamosync.api.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.dynamosync.api.v1alpha1.Patterns;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's settings file: the contract between the operator, which writes it into the
 * collection's ConfigMap, and the worker, which reads it at start ({@code worker run --config}).
 * Secrets are never in it: access keys come from the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}) and the
 * query API key from {@code DYNAMOSYNC_API_KEY}.
 *
 * @param collection the collection's name, which is also its SQL table name
 * @param table DynamoDB table name or ARN
 * @param region AWS region of the table
 * @param endpoints endpoint overrides (VPC endpoints, local testing); null for AWS's own
 * @param credentials how the worker gets AWS credentials
 * @param s3 bucket and prefix for exports, and how to talk to the S3 endpoint
 * @param load how the initial load reads the table
 * @param ingestTransformation SQL over {@code _input}; null for none
 * @param ignoreTtlDeletes keep documents that DynamoDB's time-to-live deleted
 * @param dataDirectory where the store lives (the volume's mount point)
 * @param http the HTTP server's port and query limits
 * @param stream stream-following options
 * @param loadGeneration which build of the store these settings ask for, starting at 1. The operator
 *     raises it when a change to the spec (the transformation, the table) makes the documents
 *     already stored wrong; a worker whose store was built for another value discards the store
 *     and loads the table again. Changes that do not touch stored documents (the RCU cap, scan
 *     segments) keep it, so the worker resumes from its checkpoint. Null is read as 1, so
 *     settings written before the field existed keep their store.
 * @param duckdb the memory and threads DuckDB may use; null to size both from the container
 * @param retention how long documents are kept, counted from their {@code _event_time}, as the collection's
 *     {@code spec.retention} says it ({@code 30d}, {@code 12h}; see {@link #retentionDuration()}); null to keep them
 *     for good
 * @param verify how the worker checks its replica against the table; null for the defaults (no schedule, checks
 *     on request only)
 * @param iceberg where and how often to publish the collection as an Iceberg table; null to publish nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record WorkerSettings(
        String collection,
        String table,
        String region,
        Endpoints endpoints,
        Credentials credentials,
        S3 s3,
        Load load,
        String ingestTransformation,
        Boolean ignoreTtlDeletes,
        String dataDirectory,
        Http http,
        Stream stream,
        Long loadGeneration,
        Duckdb duckdb,
        String retention,
        Verify verify,
        Iceberg iceberg) {

    /** Settings without retention, verification or publishing (the defaults), as written before those fields existed. */
    public WorkerSettings(
            String collection,
            String table,
            String region,
            Endpoints endpoints,
            Credentials credentials,
            S3 s3,
            Load load,
            String ingestTransformation,
            Boolean ignoreTtlDeletes,
            String dataDirectory,
            Http http,
            Stream stream,
            Long loadGeneration,
            Duckdb duckdb) {
        this(
                collection,
                table,
                region,
                endpoints,
                credentials,
                s3,
                load,
                ingestTransformation,
                ignoreTtlDeletes,
                dataDirectory,
                http,
                stream,
                loadGeneration,
                duckdb,
                null,
                null,
                null);
    }

    /** The units a retention may be written in, by their letter. */
    private static final Map<Character, ChronoUnit> RETENTION_UNITS = Map.of(
            's', ChronoUnit.SECONDS,
            'm', ChronoUnit.MINUTES,
            'h', ChronoUnit.HOURS,
            'd', ChronoUnit.DAYS);

    /**
     * The retention as a duration, empty when documents are kept for good.
     *
     * @throws IllegalArgumentException when it does not match {@link Patterns#RETENTION}
     */
    public Optional<Duration> retentionDuration() {
        if (retention == null) {
            return Optional.empty();
        }
        if (!retention.matches(Patterns.RETENTION)) {
            throw new IllegalArgumentException("retention must be a whole number of seconds, minutes, hours or days "
                    + "such as 30d or 12h, was '" + retention + "'");
        }
        long amount = Long.parseLong(retention.substring(0, retention.length() - 1));
        return Optional.of(Duration.of(amount, RETENTION_UNITS.get(retention.charAt(retention.length() - 1))));
    }

    /** Endpoint URLs that replace AWS's; each may be null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Endpoints(String dynamodb, String streams, String s3, String sts) {}

    /**
     * Where credentials come from: {@code Default} (the SDK's default chain: environment, web
     * identity, instance profile), or {@code AssumeRole} ({@code roleArn} and {@code externalId},
     * assumed from the default chain's identity).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credentials(String source, String roleArn, String externalId) {}

    /**
     * Export bucket and prefix; {@code checksumWhenRequired} for S3-compatible stores that refuse
     * the SDK's default checksums; {@code forcePathStyle} for stores without virtual-host buckets.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record S3(String bucket, String prefix, Boolean checksumWhenRequired, Boolean forcePathStyle) {

        /**
         * The folder, below an integration's prefix, that one collection's exports are written to:
         * {@code <prefix>/<namespace>/<collection>/}. Each collection gets its own, so that deleting one
         * collection's files never touches another's.
         */
        public static String folder(String integrationPrefix, String namespace, String collection) {
            String base = integrationPrefix == null || integrationPrefix.isEmpty()
                    ? ""
                    : integrationPrefix.endsWith("/") ? integrationPrefix : integrationPrefix + "/";
            return base + namespace + "/" + collection + "/";
        }
    }

    /**
     * The initial load.
     *
     * @param method {@code Auto}, {@code Scan} or {@code Export}
     * @param readCapacityUnits scan cap in RCU per second; null with a percent, or for the default
     * @param readCapacityPercent scan cap as a percent of provisioned RCU (provisioned tables only)
     * @param scanSegments parallel scan segments; null to pick from the table's size
     * @param exportThresholdBytes the table size from which Auto exports
     *     ({@link #DEFAULT_EXPORT_THRESHOLD_BYTES} by default)
     * @param enablePointInTimeRecovery turn point-in-time recovery on for an export where it is off
     * @param cleanupExport delete the export's files once the load has committed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Load(
            String method,
            Double readCapacityUnits,
            Integer readCapacityPercent,
            Integer scanSegments,
            Long exportThresholdBytes,
            Boolean enablePointInTimeRecovery,
            Boolean cleanupExport) {

        /** The table size from which Auto exports rather than scans: 5 GB, as the design states. */
        public static final long DEFAULT_EXPORT_THRESHOLD_BYTES = 5_000_000_000L;

        /** The scan's cap on a provisioned table when none is set: this percent of its provisioned read capacity. */
        public static final int DEFAULT_PERCENT_OF_PROVISIONED = 50;

        /**
         * The scan's cap on an on-demand table when no units are set, in read capacity units a second: an
         * on-demand table has no provisioned capacity to take a percent of, and an uncapped scan would bill for,
         * and may throttle, whatever the table can serve.
         */
        public static final int DEFAULT_ON_DEMAND_UNITS = 1000;
    }

    /** HTTP port, and the limits every query runs under. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(Integer port, Integer queryTimeoutSeconds, Integer queryMaxRows) {

        /** The query time limit when none is set, in seconds. */
        public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 30;

        /** The most rows a query answers when no limit is set. */
        public static final int DEFAULT_QUERY_MAX_ROWS = 10_000;
    }

    /**
     * Stream following.
     *
     * @param retentionHours how long the stream keeps records (24 on AWS; shorter in tests)
     * @param follow whether the stream is followed after the load; null for true (false: a snapshot collection)
     * @param onGap what a gap in the stream does: {@link #RELOAD} (null) or {@link #FAIL}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stream(Double retentionHours, Boolean follow, String onGap) {

        /** A gap in the stream loads the table again. */
        public static final String RELOAD = "Reload";

        /** A gap in the stream stops following and keeps the replica as it was. */
        public static final String FAIL = "Fail";

        public Stream(Double retentionHours) {
            this(retentionHours, null, null);
        }

        /** Whether the stream is followed after the load. */
        public boolean follows() {
            return !Boolean.FALSE.equals(follow);
        }

        /** Whether a gap in the stream stops following rather than loading again. */
        public boolean failsOnGap() {
            return FAIL.equals(onGap);
        }
    }

    /**
     * What DuckDB may use, for queries and the store's writes together.
     *
     * @param memoryLimit e.g. {@code 2GiB}, {@code 1536Mi} or {@code 512MB}; null for the container's
     *     memory less the JVM's heap, three quarters of it
     * @param threads DuckDB's worker threads; null for the processors the container may use
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Duckdb(String memoryLimit, Integer threads) {}

    /**
     * Verification of the replica: the worker reads a sample of the table's scan segments (or all of them) with
     * strongly consistent reads, compares each item with its document, checks a difference again once the stream
     * has passed the time of the read, and repairs what still differs from the table's own reading.
     *
     * @param intervalMinutes minutes between scheduled verifications; null or 0 for none (only on request)
     * @param segmentsPercent the share of the table read each time, as a percent of {@link #TOTAL_SEGMENTS}
     *     segments, 1 to 100 ({@link #DEFAULT_SEGMENTS_PERCENT} by default); at 100 documents the table no longer
     *     holds are found too
     * @param readCapacityUnits the cap on what verification reads consume, in read capacity units a second
     *     ({@link #DEFAULT_READ_CAPACITY_UNITS} by default), apart from the load's
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verify(Integer intervalMinutes, Integer segmentsPercent, Double readCapacityUnits) {

        /** The segments a verification divides the table into; a percent of them is read each time. */
        public static final int TOTAL_SEGMENTS = 100;

        /** The share of the table a verification reads when none is set, in percent. */
        public static final int DEFAULT_SEGMENTS_PERCENT = 10;

        /** The read capacity verification may consume when no cap is set, in units a second. */
        public static final int DEFAULT_READ_CAPACITY_UNITS = 10;
    }

    /**
     * The collection's Iceberg table and the catalog it is published to. The catalog's user and password are never
     * in the file: they come from {@link #CATALOG_USER_ENV} and {@link #CATALOG_PASSWORD_ENV}. The warehouse is
     * reached with the worker's AWS credentials, through {@link Endpoints#s3()} and {@link S3}'s addressing options.
     *
     * @param catalogType {@code Jdbc}, {@code Rest} or {@code Glue}
     * @param catalogUri the JDBC URL or REST endpoint; null for Glue
     * @param catalogName the catalog's name
     * @param warehouse the S3 location tables are written under
     * @param table the table, {@code namespace.table}
     * @param commitIntervalSeconds how often changes are committed ({@link #DEFAULT_COMMIT_INTERVAL_SECONDS} when null)
     * @param keepSnapshotsSeconds how long a replaced snapshot stays readable before it expires
     *     ({@link #DEFAULT_KEEP_SNAPSHOTS_SECONDS} when null)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Iceberg(
            String catalogType,
            String catalogUri,
            String catalogName,
            String warehouse,
            String table,
            Long commitIntervalSeconds,
            Long keepSnapshotsSeconds) {

        /** The environment variable holding the catalog's user, set from the integration's Secret. */
        public static final String CATALOG_USER_ENV = "DYNAMOSYNC_ICEBERG_CATALOG_USER";
        /** The environment variable holding the catalog's password, set from the integration's Secret. */
        public static final String CATALOG_PASSWORD_ENV = "DYNAMOSYNC_ICEBERG_CATALOG_PASSWORD";
        /** One minute, the interval a collection gets when its spec names none. */
        public static final long DEFAULT_COMMIT_INTERVAL_SECONDS = 60;
        /** One hour, how long replaced snapshots stay readable when the spec says nothing. */
        public static final long DEFAULT_KEEP_SNAPSHOTS_SECONDS = 3600;

        /** {@link #commitIntervalSeconds()}, or the default. */
        public long commitIntervalOrDefault() {
            return commitIntervalSeconds == null ? DEFAULT_COMMIT_INTERVAL_SECONDS : commitIntervalSeconds;
        }

        /** {@link #keepSnapshotsSeconds()}, or the default. */
        public long keepSnapshotsOrDefault() {
            return keepSnapshotsSeconds == null ? DEFAULT_KEEP_SNAPSHOTS_SECONDS : keepSnapshotsSeconds;
        }
    }
}
