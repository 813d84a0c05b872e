package io.dynamosync.worker.publish;

import io.dynamosync.api.worker.WorkerSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the catalog a collection publishes to, with Iceberg's own classes, and the warehouse's FileIO on the worker's
 * S3 client (the integration's credentials, endpoint and addressing), so nothing else needs configuring and no Hadoop
 * is involved.
 */
final class Catalogs {

    private Catalogs() {}

    /** The FileIO of the warehouse: S3FileIO on {@code s3}. */
    static FileIO warehouseIo(Supplier<S3Client> s3) {
        S3FileIO io = new S3FileIO(s3::get);
        io.initialize(Map.of());
        return io;
    }

    /**
     * The catalog of {@code settings}, initialized; the JDBC catalog's user and password come from
     * {@code environment} ({@link WorkerSettings.Iceberg#CATALOG_USER_ENV}).
     *
     * @throws PublishException for catalog kinds this worker cannot open yet
     */
    static Catalog open(WorkerSettings.Iceberg settings, FileIO io, Map<String, String> environment) {
        return switch (settings.catalogType()) {
            case "Jdbc" -> jdbc(settings, io, environment);
            default ->
                throw new PublishException(
                        "CatalogUnsupported",
                        "this worker publishes to Jdbc catalogs only so far; " + settings.catalogType()
                                + " catalogs are accepted in the settings but not yet opened");
        };
    }

    private static Catalog jdbc(WorkerSettings.Iceberg settings, FileIO io, Map<String, String> environment) {
        Map<String, String> properties = new HashMap<>();
        properties.put("uri", settings.catalogUri());
        properties.put("warehouse", settings.warehouse());
        // V1 records whether an entry is a table or a view, as current engines (Trino among them) expect.
        properties.put("jdbc.schema-version", "V1");
        String user = environment.get(WorkerSettings.Iceberg.CATALOG_USER_ENV);
        String password = environment.get(WorkerSettings.Iceberg.CATALOG_PASSWORD_ENV);
        if (user != null && !user.isBlank()) {
            properties.put("jdbc.user", user);
        }
        if (password != null) {
            properties.put("jdbc.password", password);
        }
        JdbcCatalog catalog = new JdbcCatalog(p -> io, p -> new JdbcClientPool(settings.catalogUri(), p), true);
        catalog.initialize(settings.catalogName(), properties);
        return catalog;
    }
}
