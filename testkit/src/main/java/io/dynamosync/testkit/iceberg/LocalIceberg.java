package io.dynamosync.testkit.iceberg;

import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.tier.Tiers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Iceberg tests publish to and read with: Iceberg's JDBC catalog in a {@link LocalPostgres}, a REST catalog
 * ({@link LocalRestCatalog}) over another JDBC catalog in the same database, a warehouse in a bucket of the kit's
 * S3Proxy, and a {@link LocalTrino} whose catalog {@code iceberg} reads the JDBC catalog and whose catalog
 * {@code iceberg_rest} reads the REST one. Both sides speak the same catalogs: the worker through
 * {@code iceberg-core}, Trino through its Iceberg connector.
 */
public final class LocalIceberg implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalIceberg.class);
    /** The bucket the warehouse lives in. */
    public static final String BUCKET = "iceberg-warehouse";
    /** The catalog's name, as both sides record it in the catalog's tables. */
    public static final String CATALOG_NAME = "dynamosync";

    private final LocalAws aws;
    private final LocalPostgres postgres;
    private final LocalRestCatalog rest;
    private final LocalTrino trino;

    private LocalIceberg(LocalAws aws, LocalPostgres postgres, LocalRestCatalog rest, LocalTrino trino) {
        this.aws = aws;
        this.postgres = postgres;
        this.rest = rest;
        this.trino = trino;
    }

    /**
     * Guards the tier: where PostgreSQL or a Java for Trino is missing, a developer's build skips the test and CI's
     * fails (see {@link Tiers}).
     */
    public static void requireTier() {
        Tiers.require(
                LocalPostgres.binaries().isPresent(),
                "the Iceberg tests",
                "PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
        Tiers.require(
                LocalTrino.javaHome().isPresent(),
                "the Iceberg tests",
                "Trino " + LocalTrino.VERSION
                        + " needs Java 24 or later: none under /usr/lib/jvm, and TRINO_JAVA_HOME is not set");
    }

    /** Starts PostgreSQL and Trino beside {@code aws}, whose S3 holds the warehouse. */
    public static LocalIceberg start(LocalAws aws) {
        requireTier();
        long started = System.nanoTime();
        if (!aws.s3().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(BUCKET))) {
            aws.s3().createBucket(b -> b.bucket(BUCKET));
        }
        Path logs = aws.workDirectory().resolve("logs");
        LocalPostgres postgres = LocalPostgres.start(logs);
        LocalRestCatalog rest = null;
        try {
            // Trino's JDBC catalog expects the catalog's tables to exist (it only checks their schema version), as
            // an operator of a real catalog would have made them; iceberg-core makes the same ones when missing.
            postgres.execute("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
                    + "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
                    + "metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), "
                    + "iceberg_type VARCHAR(5), PRIMARY KEY (catalog_name, table_namespace, table_name))");
            postgres.execute("CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, "
                    + "namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255), property_value VARCHAR(1000), "
                    + "PRIMARY KEY (catalog_name, namespace, property_key))");
            S3FileIO io = new S3FileIO(aws::s3);
            io.initialize(Map.of());
            rest = LocalRestCatalog.start(postgres.jdbcUrl(), LocalPostgres.USER, io, warehouse());
            LocalIceberg partial = new LocalIceberg(aws, postgres, rest, null);
            LocalTrino trino = LocalTrino.start(
                    LocalTrino.javaHome().orElseThrow(),
                    Map.of("iceberg", partial.trinoCatalog(), "iceberg_rest", partial.trinoRestCatalog()),
                    Duration.ofMinutes(4));
            LOG.info(
                    "LocalIceberg ready in {} s: catalog {}, REST catalog {}, warehouse {}, Trino at {}",
                    (System.nanoTime() - started) / 1_000_000_000,
                    postgres.jdbcUrl(),
                    rest.uri(),
                    warehouse(),
                    trino.endpoint());
            return new LocalIceberg(aws, postgres, rest, trino);
        } catch (RuntimeException e) {
            if (rest != null) {
                rest.close();
            }
            postgres.close();
            throw e;
        }
    }

    /** The JDBC catalog's URL. */
    public String catalogUri() {
        return postgres.jdbcUrl();
    }

    /** The REST catalog's URI. */
    public String restCatalogUri() {
        return rest.uri().toString();
    }

    /** The catalog database's user; the server trusts local connections, so any password does. */
    public String catalogUser() {
        return LocalPostgres.USER;
    }

    /** The warehouse's root. */
    public static String warehouse() {
        return "s3://" + BUCKET + "/warehouse";
    }

    public LocalAws aws() {
        return aws;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public LocalTrino trino() {
        return trino;
    }

    /**
     * Trino's catalog {@code iceberg}: the JDBC catalog (schema version V1, as {@code iceberg-core} writes it) and
     * the warehouse on S3Proxy through Trino's native S3 file system, path-style.
     */
    Map<String, String> trinoCatalog() {
        Map<String, String> catalog = new LinkedHashMap<>();
        catalog.put("connector.name", "iceberg");
        catalog.put("iceberg.catalog.type", "jdbc");
        catalog.put("iceberg.jdbc-catalog.catalog-name", CATALOG_NAME);
        catalog.put("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver");
        catalog.put("iceberg.jdbc-catalog.connection-url", postgres.jdbcUrl());
        catalog.put("iceberg.jdbc-catalog.connection-user", LocalPostgres.USER);
        catalog.put("iceberg.jdbc-catalog.connection-password", "unused");
        catalog.put("iceberg.jdbc-catalog.default-warehouse-dir", warehouse());
        catalog.put("iceberg.jdbc-catalog.schema-version", "V1");
        catalog.put("fs.native-s3.enabled", "true");
        catalog.put("s3.endpoint", aws.s3Endpoint().toString());
        catalog.put("s3.region", LocalAws.REGION.id());
        catalog.put("s3.path-style-access", "true");
        catalog.put("s3.aws-access-key", "local");
        catalog.put("s3.aws-secret-key", "local-secret");
        return catalog;
    }

    /** Trino's catalog {@code iceberg_rest}: the REST catalog, and the same warehouse as {@link #trinoCatalog()}. */
    Map<String, String> trinoRestCatalog() {
        Map<String, String> catalog = new LinkedHashMap<>(trinoCatalog());
        catalog.keySet().removeIf(k -> k.startsWith("iceberg.jdbc-catalog."));
        catalog.put("iceberg.catalog.type", "rest");
        catalog.put("iceberg.rest-catalog.uri", rest.uri().toString());
        catalog.put("iceberg.rest-catalog.warehouse", warehouse());
        return catalog;
    }

    /** Stops Trino, the REST catalog, then PostgreSQL; the kit's S3 stays with the kit. */
    @Override
    public void close() {
        try {
            if (trino != null) {
                trino.close();
            }
        } finally {
            try {
                rest.close();
            } finally {
                postgres.close();
            }
        }
    }
}
