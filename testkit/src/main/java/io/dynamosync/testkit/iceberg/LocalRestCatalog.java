package io.dynamosync.testkit.iceberg;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Iceberg REST catalog, the protocol that AWS S3 Tables, Polaris, Nessie, Lakekeeper and others serve, for the
 * tests of publishing to one: Iceberg's own server-side handlers ({@code CatalogHandlers}, the code behind Iceberg's
 * REST fixture) over Iceberg's JDBC catalog in the kit's PostgreSQL (catalog name {@link #CATALOG_NAME}), with the
 * warehouse on the kit's S3. Serves the namespace and table endpoints on plain HTTP, without authentication; both
 * the worker (through {@code iceberg-core}'s REST client) and Trino (its {@code rest} catalog type) speak it.
 */
public final class LocalRestCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRestCatalog.class);
    /** The name the backing JDBC catalog records its tables under, apart from the JDBC tests' catalog. */
    public static final String CATALOG_NAME = "dynamosync_rest";
    /** How the client joins the parts of a namespace in a path: the unit separator, URL-encoded. */
    private static final String SEPARATOR = "%1F";

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads;
    private final JdbcCatalog catalog;
    private final ObjectMapper json;

    private LocalRestCatalog(
            HttpServer server, java.util.concurrent.ExecutorService threads, JdbcCatalog catalog, ObjectMapper json) {
        this.server = server;
        this.threads = threads;
        this.catalog = catalog;
        this.json = json;
    }

    /** Serves a catalog backed by {@code jdbcUrl} (user {@code user}) whose files go through {@code io}. */
    static LocalRestCatalog start(String jdbcUrl, String user, S3FileIO io, String warehouse) {
        Map<String, String> properties = new HashMap<>();
        properties.put("uri", jdbcUrl);
        properties.put("warehouse", warehouse);
        properties.put("jdbc.user", user);
        properties.put("jdbc.password", "unused");
        properties.put("jdbc.schema-version", "V1");
        JdbcCatalog catalog = new JdbcCatalog(p -> io, p -> new JdbcClientPool(jdbcUrl, p), true);
        catalog.initialize(CATALOG_NAME, properties);
        // As Iceberg's REST client writes and reads its messages: kebab-case, unknown fields ignored.
        ObjectMapper json = new ObjectMapper()
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        RESTSerializers.registerAll(json);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            java.util.concurrent.ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "local-rest-catalog");
                t.setDaemon(true);
                return t;
            });
            LocalRestCatalog rest = new LocalRestCatalog(server, threads, catalog, json);
            server.createContext("/", rest::handle);
            server.setExecutor(threads);
            server.start();
            return rest;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the REST catalog: " + e, e);
        }
    }

    /** The catalog's base URI, as clients are given it ({@code uri}); the protocol's paths start with {@code /v1}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path =
                exchange.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            Object answer;
            try {
                answer = route(method, path, body, exchange.getRequestURI().getRawQuery());
            } catch (IOException e) {
                // A body that is not the protocol's JSON.
                throw new IllegalArgumentException("the request's body cannot be read: " + e.getMessage(), e);
            }
            if (answer == null) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                send(exchange, 200, json.writeValueAsBytes(answer));
            }
        } catch (RuntimeException e) {
            int code = code(e);
            if (code == 500) {
                LOG.warn("REST catalog: {} {} failed", method, exchange.getRequestURI(), e);
            }
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(code, -1);
                return;
            }
            ErrorResponse error = ErrorResponse.builder()
                    .responseCode(code)
                    .withType(e.getClass().getSimpleName())
                    .withMessage(String.valueOf(e.getMessage()))
                    .build();
            send(exchange, code, ErrorResponseParser.toJson(error).getBytes(StandardCharsets.UTF_8));
        } finally {
            exchange.close();
        }
    }

    /** The answer to one call of the protocol; null for an empty one (204). */
    private Object route(String method, String[] path, String body, String query) throws IOException {
        if (path.length < 2 || !path[0].equals("v1")) {
            throw new NotFound("not a path of the REST catalog protocol");
        }
        String call = method + " " + String.join("/", shape(path));
        Namespace namespace =
                path.length > 2 && path[1].equals("namespaces") ? RESTUtil.decodeNamespace(path[2], SEPARATOR) : null;
        TableIdentifier table = path.length > 4 ? TableIdentifier.of(namespace, RESTUtil.decodeString(path[4])) : null;
        switch (call) {
            case "GET v1/config":
                return ConfigResponse.builder().build();
            case "GET v1/namespaces": {
                String parent = parameter(query, "parent");
                return CatalogHandlers.listNamespaces(
                        catalog, parent == null ? Namespace.empty() : RESTUtil.decodeNamespace(parent, SEPARATOR));
            }
            case "POST v1/namespaces":
                return CatalogHandlers.createNamespace(catalog, json.readValue(body, CreateNamespaceRequest.class));
            case "GET v1/namespaces/*":
                return CatalogHandlers.loadNamespace(catalog, namespace);
            case "HEAD v1/namespaces/*":
                CatalogHandlers.namespaceExists(catalog, namespace);
                return null;
            case "DELETE v1/namespaces/*":
                CatalogHandlers.dropNamespace(catalog, namespace);
                return null;
            case "POST v1/namespaces/*/properties":
                return CatalogHandlers.updateNamespaceProperties(
                        catalog, namespace, json.readValue(body, UpdateNamespacePropertiesRequest.class));
            case "GET v1/namespaces/*/tables":
                return CatalogHandlers.listTables(catalog, namespace);
            case "POST v1/namespaces/*/tables": {
                CreateTableRequest request = json.readValue(body, CreateTableRequest.class);
                return request.stageCreate()
                        ? CatalogHandlers.stageTableCreate(catalog, namespace, request)
                        : CatalogHandlers.createTable(catalog, namespace, request);
            }
            case "GET v1/namespaces/*/tables/*":
                return CatalogHandlers.loadTable(catalog, table, RESTCatalogProperties.SnapshotMode.ALL);
            case "HEAD v1/namespaces/*/tables/*":
                CatalogHandlers.tableExists(catalog, table);
                return null;
            case "POST v1/namespaces/*/tables/*":
                return CatalogHandlers.updateTable(catalog, table, json.readValue(body, UpdateTableRequest.class));
            case "DELETE v1/namespaces/*/tables/*":
                if ("true".equals(parameter(query, "purgeRequested"))) {
                    CatalogHandlers.purgeTable(catalog, table);
                } else {
                    CatalogHandlers.dropTable(catalog, table);
                }
                return null;
            case "POST v1/namespaces/*/tables/*/metrics":
                return null; // scan and commit reports: taken, not kept
            case "POST v1/tables/rename":
                CatalogHandlers.renameTable(catalog, json.readValue(body, RenameTableRequest.class));
                return null;
            default:
                throw new NotFound("the local REST catalog does not serve " + call);
        }
    }

    /** The path with its variable segments (namespace, table) as {@code *}, to match a call on. */
    private static String[] shape(String[] path) {
        String[] shape = path.clone();
        if (shape.length > 2 && shape[1].equals("namespaces")) {
            shape[2] = "*";
        }
        if (shape.length > 4 && shape[3].equals("tables")) {
            shape[4] = "*";
        }
        return shape;
    }

    private static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return pair.substring(equals + 1);
            }
        }
        return null;
    }

    /** The protocol's status for an exception, as Iceberg's REST fixture maps them. */
    private static int code(RuntimeException e) {
        if (e instanceof NoSuchTableException || e instanceof NoSuchNamespaceException || e instanceof NotFound) {
            return 404;
        }
        if (e instanceof AlreadyExistsException || e instanceof CommitFailedException) {
            return 409;
        }
        if (e instanceof ValidationException
                || e instanceof IllegalArgumentException
                || e instanceof UnsupportedOperationException) {
            return 400;
        }
        return 500;
    }

    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A path the local catalog does not serve. */
    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        catalog.close();
    }
}
