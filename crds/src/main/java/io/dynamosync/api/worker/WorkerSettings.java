package io.dynamosync.api.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

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
        Iceberg iceberg) {

    /** Settings that publish no Iceberg table, as written before that field existed. */
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
                null);
    }

    /** Settings without DuckDB limits (sized from the container), as written before that field existed. */
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
            Long loadGeneration) {
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
                null,
                null);
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
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stream(Double retentionHours) {}

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
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Iceberg(
            String catalogType,
            String catalogUri,
            String catalogName,
            String warehouse,
            String table,
            Long commitIntervalSeconds) {

        /** The environment variable holding the catalog's user, set from the integration's Secret. */
        public static final String CATALOG_USER_ENV = "DYNAMOSYNC_ICEBERG_CATALOG_USER";
        /** The environment variable holding the catalog's password, set from the integration's Secret. */
        public static final String CATALOG_PASSWORD_ENV = "DYNAMOSYNC_ICEBERG_CATALOG_PASSWORD";
        /** One minute, the interval a collection gets when its spec names none. */
        public static final long DEFAULT_COMMIT_INTERVAL_SECONDS = 60;

        /** {@link #commitIntervalSeconds()}, or the default. */
        public long commitIntervalOrDefault() {
            return commitIntervalSeconds == null ? DEFAULT_COMMIT_INTERVAL_SECONDS : commitIntervalSeconds;
        }
    }
}
