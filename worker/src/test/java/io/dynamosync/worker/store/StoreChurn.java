package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Steady churn driven straight into a {@link Store}, as the stream follower hands it over: a load of
 * {@code loaded} items, then puts, updates and deletes of random keys among {@code keys}, in commits of
 * what a 200 ms poll reads at the given rate, with a status reader asking for the store's size meanwhile.
 * Items follow a size mix of mostly small documents and some large ones ({@link #item}), their text not
 * compressible, so the store holds about as many bytes as DynamoDB does.
 *
 * <p>Run by {@code StorePlateauIT} and by hand, to watch the file over time:
 * {@code java -cp <test classpath> io.dynamosync.worker.store.StoreChurn <directory> <seconds> [rate]}.
 */
public final class StoreChurn {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    /** One sample of the store's size. */
    public record Sample(double seconds, long changes, long documents, long fileBytes, long walBytes, long freeBytes) {
        @Override
        public String toString() {
            return String.format(
                    "%6.0f s %8d changes %6d docs  file %7.1f MB  wal %6.1f MB  free %7.1f MB  %6.0f B/doc",
                    seconds,
                    changes,
                    documents,
                    fileBytes / 1e6,
                    walBytes / 1e6,
                    freeBytes / 1e6,
                    documents == 0 ? 0.0 : (double) (fileBytes + walBytes) / documents);
        }
    }

    private final Store store;
    private final int keys;
    private final Random random = new Random(24);
    private final int[] versions;
    private long changes;

    public StoreChurn(Store store, int keys) {
        this.store = store;
        this.keys = keys;
        this.versions = new int[keys];
    }

    /**
     * Item {@code i} at {@code version}: 60% about 1 KB, 25% about 8 KB, 12% about 40 KB, 3% about 150 KB (a
     * key keeps its size class), with a handful of typed attributes beside the text.
     */
    public static Map<String, AttributeValue> item(int i, int version) {
        int sizeClass = Math.floorMod(i * 7919, 100);
        int textBytes = sizeClass < 60 ? 1_000 : sizeClass < 85 ? 8_000 : sizeClass < 97 ? 40_000 : 150_000;
        Random text = new Random(31L * i + version);
        StringBuilder body = new StringBuilder(textBytes);
        for (int c = 0; c < textBytes; c++) {
            body.append((char) ('!' + text.nextInt(90)));
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("key-" + i));
        item.put(
                "status", AttributeValue.fromS(List.of("new", "paid", "shipped").get(version % 3)));
        item.put("amount", AttributeValue.fromN((i % 1000) + "." + (version % 100)));
        item.put("version", AttributeValue.fromN(Integer.toString(version)));
        item.put("body", AttributeValue.fromS(body.toString()));
        item.put("tags", AttributeValue.fromSs(List.of("t" + version % 7, "u" + i % 5)));
        item.put(
                "address",
                AttributeValue.fromM(Map.of(
                        "city",
                        AttributeValue.fromS("City " + i % 31),
                        "zip",
                        AttributeValue.fromN(Integer.toString(10_000 + version % 1000)))));
        return item;
    }

    static String id(int i) {
        return "key-" + i;
    }

    /** Loads items {@code 0} to {@code count - 1} as a scan would, and completes the load. */
    public void load(int count) {
        Feed feed = store.feed();
        for (int start = 0; start < count; start += 100) {
            Batch page = Batch.fromSnapshot();
            for (int i = start; i < Math.min(count, start + 100); i++) {
                page.upsert(id(i), item(i, 0), NOW, id(i));
            }
            feed.submit(page, written -> {});
        }
        feed.flush();
        store.finishLoad();
        store.commit(new Batch()
                .checkpoint(
                        Store.LOAD_CHECKPOINT,
                        JsonNodeFactory.instance.objectNode().put("complete", true)));
    }

    /** The documents a fresh load of what the store holds now would hold: the same ids at their current versions. */
    public List<Integer> present() {
        List<Integer> present = new ArrayList<>();
        try (Connection c = store.newConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT CAST(substr(_id, 5) AS INTEGER) FROM " + SqlNames.quote(store.collection()))) {
            while (rs.next()) {
                present.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return present;
    }

    /** The version key {@code i} was last written with. */
    public int version(int i) {
        return versions[i];
    }

    /** One commit of {@code size} changes: a third puts, a third updates (new images), a third deletes, over random keys. */
    public void commit(int size, long commitNumber) {
        Batch batch = new Batch();
        for (int n = 0; n < size; n++) {
            int i = random.nextInt(keys);
            if (random.nextInt(3) == 2) {
                batch.delete(id(i), NOW, id(i));
            } else {
                versions[i]++;
                batch.upsert(id(i), item(i, versions[i]), NOW, id(i));
            }
        }
        batch.checkpoint(
                "shard/shardId-0001", JsonNodeFactory.instance.objectNode().put("sequenceNumber", commitNumber));
        changes += store.commit(batch);
    }

    public Sample sample(double seconds) {
        StoreSpace space = store.space();
        return new Sample(seconds, changes, store.documents(), space.fileBytes(), space.walBytes(), space.freeBytes());
    }

    /**
     * Churns for {@code duration} at {@code perSecond} changes a second (or as fast as the store goes, if slower),
     * in commits of what a 200 ms poll reads, sampling the size every {@code every}.
     */
    public List<Sample> run(
            Duration duration, int perSecond, Duration every, java.util.function.Consumer<Sample> report) {
        List<Sample> samples = new ArrayList<>();
        int perCommit = Math.max(1, perSecond / 5);
        long start = System.nanoTime();
        long nextSample = 0;
        long commit = 0;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= nextSample) {
                Sample sample = sample(elapsed / 1e9);
                samples.add(sample);
                report.accept(sample);
                nextSample += every.toNanos();
            }
            if (elapsed >= duration.toNanos()) {
                return samples;
            }
            commit(perCommit, ++commit);
            long due = start + commit * 200_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return samples;
                }
            }
        }
    }

    /** What {@link #plateau} measured: the samples, the file's size half-way and at the end, and a fresh load's bytes a document. */
    public record Plateau(List<Sample> samples, Sample halfWay, Sample end, long freshDocuments, long freshBytes) {
        public double freshBytesPerDocument() {
            return (double) freshBytes / freshDocuments;
        }

        /** The file's bytes a document at the end (the log apart, as the issue measured). */
        public double endBytesPerDocument() {
            return (double) end.fileBytes() / end.documents();
        }

        @Override
        public String toString() {
            return String.format(
                    "file %.1f MB half-way, %.1f MB at the end (%.2fx); %.0f B/doc at the end, a fresh load of the same %d "
                            + "documents %.0f B/doc (%.2fx); at the end the log held %.1f MB and %.1f MB of the file were free",
                    halfWay.fileBytes() / 1e6,
                    end.fileBytes() / 1e6,
                    (double) end.fileBytes() / halfWay.fileBytes(),
                    endBytesPerDocument(),
                    freshDocuments,
                    freshBytesPerDocument(),
                    endBytesPerDocument() / freshBytesPerDocument(),
                    end.walBytes() / 1e6,
                    end.freeBytes() / 1e6);
        }
    }

    /**
     * Loads 1,000 items, churns {@code duration} at {@code perSecond} over 2,000 keys in {@code directory}/churned, then
     * loads the documents it ended with afresh in {@code directory}/fresh, checkpointed, for comparison. With
     * {@code readerPauseMillis} of 0 or more, a {@link #reader} queries the collection meanwhile.
     */
    public static Plateau plateau(
            Path directory,
            Duration duration,
            int perSecond,
            long readerPauseMillis,
            java.util.function.Consumer<Sample> report)
            throws Exception {
        List<Sample> samples;
        Map<Integer, Integer> present = new LinkedHashMap<>();
        try (Store store = Store.open(directory.resolve("churned"), "churn", Transformation.IDENTITY)) {
            StoreChurn churn = new StoreChurn(store, 2_000);
            churn.load(1_000);
            try (AutoCloseable reader = readerPauseMillis < 0 ? () -> {} : reader(store, readerPauseMillis)) {
                samples = churn.run(duration, perSecond, Duration.ofSeconds(10), report);
            }
            for (int i : churn.present()) {
                present.put(i, churn.version(i));
            }
        }
        Sample end = samples.get(samples.size() - 1);
        Sample halfWay = samples.stream()
                .filter(s -> s.seconds() >= end.seconds() / 2)
                .findFirst()
                .orElseThrow();
        try (Store fresh = Store.open(directory.resolve("fresh"), "churn", Transformation.IDENTITY)) {
            Feed feed = fresh.feed();
            List<Map.Entry<Integer, Integer>> documents = new ArrayList<>(present.entrySet());
            for (int start = 0; start < documents.size(); start += 100) {
                Batch page = Batch.fromSnapshot();
                for (Map.Entry<Integer, Integer> document :
                        documents.subList(start, Math.min(documents.size(), start + 100))) {
                    page.upsert(
                            id(document.getKey()),
                            item(document.getKey(), document.getValue()),
                            NOW,
                            id(document.getKey()));
                }
                feed.submit(page, written -> {});
            }
            feed.flush();
            fresh.finishLoad();
            return new Plateau(samples, halfWay, end, fresh.documents(), fresh.bytes());
        }
    }

    /**
     * A reader that queries the collection every {@code pauseMillis} until closed, as users and the query front do
     * while the stream is followed: a query running during a checkpoint keeps that checkpoint from vacuuming.
     */
    public static AutoCloseable reader(Store store, long pauseMillis) {
        Thread thread = new Thread(
                () -> {
                    try (Connection c = store.newConnection();
                            Statement s = c.createStatement()) {
                        while (!Thread.currentThread().isInterrupted()) {
                            try (ResultSet rs = s.executeQuery(
                                    "SELECT count(*), sum(length(body)) FROM " + SqlNames.quote(store.collection()))) {
                                rs.next();
                            }
                            Thread.sleep(pauseMillis);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                },
                "churn-reader");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            thread.interrupt();
            thread.join(10_000);
        };
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        long readerPause = args.length > 3 ? Long.parseLong(args[3]) : -1;
        Files.createDirectories(directory);
        System.out.println(plateau(directory, Duration.ofSeconds(seconds), rate, readerPause, System.out::println));
    }
}
