package io.dynamosync.worker.publish;

import io.dynamosync.api.worker.WorkerSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.apache.iceberg.rest.HTTPClient;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.RESTClient;
import org.apache.iceberg.rest.RESTSessionCatalog;
import org.apache.iceberg.rest.RESTUtil;
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
            case "Rest" -> rest(settings, io, environment);
            default ->
                throw new PublishException(
                        "CatalogUnsupported",
                        "this worker publishes to Jdbc and Rest catalogs so far; " + settings.catalogType()
                                + " catalogs are accepted in the settings but not yet opened (publish to a Jdbc or Rest"
                                + " catalog instead)");
        };
    }

    /**
     * An Iceberg REST catalog (AWS S3 Tables, Polaris, Nessie, Lakekeeper, ...) through {@code iceberg-core}'s own
     * client, its table files through the worker's {@code io} whatever FileIO the server suggests. Credentials, when
     * the catalog asks for them, come from {@code environment}: a user and password are OAuth2 client credentials
     * ({@code credential}), a password alone a bearer {@code token}.
     */
    private static Catalog rest(WorkerSettings.Iceberg settings, FileIO io, Map<String, String> environment) {
        Map<String, String> properties = new HashMap<>();
        properties.put("uri", settings.catalogUri());
        properties.put("warehouse", settings.warehouse());
        String user = environment.get(WorkerSettings.Iceberg.CATALOG_USER_ENV);
        String password = environment.get(WorkerSettings.Iceberg.CATALOG_PASSWORD_ENV);
        if (password != null && !password.isBlank()) {
            if (user != null && !user.isBlank()) {
                properties.put("credential", user + ":" + password);
            } else {
                properties.put("token", password);
            }
        }
        RestCatalog catalog = new RestCatalog(io);
        catalog.initialize(settings.catalogName(), properties);
        return catalog;
    }

    /** Iceberg's REST catalog, whose tables' files go through the worker's own FileIO. */
    private static final class RestCatalog extends RESTCatalog {

        private final FileIO io;

        RestCatalog(FileIO io) {
            super(config -> HTTPClient.builder(config)
                    .uri(config.get(CatalogProperties.URI))
                    .withHeaders(RESTUtil.configHeaders(config))
                    .build());
            this.io = io;
        }

        @Override
        protected RESTSessionCatalog newSessionCatalog(Function<Map<String, String>, RESTClient> clients) {
            // Called while constructing, before io is set: the FileIO is looked up when a table is loaded.
            return new RESTSessionCatalog(clients, (context, config) -> io);
        }
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
