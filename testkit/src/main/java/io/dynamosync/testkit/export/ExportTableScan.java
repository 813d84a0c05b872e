package io.dynamosync.testkit.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Reads a whole table for an export, strongly consistent, in parallel segments from DynamoDB Local, into gzipped
 * data files of DynamoDB JSON lines ({@code {"Item":{...}}}), spreading the items over the files in turn.
 */
final class ExportTableScan {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawDynamoDb dynamoDb;
    private final int dataFiles;

    ExportTableScan(RawDynamoDb dynamoDb, int dataFiles) {
        this.dynamoDb = dynamoDb;
        this.dataFiles = dataFiles;
    }

    /** The data files, written to temporary files (a table of a million items does not fit a heap twice), and their counts. */
    record DataFiles(List<Path> contents, List<Long> counts, long items, long billedBytes) {}

    /** Segments of the parallel scan an export reads the table with (DynamoDB Local scans slowly one page at a time). */
    private static final int SCAN_SEGMENTS = 4;
    /** Items asked for the first page of a segment's scan; later pages ask for twice what the last one held. */
    private static final int PAGE_ITEMS = 1_000;

    /**
     * Scans the whole table, strongly consistent, in {@link #SCAN_SEGMENTS} parallel segments, spreading items over
     * the data files in turn.
     */
    DataFiles write(String table) throws IOException {
        int fileCount = dataFiles;
        List<Path> paths = new ArrayList<>();
        List<GZIPOutputStream> gzips = new ArrayList<>();
        long[] counts = new long[fileCount];
        for (int i = 0; i < fileCount; i++) {
            Path path = Files.createTempFile("export-", ".json.gz");
            paths.add(path);
            gzips.add(new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)));
        }
        AtomicLong items = new AtomicLong();
        AtomicLong billed = new AtomicLong();
        boolean scanned = false;
        ExecutorService segments = Executors.newFixedThreadPool(SCAN_SEGMENTS, r -> {
            Thread t = new Thread(r, "export-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> scans = new ArrayList<>();
            for (int segment = 0; segment < SCAN_SEGMENTS; segment++) {
                int mine = segment;
                scans.add(segments.submit(() -> {
                    scanSegment(table, mine, gzips, counts, items, billed);
                    return null;
                }));
            }
            for (Future<?> scan : scans) {
                scan.get();
            }
            scanned = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scanning " + table, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } finally {
            segments.shutdownNow();
            for (GZIPOutputStream gzip : gzips) {
                gzip.close();
            }
            if (!scanned) {
                for (Path path : paths) {
                    Files.deleteIfExists(path);
                }
            }
        }
        List<Long> countList = new ArrayList<>();
        for (long count : counts) {
            countList.add(count);
        }
        return new DataFiles(paths, countList, items.get(), billed.get());
    }

    private void scanSegment(
            String table, int segment, List<GZIPOutputStream> gzips, long[] counts, AtomicLong items, AtomicLong billed)
            throws IOException {
        JsonNode startKey = null;
        int limit = PAGE_ITEMS;
        do {
            ObjectNode scan = JSON.createObjectNode();
            scan.put("TableName", table);
            scan.put("ConsistentRead", true);
            scan.put("Segment", segment);
            scan.put("TotalSegments", SCAN_SEGMENTS);
            // DynamoDB Local reads Limit rows (or the rest of the segment, without one) for every page, even when
            // 1 MB ends the page first: asking for twice what the last page held keeps a scan linear in the table.
            scan.put("Limit", limit);
            if (startKey != null) {
                scan.set("ExclusiveStartKey", startKey);
            }
            JsonNode page = dynamoDb.call("Scan", scan);
            for (JsonNode item : page.path("Items")) {
                ObjectNode line = JSON.createObjectNode();
                line.set("Item", item);
                byte[] bytes = JSON.writeValueAsBytes(line);
                int file = (int) (items.getAndIncrement() % gzips.size());
                GZIPOutputStream gzip = gzips.get(file);
                synchronized (gzip) {
                    gzip.write(bytes);
                    gzip.write('\n');
                    counts[file]++;
                }
                billed.addAndGet(bytes.length);
            }
            startKey = page.get("LastEvaluatedKey");
            int count = page.path("Items").size();
            if (count < limit) {
                limit = Math.max(1, 2 * count);
            }
        } while (startKey != null && !startKey.isEmpty());
    }
}
