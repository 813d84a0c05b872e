package io.dynamosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.front.Front;
import io.dynamosync.front.FrontSettings;
import io.dynamosync.front.http.ApiKeys;
import io.dynamosync.front.http.FrontKey;
import io.dynamosync.front.route.WorkerKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The query front: a query of one collection through the front beside the same query sent to its worker, and a
 * JOIN of two collections (orders and customers) beside the same statement in one DuckDB holding copies of both
 * collections, with the bytes the front pulled from the workers. The front runs in this JVM, over two worker
 * processes, as its own application wires it.
 */
final class FrontBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String NAMESPACE = "bench";
    private static final String[] TIERS = {"gold", "silver", "bronze"};
    private static final String[] COUNTRIES = {"JP", "DE", "FR", "US", "BR", "IN", "KE", "AU"};
    private static final int WARM_UP = 3;
    private static final String KEY = "bench-front-key";

    /** A statement run both ways: its name in the report and its SQL (the same text in both places). */
    private record Timed(String name, String sql) {}

    private FrontBench() {}

    static void run(Context ctx) throws Exception {
        int orders = ctx.options.frontOrders;
        int customers = ctx.options.frontCustomers;
        DynamoDbClient dynamoDb = ctx.aws.newDynamoDb(b -> {});
        Instant now = Instant.now();
        String ordersTable = Tables.create(dynamoDb, "orders", "customerId", "orderId", false);
        Tables.fill(dynamoDb, ordersTable, orders, i -> order(i, customers, now));
        Tables.enableStream(dynamoDb, ordersTable);
        String customersTable = Tables.create(dynamoDb, "customers", "id", null, false);
        Tables.fill(dynamoDb, customersTable, customers, FrontBench::customer);
        Tables.enableStream(dynamoDb, customersTable);
        Progress.line("front: %,d orders and %,d customers written; loading both workers", orders, customers);
        try (WorkerRun ordersWorker = ctx.worker("orders", ordersTable, Map.of("method", "Scan"), null)) {
            Path ordersDirectory = ctx.lastWorkerDirectory("orders");
            try (WorkerRun customersWorker = ctx.worker("customers", customersTable, Map.of("method", "Scan"), null)) {
                measure(ctx, ordersWorker, ordersDirectory, customersWorker, ctx.lastWorkerDirectory("customers"));
            }
        }
    }

    private static void measure(
            Context ctx,
            WorkerRun ordersWorker,
            Path ordersDirectory,
            WorkerRun customersWorker,
            Path customersDirectory)
            throws Exception {
        for (WorkerRun w : List.of(ordersWorker, customersWorker)) {
            w.await(
                    s -> s.path("load").path("complete").asBoolean(),
                    Duration.ofMillis(200),
                    Duration.ofMinutes(30),
                    "the load");
        }
        // Nothing writes to the tables now: copies of the stores hold the same rows as the workers.
        Thread.sleep(2000);
        Path reference = ctx.scratch.resolve("front-reference");
        Files.createDirectories(reference);
        Path ordersParquet = export(ordersDirectory.resolve("data"), "orders", reference);
        Path customersParquet = export(customersDirectory.resolve("data"), "customers", reference);
        Map<String, String> addresses = Map.of(
                "orders", "http://localhost:" + ordersWorker.port(),
                "customers", "http://localhost:" + customersWorker.port());
        try (Front front = startFront(addresses);
                Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE orders AS SELECT * FROM read_parquet('" + ordersParquet + "')");
                s.execute("CREATE TABLE customers AS SELECT * FROM read_parquet('" + customersParquet + "')");
            }
            oneCollection(ctx, front, ordersWorker);
            joins(ctx, front, db);
        }
    }

    /** The same queries through the front and straight to the worker, in turns: p50 and p99 of each. */
    private static void oneCollection(Context ctx, Front front, WorkerRun worker) throws Exception {
        List<Timed> statements = List.of(
                new Timed(
                        "count by status",
                        "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY orders DESC"),
                new Timed("point lookup by _id", "SELECT * FROM orders WHERE _id = 'C-00042|O-00000042'"));
        int runs = ctx.options.queryRuns;
        Progress.line("front: one collection, %d runs of each query through the front and to the worker", runs);
        for (Timed q : statements) {
            List<Double> through = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int run = -WARM_UP; run < runs; run++) {
                long start = System.nanoTime();
                JsonNode viaFront = query(url(front), q.sql());
                double frontMillis = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                JsonNode viaWorker = query("http://localhost:" + worker.port(), q.sql());
                double workerMillis = (System.nanoTime() - start) / 1e6;
                if (!viaFront.path("results").equals(viaWorker.path("results"))) {
                    throw new IllegalStateException("the front and the worker answer " + q.name() + " differently");
                }
                if (run >= 0) {
                    through.add(frontMillis);
                    direct.add(workerMillis);
                }
            }
            for (int p : new int[] {50, 99}) {
                double ours = Stats.percentile(through, p);
                double reference = Stats.percentile(direct, p);
                Progress.line(
                        "front: %s p%d: %.1f ms through the front, %.1f ms to the worker",
                        q.name(), p, ours, reference);
                ctx.report.add(new Figure(
                        "Query front",
                        "one collection, " + q.name() + ", p" + p,
                        ours,
                        reference,
                        "ms",
                        "the same query sent to the collection's worker (aim: 1.1× + 3 ms)"));
            }
        }
    }

    /** Two JOINs through the front beside the same statements in one DuckDB holding both tables. */
    private static void joins(Context ctx, Front front, Connection db) throws Exception {
        // The same columns in both, so that the bytes pulled show what pushing the filters down saves.
        List<Timed> statements = List.of(
                new Timed(
                        "selective JOIN",
                        "SELECT c.name, count(*) AS orders, sum(o.total) AS spent FROM orders o"
                                + " JOIN customers c ON o.customerId = c.id"
                                + " WHERE o.status = 'CANCELLED' AND o.total > 900 AND c.tier = 'gold'"
                                + " GROUP BY c.name ORDER BY spent DESC, c.name LIMIT 20"),
                new Timed(
                        "unselective JOIN",
                        "SELECT c.tier, o.status, count(DISTINCT c.name) AS customers, count(*) AS orders,"
                                + " sum(o.total) AS spent FROM orders o JOIN customers c ON o.customerId = c.id"
                                + " GROUP BY c.tier, o.status ORDER BY c.tier, o.status"));
        int runs = Math.max(3, ctx.options.queryRuns / 5);
        Progress.line("front: JOINs, %d runs of each through the front and in one DuckDB", runs);
        Map<String, Long> pulled = new HashMap<>();
        for (Timed q : statements) {
            List<Double> through = new ArrayList<>();
            List<Double> oneDuckDb = new ArrayList<>();
            for (int run = -1; run < runs; run++) {
                long start = System.nanoTime();
                JsonNode answer = query(url(front), q.sql());
                double frontMillis = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                List<List<String>> expected = rows(db, q.sql());
                double duckDbMillis = (System.nanoTime() - start) / 1e6;
                if (run < 0) {
                    check(q, answer, expected);
                    pulled.put(
                            q.name(), answer.path("stats").path("bytes_pulled").asLong());
                } else {
                    through.add(frontMillis);
                    oneDuckDb.add(duckDbMillis);
                }
            }
            for (int p : new int[] {50, 99}) {
                ctx.report.add(new Figure(
                        "Query front",
                        q.name() + " (" + String.format("%,d", ctx.options.frontOrders) + " × "
                                + String.format("%,d", ctx.options.frontCustomers) + "), p" + p,
                        Stats.percentile(through, p),
                        Stats.percentile(oneDuckDb, p),
                        "ms",
                        "the same statement in one DuckDB holding both tables"
                                + (q.name().startsWith("selective") ? " (aim: 3×)" : "")));
            }
            Progress.line(
                    "front: %s: p50 %.0f ms through the front, %.1f ms in one DuckDB; %,d bytes pulled",
                    q.name(), Stats.percentile(through, 50), Stats.percentile(oneDuckDb, 50), pulled.get(q.name()));
        }
        ctx.report.add(new Figure(
                "Query front",
                "selective JOIN, MB pulled from the workers",
                pulled.get("selective JOIN") / 1e6,
                pulled.get("unselective JOIN") / 1e6,
                "MB",
                "the unselective JOIN's pull: every row of the same columns"));
    }

    /** The front's rows equal DuckDB's, compared as text in order: a benchmark of a wrong answer measures nothing. */
    private static void check(Timed q, JsonNode answer, List<List<String>> expected) {
        List<String> fields = new ArrayList<>();
        answer.path("column_fields").forEach(f -> fields.add(f.path("name").asText()));
        List<List<String>> actual = new ArrayList<>();
        for (JsonNode row : answer.path("results")) {
            List<String> values = new ArrayList<>();
            for (String field : fields) {
                values.add(number(row.path(field).asText()));
            }
            actual.add(values);
        }
        if (!actual.equals(expected)) {
            throw new IllegalStateException("the front's " + q.name() + " differs from one DuckDB's: "
                    + actual.subList(0, Math.min(3, actual.size())) + " against "
                    + expected.subList(0, Math.min(3, expected.size())));
        }
    }

    private static List<List<String>> rows(Connection db, String sql) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(number(rs.getString(c)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Numbers compared by value ({@code 12.50} is {@code 12.5}); other text as it is. */
    private static String number(String text) {
        try {
            return new java.math.BigDecimal(text).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException | NullPointerException e) {
            return String.valueOf(text);
        }
    }

    /** The collection's rows as Parquet, written by DuckDB from a copy of the worker's store. */
    private static Path export(Path store, String collection, Path into) throws Exception {
        Path copy = into.resolve(collection + "-store");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(store)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith("store.duckdb"))
                    .toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Path parquet = into.resolve(collection + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + copy.resolve("store.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM " + collection + ") TO '" + parquet + "' (FORMAT parquet)");
        }
        return parquet;
    }

    private static String url(Front front) {
        return "http://localhost:" + front.port();
    }

    private static JsonNode query(String base, String sql) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("sql").put("query", sql);
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/orgs/self/queries"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "ApiKey " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST " + base + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Order {@code i}: the queries' usual order, of one of {@code customers} customers. */
    private static Map<String, AttributeValue> order(int i, int customers, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Tables.order(i, now));
        item.put("customerId", AttributeValue.fromS(Tables.customer((int) ((i * 7919L) % customers))));
        return item;
    }

    private static Map<String, AttributeValue> customer(int n) {
        return Map.of(
                "id", AttributeValue.fromS(Tables.customer(n)),
                "name", AttributeValue.fromS("Customer " + n),
                "tier", AttributeValue.fromS(TIERS[n % TIERS.length]),
                "country", AttributeValue.fromS(COUNTRIES[(n / 3) % COUNTRIES.length]),
                "since", AttributeValue.fromN(Integer.toString(2000 + n % 26)));
    }

    /** The front over the two workers, in this JVM, with its defaults and a fixed catalog. */
    private static Front startFront(Map<String, String> addresses) {
        Map<String, Front.Sources.Served> collections = new HashMap<>();
        addresses.forEach((name, address) -> collections.put(name, new Front.Sources.Served(name, address)));
        return Front.start(
                Front.Sources.fixed(NAMESPACE, collections, List.of(), WorkerKeys.none()),
                FrontSettings.defaults().withPort(0).withNamespaces(Set.of(NAMESPACE), NAMESPACE),
                ApiKeys.of(FrontKey.of(KEY)));
    }
}
