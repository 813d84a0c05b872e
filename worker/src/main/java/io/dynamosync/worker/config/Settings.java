package io.dynamosync.worker.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dynamosync.api.worker.WorkerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's settings, read from the file the operator mounts (JSON or YAML), checked whole
 * before anything starts, and with every default filled in, so the rest of the worker never
 * meets a missing value.
 */
public record Settings(
        String collection,
        String table,
        String region,
        WorkerSettings.Endpoints endpoints,
        WorkerSettings.Credentials credentials,
        WorkerSettings.S3 s3,
        String loadMethod,
        Double readCapacityUnits,
        Integer readCapacityPercent,
        Integer scanSegments,
        long exportThresholdBytes,
        boolean enablePointInTimeRecovery,
        boolean cleanupExport,
        String ingestTransformation,
        boolean ignoreTtlDeletes,
        Path dataDirectory,
        int httpPort,
        int queryTimeoutSeconds,
        int queryMaxRows,
        double streamRetentionHours,
        boolean followStream,
        boolean failOnStreamGap,
        long loadGeneration,
        Long duckdbMemoryLimitBytes,
        Integer duckdbThreads,
        String retention,
        Duration retentionPeriod,
        int verifyIntervalMinutes,
        int verifySegmentsPercent,
        double verifyReadCapacityUnits,
        WorkerSettings.Iceberg iceberg) {

    // The defaults the operator and the CRD describe too: one source, in the worker contract.
    /** Auto switches from Scan to Export at this table size: 5 GB. */
    public static final long DEFAULT_EXPORT_THRESHOLD = WorkerSettings.Load.DEFAULT_EXPORT_THRESHOLD_BYTES;
    /** The scan cap of an on-demand table when the collection sets none, in RCU per second. */
    public static final double DEFAULT_ON_DEMAND_UNITS = WorkerSettings.Load.DEFAULT_ON_DEMAND_UNITS;
    /** The scan cap of a provisioned table when the collection sets none: half its read capacity. */
    public static final int DEFAULT_PERCENT = WorkerSettings.Load.DEFAULT_PERCENT_OF_PROVISIONED;

    private static final Pattern COLLECTION = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern TABLE = Pattern.compile(
            "[a-zA-Z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\\d{12}:table/[a-zA-Z0-9_.-]{3,255}");
    /**
     * An AWS region's shape: {@code us-east-1}, {@code us-gov-west-1}, {@code cn-northwest-1}. Checked here,
     * since the SDK takes any text and fails later, deep inside a client, with a stack trace.
     */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    /** S3's bucket naming rules, in short: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** A size as Kubernetes ({@code 2Gi}, {@code 512M}) or DuckDB ({@code 2GiB}, {@code 512MB}) writes it. */
    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(i?)(B?)", Pattern.CASE_INSENSITIVE);

    private static final Pattern ICEBERG_TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,127}\\.[a-z_][a-z0-9_]{0,127}");
    private static final Set<String> CATALOG_TYPES = Set.of("Jdbc", "Rest", "Glue");
    private static final Set<String> METHODS = Set.of("Auto", "Scan", "Export");
    private static final Set<String> SOURCES = Set.of("Default", "AssumeRole");

    /** Reads and checks a settings file. */
    public static Settings load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SettingsException("settings file " + file + " does not exist");
        } catch (IOException e) {
            throw new SettingsException("cannot read settings file " + file + ": " + e.getMessage(), e);
        }
        boolean json = text.stripLeading().startsWith("{");
        ObjectMapper mapper = (json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        WorkerSettings raw;
        try {
            raw = mapper.readValue(text, WorkerSettings.class);
        } catch (UnrecognizedPropertyException e) {
            throw new SettingsException("settings file " + file + ": unknown setting '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new SettingsException(
                    "settings file " + file + " is not valid " + (json ? "JSON" : "YAML") + ": "
                            + e.getOriginalMessage().lines().findFirst().orElse(""),
                    e);
        } catch (IOException e) {
            throw new SettingsException("cannot read settings file " + file + ": " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new SettingsException("settings file " + file + " is empty");
        }
        return of(raw);
    }

    /** Checks settings and fills in defaults. */
    public static Settings of(WorkerSettings raw) {
        require(raw.collection(), "collection");
        if (!COLLECTION.matcher(raw.collection()).matches()) {
            throw new SettingsException("collection '" + raw.collection()
                    + "' must be a Kubernetes name: lower-case letters, digits and '-', at most 63 characters");
        }
        require(raw.table(), "table");
        if (!TABLE.matcher(raw.table()).matches()) {
            throw new SettingsException(
                    "table '" + raw.table() + "' is neither a table name (3-255 of a-z A-Z 0-9 _ . -) nor a table ARN");
        }
        require(raw.region(), "region");
        if (!REGION.matcher(raw.region()).matches()) {
            throw new SettingsException("region must be an AWS region such as us-east-1, was '" + raw.region() + "'");
        }
        checkEndpoints(raw.endpoints());
        WorkerSettings.Credentials credentials =
                raw.credentials() == null ? new WorkerSettings.Credentials("Default", null, null) : raw.credentials();
        String source = credentials.source() == null ? "Default" : credentials.source();
        if (!SOURCES.contains(source)) {
            throw new SettingsException("credentials.source must be one of Default, AssumeRole, was '" + source + "'");
        }
        if (source.equals("AssumeRole")
                && (credentials.roleArn() == null || credentials.roleArn().isBlank())) {
            throw new SettingsException("credentials.roleArn is required when credentials.source is AssumeRole");
        }
        if (credentials.roleArn() != null
                && !ROLE_ARN.matcher(credentials.roleArn()).matches()) {
            throw new SettingsException("credentials.roleArn must be an IAM role ARN such as "
                    + "arn:aws:iam::123456789012:role/dynamo-sync, was '" + credentials.roleArn() + "'");
        }
        WorkerSettings.Load load =
                raw.load() == null ? new WorkerSettings.Load(null, null, null, null, null, null, null) : raw.load();
        String method = load.method() == null ? "Auto" : load.method();
        if (!METHODS.contains(method)) {
            throw new SettingsException("load.method must be one of Auto, Scan, Export, was '" + method + "'");
        }
        if (load.readCapacityUnits() != null && load.readCapacityPercent() != null) {
            throw new SettingsException("set one of load.readCapacityUnits and load.readCapacityPercent, not both");
        }
        if (load.readCapacityUnits() != null && !(load.readCapacityUnits() > 0)) {
            throw new SettingsException("load.readCapacityUnits must be more than 0, was " + load.readCapacityUnits());
        }
        if (load.readCapacityPercent() != null
                && (load.readCapacityPercent() < 1 || load.readCapacityPercent() > 100)) {
            throw new SettingsException("load.readCapacityPercent must be 1 to 100, was " + load.readCapacityPercent());
        }
        if (load.scanSegments() != null && (load.scanSegments() < 1 || load.scanSegments() > 1_000_000)) {
            throw new SettingsException("load.scanSegments must be 1 to 1000000, was " + load.scanSegments());
        }
        if (load.exportThresholdBytes() != null && load.exportThresholdBytes() < 0) {
            throw new SettingsException(
                    "load.exportThresholdBytes must be 0 or more, was " + load.exportThresholdBytes());
        }
        WorkerSettings.S3 s3 = raw.s3();
        if (method.equals("Export")
                && (s3 == null || s3.bucket() == null || s3.bucket().isBlank())) {
            throw new SettingsException("load.method Export needs s3.bucket, the bucket the export is written to");
        }
        if (s3 != null && s3.bucket() != null && !BUCKET.matcher(s3.bucket()).matches()) {
            throw new SettingsException(
                    "s3.bucket must be an S3 bucket name (3 to 63 of a-z 0-9 . -), was '" + s3.bucket() + "'");
        }
        WorkerSettings.Http http = raw.http() == null ? new WorkerSettings.Http(null, null, null) : raw.http();
        int port = http.port() == null ? 8080 : http.port();
        if (port < 0 || port > 65535) {
            throw new SettingsException("http.port must be 0 to 65535, was " + port);
        }
        if (http.queryTimeoutSeconds() != null && http.queryTimeoutSeconds() < 1) {
            throw new SettingsException(
                    "http.queryTimeoutSeconds must be 1 or more, was " + http.queryTimeoutSeconds());
        }
        if (http.queryMaxRows() != null && http.queryMaxRows() < 1) {
            throw new SettingsException("http.queryMaxRows must be 1 or more, was " + http.queryMaxRows());
        }
        double retention = raw.stream() == null || raw.stream().retentionHours() == null
                ? 24
                : raw.stream().retentionHours();
        if (!(retention > 0)) {
            throw new SettingsException("stream.retentionHours must be more than 0, was " + retention);
        }
        WorkerSettings.Stream stream = raw.stream() == null ? new WorkerSettings.Stream(null) : raw.stream();
        if (stream.onGap() != null
                && !stream.onGap().equals(WorkerSettings.Stream.RELOAD)
                && !stream.onGap().equals(WorkerSettings.Stream.FAIL)) {
            throw new SettingsException("stream.onGap must be " + WorkerSettings.Stream.RELOAD + " or "
                    + WorkerSettings.Stream.FAIL + ", was '" + stream.onGap() + "'");
        }
        Duration retentionPeriod;
        try {
            retentionPeriod = raw.retentionDuration().orElse(null);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
        if (raw.loadGeneration() != null && raw.loadGeneration() < 1) {
            throw new SettingsException("loadGeneration must be 1 or more, was " + raw.loadGeneration());
        }
        WorkerSettings.Duckdb duckdb = raw.duckdb() == null ? new WorkerSettings.Duckdb(null, null) : raw.duckdb();
        Long memoryLimit = duckdb.memoryLimit() == null ? null : bytes(duckdb.memoryLimit(), "duckdb.memoryLimit");
        if (memoryLimit != null && memoryLimit < 64L * 1024 * 1024) {
            throw new SettingsException("duckdb.memoryLimit must be at least 64Mi, was '" + duckdb.memoryLimit() + "'");
        }
        if (duckdb.threads() != null && (duckdb.threads() < 1 || duckdb.threads() > 1024)) {
            throw new SettingsException("duckdb.threads must be 1 to 1024, was " + duckdb.threads());
        }
        WorkerSettings.Verify verify =
                raw.verify() == null ? new WorkerSettings.Verify(null, null, null) : raw.verify();
        if (verify.intervalMinutes() != null && verify.intervalMinutes() < 0) {
            throw new SettingsException("verify.intervalMinutes must be 0 or more, was " + verify.intervalMinutes());
        }
        if (verify.segmentsPercent() != null && (verify.segmentsPercent() < 1 || verify.segmentsPercent() > 100)) {
            throw new SettingsException("verify.segmentsPercent must be 1 to 100, was " + verify.segmentsPercent());
        }
        if (verify.readCapacityUnits() != null && !(verify.readCapacityUnits() > 0)) {
            throw new SettingsException(
                    "verify.readCapacityUnits must be more than 0, was " + verify.readCapacityUnits());
        }
        WorkerSettings.Iceberg iceberg = checkIceberg(raw.iceberg());
        return new Settings(
                raw.collection(),
                raw.table(),
                raw.region(),
                raw.endpoints(),
                new WorkerSettings.Credentials(source, credentials.roleArn(), credentials.externalId()),
                s3,
                method,
                load.readCapacityUnits(),
                load.readCapacityPercent(),
                load.scanSegments(),
                load.exportThresholdBytes() == null ? DEFAULT_EXPORT_THRESHOLD : load.exportThresholdBytes(),
                Boolean.TRUE.equals(load.enablePointInTimeRecovery()),
                Boolean.TRUE.equals(load.cleanupExport()),
                raw.ingestTransformation(),
                Boolean.TRUE.equals(raw.ignoreTtlDeletes()),
                Path.of(raw.dataDirectory() == null ? "/data" : raw.dataDirectory()),
                port,
                http.queryTimeoutSeconds() == null
                        ? WorkerSettings.Http.DEFAULT_QUERY_TIMEOUT_SECONDS
                        : http.queryTimeoutSeconds(),
                http.queryMaxRows() == null ? WorkerSettings.Http.DEFAULT_QUERY_MAX_ROWS : http.queryMaxRows(),
                retention,
                stream.follows(),
                stream.failsOnGap(),
                raw.loadGeneration() == null ? 1 : raw.loadGeneration(),
                memoryLimit,
                duckdb.threads(),
                raw.retention(),
                retentionPeriod,
                verify.intervalMinutes() == null ? 0 : verify.intervalMinutes(),
                verify.segmentsPercent() == null
                        ? WorkerSettings.Verify.DEFAULT_SEGMENTS_PERCENT
                        : verify.segmentsPercent(),
                verify.readCapacityUnits() == null
                        ? WorkerSettings.Verify.DEFAULT_READ_CAPACITY_UNITS
                        : verify.readCapacityUnits(),
                iceberg);
    }

    /** Publishing's settings, checked, with the interval filled in; null when the collection publishes nothing. */
    private static WorkerSettings.Iceberg checkIceberg(WorkerSettings.Iceberg iceberg) {
        if (iceberg == null) {
            return null;
        }
        require(iceberg.table(), "iceberg.table");
        if (!ICEBERG_TABLE.matcher(iceberg.table()).matches()) {
            throw new SettingsException(
                    "iceberg.table must be namespace.table in lower-case letters, digits and _, was '" + iceberg.table()
                            + "'");
        }
        String type = iceberg.catalogType() == null ? "Jdbc" : iceberg.catalogType();
        if (!CATALOG_TYPES.contains(type)) {
            throw new SettingsException("iceberg.catalogType must be one of Jdbc, Rest, Glue, was '" + type + "'");
        }
        if (!type.equals("Glue")) {
            require(iceberg.catalogUri(), "iceberg.catalogUri");
        }
        require(iceberg.warehouse(), "iceberg.warehouse");
        if (!iceberg.warehouse().startsWith("s3://") && !iceberg.warehouse().startsWith("s3a://")) {
            throw new SettingsException(
                    "iceberg.warehouse must be an s3:// location, was '" + iceberg.warehouse() + "'");
        }
        long interval = iceberg.commitIntervalOrDefault();
        if (interval < 1) {
            throw new SettingsException("iceberg.commitIntervalSeconds must be 1 or more, was " + interval);
        }
        long keep = iceberg.keepSnapshotsOrDefault();
        if (keep < 1) {
            throw new SettingsException("iceberg.keepSnapshotsSeconds must be 1 or more, was " + keep);
        }
        return new WorkerSettings.Iceberg(
                type,
                iceberg.catalogUri(),
                iceberg.catalogName() == null ? "dynamosync" : iceberg.catalogName(),
                iceberg.warehouse(),
                iceberg.table(),
                interval,
                keep);
    }

    /** Endpoints must be absolute http or https URLs with a host; the SDK would fail later, less clearly. */
    private static void checkEndpoints(WorkerSettings.Endpoints endpoints) {
        if (endpoints == null) {
            return;
        }
        checkEndpoint(endpoints.dynamodb(), "endpoints.dynamodb");
        checkEndpoint(endpoints.streams(), "endpoints.streams");
        checkEndpoint(endpoints.s3(), "endpoints.s3");
        checkEndpoint(endpoints.sts(), "endpoints.sts");
    }

    private static void checkEndpoint(String value, String name) {
        if (value == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new SettingsException(
                    name + " must be an http or https URL such as https://dynamodb.us-east-1.amazonaws.com, was '"
                            + value + "'");
        }
    }

    /** A size in bytes, from Kubernetes' units (Ki, Mi, Gi, Ti; k, M, G, T) or DuckDB's (KiB, MB...). */
    static long bytes(String value, String name) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw new SettingsException(name + " must be a size such as 2Gi, 1536Mi or 512MB, was '" + value + "'");
        }
        int power = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "K" -> 1;
            case "M" -> 2;
            case "G" -> 3;
            case "T" -> 4;
            default -> 0;
        };
        double base = m.group(3).isEmpty() ? 1000 : 1024;
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(base, power));
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new SettingsException("setting '" + name + "' is required");
        }
    }

    /** The table's name, also when the setting is an ARN. */
    public String tableName() {
        return table.startsWith("arn:") ? table.substring(table.lastIndexOf('/') + 1) : table;
    }

    /**
     * Where exports are written: the settings' prefix, which the operator makes the collection's
     * own folder; {@code dynamo-sync/<collection>} when the settings give none.
     */
    public String exportPrefix() {
        String prefix = s3 == null || s3.prefix() == null ? "" : s3.prefix().replaceAll("/+$", "");
        return prefix.isEmpty() ? "dynamo-sync/" + collection : prefix;
    }
}
