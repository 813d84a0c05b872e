package io.dynamosync.bench;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Queries: p50 and p99 of five questions a user asks of orders data, through the query API; beside DuckDB over
 * the worker's own store file directly (the engine's limit) and a DynamoDB Scan plus client code (what a user
 * does without us; a GetItem for the point lookup).
 */
final class QueryBench {

    private static final int WARM_UP = 5;

    /** One question: its SQL (parameters as {@code :name}), its parameters, and the same answer from DynamoDB. */
    private record Question(String name, String sql, String[] parameters, Consumer<DynamoDbClient> dynamoDb) {}

    private QueryBench() {}

    static void run(Context ctx) throws Exception {
        int orders = ctx.options.orders;
        DynamoDbClient dynamoDb = ctx.aws.newDynamoDb(b -> {});
        String table = Tables.create(dynamoDb, "orders", "customerId", "orderId", false);
        Instant now = Instant.now();
        Tables.fill(dynamoDb, table, orders, i -> Tables.order(i, now));
        Tables.enableStream(dynamoDb, table);
        Random random = new Random(42);
        Map<String, List<Double>> ours = new HashMap<>();
        Map<String, List<Double>> direct = new HashMap<>();
        List<Question> questions = questions(table, orders, now, random);
        try (WorkerRun worker = ctx.worker("orders", table, Map.of("method", "Scan"), null)) {
            worker.await(
                    s -> s.path("load").path("complete").asBoolean(),
                    Duration.ofMillis(200),
                    Duration.ofMinutes(30),
                    "the orders' load");
            // Nothing writes to the table now, so the store's files hold still: a copy of them is the same data,
            // which DuckDB in this JVM can open while the worker keeps its own.
            Thread.sleep(2000);
            Path copy = copyStore(ctx, ctx.lastWorkerDirectory("orders").resolve("data"));
            Progress.line(
                    "queries: %,d orders loaded; %d runs of each query through the API and in DuckDB, in turns",
                    orders, ctx.options.queryRuns);
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + copy.resolve("store.duckdb"))) {
                for (Question q : questions) {
                    List<Double> api = new ArrayList<>();
                    List<Double> engine = new ArrayList<>();
                    try (PreparedStatement statement =
                            db.prepareStatement(q.sql().replaceAll("(?<!:):[A-Za-z_]\\w*", "?"))) {
                        for (int i = 0; i + 2 < q.parameters().length; i += 3) {
                            statement.setString(i / 3 + 1, q.parameters()[i + 2]);
                        }
                        for (int run = -WARM_UP; run < ctx.options.queryRuns; run++) {
                            long start = System.nanoTime();
                            worker.query(q.sql(), q.parameters());
                            double apiMillis = (System.nanoTime() - start) / 1e6;
                            double engineMillis = timeDirect(statement);
                            if (run >= 0) {
                                api.add(apiMillis);
                                engine.add(engineMillis);
                            }
                        }
                    }
                    ours.put(q.name(), api);
                    direct.put(q.name(), engine);
                }
            }
        }
        Map<String, List<Double>> scan = new HashMap<>();
        for (Question q : questions) {
            List<Double> times = new ArrayList<>();
            for (int run = -1; run < ctx.options.scanQueryRuns; run++) {
                long start = System.nanoTime();
                q.dynamoDb().accept(dynamoDb);
                if (run >= 0) {
                    times.add((System.nanoTime() - start) / 1e6);
                }
            }
            scan.put(q.name(), times);
        }
        for (Question q : questions) {
            List<Double> o = ours.get(q.name());
            Progress.line(
                    "queries: %s: p50 %.1f ms through the API, %.1f ms DuckDB directly, %.1f ms DynamoDB",
                    q.name(),
                    Stats.percentile(o, 50),
                    Stats.percentile(direct.get(q.name()), 50),
                    Stats.percentile(scan.get(q.name()), 50));
            for (int p : new int[] {50, 99}) {
                ctx.report.add(new Figure(
                        "Queries",
                        q.name() + ", p" + p,
                        Stats.percentile(o, p),
                        Stats.percentile(direct.get(q.name()), p),
                        "ms",
                        "DuckDB over the worker's store file directly, in-process"));
            }
            boolean lookup = q.name().startsWith("point lookup");
            ctx.report.add(new Figure(
                    "Queries",
                    q.name() + ", p50",
                    Stats.percentile(o, 50),
                    Stats.percentile(scan.get(q.name()), 50),
                    "ms",
                    lookup ? "DynamoDB GetItem" : "DynamoDB Scan of the table plus client code"));
        }
    }

    private static List<Question> questions(String table, int orders, Instant now, Random random) {
        List<Question> questions = new ArrayList<>();
        questions.add(new Question(
                "count by status",
                "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY orders DESC",
                new String[0],
                d -> {
                    Map<String, Integer> counts = new HashMap<>();
                    scan(
                            d,
                            ScanRequest.builder()
                                    .tableName(table)
                                    .projectionExpression("#s")
                                    .expressionAttributeNames(Map.of("#s", "status")),
                            item -> counts.merge(item.get("status").s(), 1, Integer::sum));
                }));
        questions.add(new Question(
                "top 10 customers by total",
                "SELECT customerId, sum(total) AS spent FROM orders GROUP BY customerId ORDER BY spent DESC LIMIT 10",
                new String[0],
                d -> {
                    Map<String, BigDecimal> spent = new HashMap<>();
                    scan(
                            d,
                            ScanRequest.builder()
                                    .tableName(table)
                                    .projectionExpression("customerId, #t")
                                    .expressionAttributeNames(Map.of("#t", "total")),
                            item -> spent.merge(
                                    item.get("customerId").s(),
                                    new BigDecimal(item.get("total").n()),
                                    BigDecimal::add));
                    spent.entrySet().stream()
                            .sorted(Map.Entry.<String, BigDecimal>comparingByValue()
                                    .reversed())
                            .limit(10)
                            .toList();
                }));
        int lookup = random.nextInt(orders);
        String customer = Tables.order(lookup, now).get("customerId").s();
        String order = Tables.orderId(lookup);
        questions.add(new Question(
                "point lookup by _id",
                "SELECT * FROM orders WHERE _id = :id",
                new String[] {"id", "string", customer + "|" + order},
                d -> d.getItem(b -> b.tableName(table)
                        .key(Map.of(
                                "customerId",
                                AttributeValue.fromS(customer),
                                "orderId",
                                AttributeValue.fromS(order))))));
        questions.add(new Question(
                "filter on a nested attribute",
                "SELECT _id, total FROM orders WHERE shipping->>'city' = :city AND total > 400",
                new String[] {"city", "string", "Osaka"},
                d -> {
                    List<Map<String, AttributeValue>> rows = new ArrayList<>();
                    scan(
                            d,
                            ScanRequest.builder()
                                    .tableName(table)
                                    .filterExpression("shipping.city = :c AND #t > :min")
                                    .projectionExpression("customerId, orderId, #t")
                                    .expressionAttributeNames(Map.of("#t", "total"))
                                    .expressionAttributeValues(Map.of(
                                            ":c", AttributeValue.fromS("Osaka"), ":min", AttributeValue.fromN("400"))),
                            rows::add);
                }));
        questions.add(new Question(
                "last hour by _event_time",
                "SELECT _id, status, total, _event_time FROM orders WHERE _event_time > now() - INTERVAL 1 HOUR "
                        + "ORDER BY _event_time DESC LIMIT 100",
                new String[0],
                d -> {
                    List<Map<String, AttributeValue>> rows = new ArrayList<>();
                    String since = Instant.now().minus(Duration.ofHours(1)).toString();
                    scan(
                            d,
                            ScanRequest.builder()
                                    .tableName(table)
                                    .filterExpression("updatedAt > :since")
                                    .projectionExpression("customerId, orderId, #s, #t, updatedAt")
                                    .expressionAttributeNames(Map.of("#s", "status", "#t", "total"))
                                    .expressionAttributeValues(Map.of(":since", AttributeValue.fromS(since))),
                            rows::add);
                    rows.sort(Comparator.comparing((Map<String, AttributeValue> r) ->
                                    r.get("updatedAt").s())
                            .reversed());
                    rows.subList(0, Math.min(100, rows.size())).size();
                }));
        return questions;
    }

    /** A plain paginated Scan, as a user's script does it, handing every item to {@code sink}. */
    private static void scan(
            DynamoDbClient d, ScanRequest.Builder request, Consumer<Map<String, AttributeValue>> sink) {
        for (Map<String, AttributeValue> item : d.scanPaginator(request.build()).items()) {
            sink.accept(item);
        }
    }

    /** Copies the store's files, which hold still while nothing is written. */
    private static Path copyStore(Context ctx, Path store) throws Exception {
        Path copy = ctx.scratch.resolve("orders-store-copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(store)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith("store.duckdb"))
                    .toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    /** One run of {@code statement} in this JVM, every row and column read, in ms. */
    private static double timeDirect(PreparedStatement statement) throws Exception {
        long start = System.nanoTime();
        try (ResultSet rows = statement.executeQuery()) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int c = 1; c <= columns; c++) {
                    rows.getObject(c);
                }
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }
}
