package io.dynamosync.worker.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dynamosync.api.worker.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
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
        long loadGeneration) {

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
            throw new SettingsException("settings file " + file + " is not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
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
            throw new SettingsException("table '" + raw.table() + "' is neither a table name (3-255 of a-z A-Z 0-9 _ . -) nor a table ARN");
        }
        require(raw.region(), "region");
        WorkerSettings.Credentials credentials = raw.credentials() == null
                ? new WorkerSettings.Credentials("Default", null, null) : raw.credentials();
        String source = credentials.source() == null ? "Default" : credentials.source();
        if (!SOURCES.contains(source)) {
            throw new SettingsException("credentials.source must be one of Default, AssumeRole, was '" + source + "'");
        }
        if (source.equals("AssumeRole") && (credentials.roleArn() == null || credentials.roleArn().isBlank())) {
            throw new SettingsException("credentials.roleArn is required when credentials.source is AssumeRole");
        }
        WorkerSettings.Load load = raw.load() == null
                ? new WorkerSettings.Load(null, null, null, null, null, null, null) : raw.load();
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
        if (load.readCapacityPercent() != null && (load.readCapacityPercent() < 1 || load.readCapacityPercent() > 100)) {
            throw new SettingsException("load.readCapacityPercent must be 1 to 100, was " + load.readCapacityPercent());
        }
        if (load.scanSegments() != null && (load.scanSegments() < 1 || load.scanSegments() > 1_000_000)) {
            throw new SettingsException("load.scanSegments must be 1 to 1000000, was " + load.scanSegments());
        }
        WorkerSettings.S3 s3 = raw.s3();
        if (method.equals("Export") && (s3 == null || s3.bucket() == null || s3.bucket().isBlank())) {
            throw new SettingsException("load.method Export needs s3.bucket, the bucket the export is written to");
        }
        WorkerSettings.Http http = raw.http() == null ? new WorkerSettings.Http(null, null, null) : raw.http();
        int port = http.port() == null ? 8080 : http.port();
        if (port < 0 || port > 65535) {
            throw new SettingsException("http.port must be 0 to 65535, was " + port);
        }
        double retention = raw.stream() == null || raw.stream().retentionHours() == null ? 24 : raw.stream().retentionHours();
        if (!(retention > 0)) {
            throw new SettingsException("stream.retentionHours must be more than 0, was " + retention);
        }
        return new Settings(raw.collection(), raw.table(), raw.region(), raw.endpoints(),
                new WorkerSettings.Credentials(source, credentials.roleArn(), credentials.externalId()), s3, method,
                load.readCapacityUnits(), load.readCapacityPercent(), load.scanSegments(),
                load.exportThresholdBytes() == null ? DEFAULT_EXPORT_THRESHOLD : load.exportThresholdBytes(),
                Boolean.TRUE.equals(load.enablePointInTimeRecovery()), Boolean.TRUE.equals(load.cleanupExport()),
                raw.ingestTransformation(), Boolean.TRUE.equals(raw.ignoreTtlDeletes()),
                Path.of(raw.dataDirectory() == null ? "/data" : raw.dataDirectory()), port,
                http.queryTimeoutSeconds() == null ? 30 : http.queryTimeoutSeconds(),
                http.queryMaxRows() == null ? 10_000 : http.queryMaxRows(), retention,
                raw.loadGeneration() == null ? 1 : raw.loadGeneration());
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
