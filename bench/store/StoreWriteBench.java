import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes ITEMS generated items (about 875 bytes each, every DynamoDB type) into a fresh store
 * from THREADS threads in pages of PAGE items, as scan segments do, and prints items per second.
 * Run from the repository root after a build: see bench/README.md.
 */
public class StoreWriteBench {

    static Map<String, AttributeValue> item(int i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("customer", AttributeValue.fromS("cust-" + (i % 997)));
        item.put("order", AttributeValue.fromN(Integer.toString(i)));
        item.put("status", AttributeValue.fromS(List.of("new", "paid", "shipped", "").get(i % 4)));
        item.put("amount", AttributeValue.fromN((i % 10_000) + "." + (i % 100)));
        item.put("quantity", AttributeValue.fromN(Integer.toString(i % 50)));
        if (i % 7 == 0) {
            item.put("big", AttributeValue.fromN(BigInteger.TEN.pow(37).add(BigInteger.valueOf(i)).toString()));
        }
        item.put("gift", AttributeValue.fromBool(i % 2 == 0));
        item.put("payload", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {(byte) i, 0, (byte) (i >> 8), -1})));
        item.put("tags", AttributeValue.fromSs(List.of("t" + (i % 3), "t" + (3 + i % 4))));
        item.put("scores", AttributeValue.fromNs(List.of(Integer.toString(i % 9), "0.5")));
        item.put("address", AttributeValue.fromM(Map.of(
                "city", AttributeValue.fromS("City " + (i % 31)),
                "zip", AttributeValue.fromN(Integer.toString(10_000 + i % 900)))));
        item.put("lines", AttributeValue.fromL(List.of(
                AttributeValue.fromM(Map.of("sku", AttributeValue.fromS("sku-" + i % 17), "qty", AttributeValue.fromN("1"))))));
        item.put("text", AttributeValue.fromS("x".repeat(600) + i));
        return item;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int items = Integer.parseInt(System.getProperty("items", "100000"));
        int threads = Integer.parseInt(System.getProperty("threads", "8"));
        int page = Integer.parseInt(System.getProperty("page", "1000"));
        Path dir = Files.createTempDirectory("store-bench");
        Instant now = Instant.now();
        try (Store store = Store.open(dir, "bench", Transformation.IDENTITY)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            // The pages are made before the clock starts: this measures the store, not the generator.
            List<List<Batch>> pages = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Batch> mine = new ArrayList<>();
                for (int first = t * page; first < items; first += threads * page) {
                    Batch batch = Batch.fromSnapshot();
                    for (int i = first; i < Math.min(items, first + page); i++) {
                        batch.upsert("cust|" + i, item(i), now, "order=" + i);
                    }
                    batch.checkpoint("bench/" + t, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(first));
                    mine.add(batch);
                }
                pages.add(mine);
            }
            long cpuBefore = cpuNanos();
            long started = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Batch> mine = pages.get(t);
                futures.add(pool.submit(() -> {
                    for (Batch batch : mine) {
                        BenchWrite.write(store, batch);
                    }
                    BenchWrite.finish(store);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long checkpointStarted = System.nanoTime();
            BenchWrite.checkpoint(store);
            double checkpoint = (System.nanoTime() - checkpointStarted) / 1e9;
            pool.shutdown();
            double cpu = (cpuNanos() - cpuBefore) / 1e9;
            System.out.printf("%d items, %d threads, pages of %d: %.1f s, %.0f items/s, %.0f us CPU an item, %d documents, %d bytes; then a checkpoint: %.1f s%n",
                    items, threads, page, seconds, items / seconds, cpu * 1e6 / items, store.documents(), store.bytes(), checkpoint);
        }
    }
}
