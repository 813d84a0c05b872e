package io.dynamosync.worker.query;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.sql.SQLException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.duckdb.DuckDBResultSet;

/**
 * The rows as an Arrow IPC stream, batch by batch as DuckDB exports them, for the query front's pulls: no JSON to
 * write or parse on either side, and the front hands the stream to its own DuckDB as it arrives. The stream ends
 * with Arrow's end-of-stream marker only when every row was written; a failure after the first bytes went out (the
 * status and headers are sent by then) ends it with the start of a message that never comes ({@link #BROKEN}), at
 * which a reader fails.
 */
public final class ArrowOutput implements QueryOutput<Long> {

    /** The media type of an Arrow IPC stream, which a request asks for in its {@code Accept} header. */
    public static final String MEDIA_TYPE = "application/vnd.apache.arrow.stream";

    /**
     * Rows a batch. A batch is held whole in native memory on both sides, and an item may be 400 KB; at a few KB a
     * row a batch is still large enough that its framing costs nothing.
     */
    static final int BATCH_ROWS = 256;

    private final BufferAllocator allocator;
    private final Body body;
    private boolean opened;

    ArrowOutput(BufferAllocator allocator, Body body) {
        this.allocator = allocator;
        this.body = body;
    }

    /** Opens the answer's body once the first batch is fetched, so that failures before are answered as JSON errors. */
    @FunctionalInterface
    public interface Body {
        OutputStream open() throws IOException;
    }

    @Override
    public boolean rowLimited() {
        return false;
    }

    @Override
    public boolean exactNumbers() {
        return false;
    }

    /** Whether the body was opened: after that a failure can only end the stream early. */
    public boolean opened() {
        return opened;
    }

    /**
     * Writes batches until the rows end or the limit is reached; the batch that reaches it is written whole, so a
     * reader asking for one row more than it takes sees that there were more. The first batch is fetched before the
     * body opens, so that a statement failing as it starts (a streamed statement runs as its rows are fetched) is
     * still answered with a JSON error. A failure after the body opened ends the stream with {@link #BROKEN}.
     *
     * @return the rows written
     */
    @Override
    public Long write(Result result) throws SQLException, IOException {
        DuckDBResultSet rows = result.rows().unwrap(DuckDBResultSet.class);
        long written = 0;
        try (ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, BATCH_ROWS)) {
            boolean more;
            try {
                more = reader.loadNextBatch();
            } catch (IOException e) {
                // DuckDB's own error, raised by the first fetch: the statement failed, nothing was sent.
                throw new SQLException(e.getMessage(), e);
            }
            OutputStream out = body.open();
            opened = true;
            try {
                ArrowStreamWriter writer =
                        new ArrowStreamWriter(reader.getVectorSchemaRoot(), reader, Channels.newChannel(out));
                writer.start();
                while (more) {
                    written += reader.getVectorSchemaRoot().getRowCount();
                    writer.writeBatch();
                    if (result.stopped().getAsBoolean()) {
                        throw new IOException("the query was stopped");
                    }
                    more = written < result.limit() && reader.loadNextBatch();
                }
                writer.end();
                out.flush();
            } catch (IOException | RuntimeException e) {
                breakOff(out);
                throw e;
            }
        }
        return written;
    }

    /**
     * What a stream that failed after its first bytes ends with: Arrow's continuation marker and the length of a
     * 16-byte message that never comes, so that a reader fails at it, whatever the last batch's bytes were, instead of
     * taking the end of the bytes for the end of the rows.
     */
    static final byte[] BROKEN = {-1, -1, -1, -1, 16, 0, 0, 0};

    private static void breakOff(OutputStream out) {
        try {
            out.write(BROKEN);
            out.flush();
        } catch (IOException e) {
            // The client is gone: it sees the stream break anyway.
        }
    }
}
