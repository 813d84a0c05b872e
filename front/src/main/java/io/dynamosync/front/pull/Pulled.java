package io.dynamosync.front.pull;

import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.plan.QueryPlan;
import io.dynamosync.front.plan.WorkerSql;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;

/**
 * One collection's rows in the front's DuckDB, as table {@code "workspace"."collection"} (and as
 * {@code main."collection"} too when the statement names it bare, so that the statement runs there as written),
 * loaded from its worker's answer as an Arrow stream: DuckDB reads the stream batch by batch as it arrives, so the
 * front holds one batch at a time outside DuckDB, and the rows themselves live under DuckDB's memory limit.
 */
final class Pulled {

    private static final AtomicLong STREAMS = new AtomicLong();

    /** A pulled column: its name and its DuckDB type in the collection. */
    record Column(String name, String type) {}

    private final QueryPlan.Target target;
    private final Optional<Instant> syncedAsOf;
    private final List<Column> columns;
    private long rows;
    private long bytes;

    /**
     * @param syncedAsOf when the worker's data was synced to, read before the pull
     * @param columns the columns pulled, in the order the worker is asked for them
     */
    Pulled(QueryPlan.Target target, Optional<Instant> syncedAsOf, List<Column> columns) {
        this.target = target;
        this.syncedAsOf = syncedAsOf;
        this.columns = List.copyOf(columns);
    }

    QueryPlan.Target target() {
        return target;
    }

    Optional<Instant> syncedAsOf() {
        return syncedAsOf;
    }

    /** How many rows were pulled. */
    long rows() {
        return rows;
    }

    /** How many bytes of Arrow stream the worker sent. */
    long bytes() {
        return bytes;
    }

    /** Creates the collection's table, empty, with its columns' types. The caller holds the connection meanwhile. */
    void create(Connection connection) throws SQLException {
        List<String> definitions = new ArrayList<>();
        for (Column column : columns) {
            definitions.add(WorkerSql.quoted(column.name()) + " " + column.type());
        }
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + WorkerSql.quoted(target.workspace()));
            s.execute("CREATE TABLE " + table() + " (" + String.join(", ", definitions) + ")");
            if (target.references().stream().anyMatch(r -> r.bare())) {
                s.execute("CREATE VIEW main." + WorkerSql.quoted(target.collection()) + " AS SELECT * FROM " + table());
            }
        }
    }

    /**
     * Loads the worker's Arrow stream into the table, through {@code own}, a connection to the same database that
     * this pull alone uses, so that pulls load side by side. A stream without Arrow's end-of-stream marker was cut
     * short, and fails the query rather than answer from part of the collection.
     */
    void load(Connection own, InputStream answer, BufferAllocator memory) throws SQLException {
        EndMarked in = new EndMarked(answer);
        String stream = "__front_pull_" + STREAMS.incrementAndGet();
        List<String> values = new ArrayList<>();
        for (Column column : columns) {
            values.add("CAST(" + WorkerSql.quoted(column.name()) + " AS " + column.type() + ")");
        }
        try (ArrowStreamReader reader = new ArrowStreamReader(in, memory);
                ArrowArrayStream exported = ArrowArrayStream.allocateNew(memory)) {
            Data.exportArrayStream(memory, reader, exported);
            own.unwrap(DuckDBConnection.class).registerArrowStream(stream, exported);
            try (Statement s = own.createStatement()) {
                rows = s.executeUpdate("INSERT INTO " + table() + " SELECT " + String.join(", ", values) + " FROM "
                        + WorkerSql.quoted(stream));
                s.execute("DROP VIEW " + WorkerSql.quoted(stream));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
                throw new ApiError(
                        400,
                        ApiError.RESOURCE_EXCEEDED,
                        "collection " + target.name() + "'s rows to pull do not fit in the memory the front gives one"
                                + " query; narrow the query with conditions on that collection alone");
            }
            if (!in.ended()) {
                // The stream broke before its end: DuckDB says so with the reader's whole stack trace.
                String first = e.getMessage() == null
                        ? "no message"
                        : e.getMessage().lines().findFirst().orElse("");
                throw ApiError.notReady(
                        target.name(),
                        "its worker's answer broke off before its last rows ("
                                + first.substring(0, Math.min(200, first.length())) + ")");
            }
            throw e;
        } catch (IOException e) {
            throw ApiError.notReady(target.name(), "its worker's answer broke off: " + e.getMessage());
        }
        bytes = in.count();
        if (!in.ended()) {
            throw ApiError.notReady(
                    target.name(), "its worker's answer ended before its last rows (the worker stopped the query)");
        }
    }

    private String table() {
        return WorkerSql.quoted(target.workspace()) + "." + WorkerSql.quoted(target.collection());
    }

    /** A stream that counts its bytes and tells whether its last eight were Arrow's end-of-stream marker. */
    private static final class EndMarked extends java.io.FilterInputStream {

        private static final byte[] MARKER = {-1, -1, -1, -1, 0, 0, 0, 0};

        private final byte[] last = new byte[MARKER.length];
        private long count;

        EndMarked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                remember(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                remember(buffer, offset, n);
            }
            return n;
        }

        private void remember(byte[] buffer, int offset, int n) {
            int keep = Math.min(n, last.length);
            System.arraycopy(last, keep, last, 0, last.length - keep);
            System.arraycopy(buffer, offset + n - keep, last, last.length - keep, keep);
            count += n;
        }

        long count() {
            return count;
        }

        /** Whether the last bytes read were the end-of-stream marker. */
        boolean ended() {
            return java.util.Arrays.equals(last, MARKER);
        }
    }
}
