package io.dynamosync.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import io.dynamosync.worker.http.ApiKey;
import io.dynamosync.worker.http.WorkerServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's moving parts on a running local AWS kit: a table of orders with steady traffic,
 * and a worker of collection {@code orders} that loads it, follows its stream and serves the
 * query API and console, as {@code worker run} would.
 */
public final class Demo implements AutoCloseable {

    /** The collection's name, which is also its SQL table's name. */
    public static final String COLLECTION = "orders";

    private final String table;
    private final OrderTraffic traffic;
    private final AwsClients clients;
    private final Worker worker;
    private final WorkerServer server;

    private Demo(String table, OrderTraffic traffic, AwsClients clients, Worker worker, WorkerServer server) {
        this.table = table;
        this.traffic = traffic;
        this.clients = clients;
        this.worker = worker;
        this.server = server;
    }

    /**
     * Creates table {@code table} with {@code orders} orders, starts changing them
     * {@code perSecond} times a second, and starts a worker storing in {@code data} and serving
     * on {@code port} (0 for any free port).
     */
    public static Demo start(
            LocalAws aws, String table, int orders, double perSecond, Path data, int port, ApiKey apiKey) {
        // The kit takes any keys; the worker finds these through the SDK's default chain.
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
        Orders.createTable(aws.dynamoDb(), table);
        OrderTraffic traffic = OrderTraffic.start(aws.dynamoDb(), table, orders, perSecond);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("collection", COLLECTION);
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
        WorkerServer server = new WorkerServer(worker, port, apiKey);
        worker.start();
        return new Demo(table, traffic, clients, worker, server);
    }

    public String table() {
        return table;
    }

    /** The port the console and query API are served on. */
    public int port() {
        return server.port();
    }

    public Worker worker() {
        return worker;
    }

    public OrderTraffic traffic() {
        return traffic;
    }

    @Override
    public void close() {
        traffic.close();
        server.close();
        worker.close();
        clients.close();
    }
}
