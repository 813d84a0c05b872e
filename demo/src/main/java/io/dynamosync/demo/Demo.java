package io.dynamosync.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.QueryLambda;
import io.dynamosync.api.v1alpha1.QueryLambdaParameter;
import io.dynamosync.api.v1alpha1.QueryLambdaSpec;
import io.dynamosync.api.v1alpha1.QueryLambdaVersionSpec;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.front.Front;
import io.dynamosync.front.FrontSettings;
import io.dynamosync.front.http.ApiKeys;
import io.dynamosync.front.http.FrontKey;
import io.dynamosync.front.route.WorkerKeys;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's moving parts on a running local AWS kit: a table of orders with steady traffic and a table of the
 * customers who place them; a worker for each (collections {@code orders} and {@code customers}) that loads its
 * table, follows its stream and serves the query API, the orders' one with the console, as {@code worker run}
 * would; and the query front over both, with one query lambda, as the front's Deployment would serve them.
 */
public final class Demo implements AutoCloseable {

    /** The orders' collection, which is also its SQL table's name. */
    public static final String COLLECTION = "orders";

    /** The customers' collection. */
    public static final String CUSTOMERS = "customers";

    /** The query lambda the front serves: spending by customer tier, for orders of one status. */
    public static final String LAMBDA = "spend-by-tier";

    /** The namespace the collections would be in on a cluster, which the front serves as workspace commons. */
    static final String NAMESPACE = "demo";

    private final String table;
    private final OrderTraffic traffic;
    private final List<Replica> replicas;
    private final Front front;

    /** One collection's worker, its HTTP server and its AWS clients. */
    private record Replica(AwsClients clients, Worker worker, WorkerServer server) {
        String address() {
            return "http://127.0.0.1:" + server.port();
        }

        void close() {
            server.close();
            worker.close();
            clients.close();
        }
    }

    private Demo(String table, OrderTraffic traffic, List<Replica> replicas, Front front) {
        this.table = table;
        this.traffic = traffic;
        this.replicas = replicas;
        this.front = front;
    }

    /**
     * Creates table {@code table} with {@code orders} orders, starts changing them {@code perSecond} times a second,
     * creates table {@code customersTable} of their customers, and starts a worker for each, storing under
     * {@code data}: the orders' serving on {@code port}, the customers' on a free port; then the query front over
     * both on {@code frontPort} (0 for any free port). {@code apiKey} (none when blank) guards the workers' and the
     * front's APIs alike.
     */
    public static Demo start(
            LocalAws aws,
            String table,
            String customersTable,
            int orders,
            double perSecond,
            Path data,
            int port,
            int frontPort,
            String apiKey) {
        // The kit takes any keys; the workers find these through the SDK's default chain.
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        Orders.createTable(aws.dynamoDb(), table);
        Customers.create(aws.dynamoDb(), customersTable);
        OrderTraffic traffic = OrderTraffic.start(aws.dynamoDb(), table, orders, perSecond);
        List<Replica> replicas = new ArrayList<>();
        try {
            replicas.add(replica(aws, COLLECTION, table, data.resolve(COLLECTION), port, apiKey));
            replicas.add(replica(aws, CUSTOMERS, customersTable, data.resolve(CUSTOMERS), 0, apiKey));
            Front front = Front.start(
                    Front.Sources.fixed(
                            NAMESPACE,
                            Map.of(
                                    COLLECTION,
                                    new Front.Sources.Served(
                                            table, replicas.get(0).address()),
                                    CUSTOMERS,
                                    new Front.Sources.Served(
                                            customersTable, replicas.get(1).address())),
                            List.of(lambda()),
                            WorkerKeys.same(apiKey)),
                    FrontSettings.defaults().withPort(frontPort).withNamespaces(Set.of(NAMESPACE), NAMESPACE),
                    ApiKeys.of(FrontKey.of(apiKey)));
            return new Demo(table, traffic, replicas, front);
        } catch (RuntimeException | Error e) {
            traffic.close();
            replicas.forEach(Replica::close);
            throw e;
        }
    }

    private static Replica replica(LocalAws aws, String collection, String table, Path data, int port, String apiKey) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("collection", collection);
        raw.put("table", table);
        raw.put("region", LocalAws.REGION.id());
        raw.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString(),
                        "s3",
                        aws.s3Endpoint().toString()));
        raw.put("dataDirectory", data.toString());
        raw.put("load", Map.of("method", "Scan"));
        raw.put("http", Map.of("port", port));
        Settings settings = Settings.of(new ObjectMapper().convertValue(raw, WorkerSettings.class));
        AwsClients clients = new AwsClients(settings);
        Worker worker = new Worker(settings, clients).open();
        WorkerServer server = new WorkerServer(worker, port, ApiKey.of(apiKey));
        worker.start();
        return new Replica(clients, worker, server);
    }

    /** {@code commons.spend-by-tier}, as a {@code QueryLambda} resource on a cluster would declare it (README). */
    private static QueryLambda lambda() {
        QueryLambdaVersionSpec version = new QueryLambdaVersionSpec();
        version.setVersion("1");
        version.setDescription("orders and spending by customer tier, for one order status");
        version.setSql("SELECT c.tier, count(*) AS orders, sum(o.total) AS spent\n"
                + "FROM orders o JOIN customers c ON o.customerId = c.id\n"
                + "WHERE o.status = :status\n"
                + "GROUP BY c.tier ORDER BY spent DESC");
        version.setDefaultParameters(List.of(new QueryLambdaParameter("status", "string", "PAID")));
        QueryLambdaSpec spec = new QueryLambdaSpec();
        spec.setVersions(List.of(version));
        QueryLambda lambda = new QueryLambda();
        lambda.setMetadata(new ObjectMetaBuilder()
                .withNamespace(NAMESPACE)
                .withName(LAMBDA)
                .withCreationTimestamp(Instant.now().toString())
                .build());
        lambda.setSpec(spec);
        return lambda;
    }

    public String table() {
        return table;
    }

    /** The port the console and the orders' query API are served on. */
    public int port() {
        return replicas.get(0).server().port();
    }

    /** The port the query front is served on. */
    public int frontPort() {
        return front.port();
    }

    /** The orders' worker. */
    public Worker worker() {
        return worker(COLLECTION);
    }

    /** The worker of {@code collection}, {@link #COLLECTION} or {@link #CUSTOMERS}. */
    public Worker worker(String collection) {
        return replicas.get(collection.equals(COLLECTION) ? 0 : 1).worker();
    }

    public OrderTraffic traffic() {
        return traffic;
    }

    @Override
    public void close() {
        traffic.close();
        front.close();
        replicas.forEach(Replica::close);
    }
}
