package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.api.worker.WorkerStatus;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store's own reader connection reads, one read at a time: it sees only what committed, and never waits
 * for the writer. A failure becomes a {@link StoreException} that says what could not be read.
 */
final class Reads {

    private static final Logger LOG = LoggerFactory.getLogger(Reads.class);

    private final Connection reader;
    private final Path file;
    private final String table;
    private final LogCheckpointer checkpointer;

    Reads(Connection reader, Path file, String table, LogCheckpointer checkpointer) {
        this.reader = reader;
        this.file = file;
        this.table = table;
        this.checkpointer = checkpointer;
    }

    List<WorkerStatus.RefusedItem> refusedItems() {
        return read("cannot read the refused items", History::refused);
    }

    List<WorkerStatus.Rebootstrap> rebootstraps() {
        return read("cannot read the re-bootstraps", History::rebootstraps);
    }

    List<JournalEntry> journal(int limit) {
        return read("cannot read the journal", c -> SyncState.journal(c, limit));
    }

    Map<String, JsonNode> checkpoints(String prefix) {
        return read("cannot read checkpoints", c -> SyncState.checkpoints(c, prefix));
    }

    long documents() {
        return read("cannot count " + table, c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    Instant oldestEventTime() {
        return read("cannot read the oldest event time", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT min(_event_time) FROM " + table)) {
                rs.next();
                OffsetDateTime oldest = rs.getObject(1, OffsetDateTime.class);
                return oldest == null ? null : oldest.toInstant();
            }
        });
    }

    StoreSpace space() {
        long volume = 0;
        long usable = 0;
        try {
            FileStore store = Files.getFileStore(file.getParent());
            volume = store.getTotalSpace();
            usable = store.getUsableSpace();
        } catch (IOException e) {
            LOG.debug("cannot read the size of the store's filesystem: {}", e.getMessage());
        }
        long free = read("cannot read the store's size", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT block_size * free_blocks FROM pragma_database_size() "
                            + "WHERE database_name = current_database()")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        return new StoreSpace(LogCheckpointer.size(file), checkpointer.walBytes(), free, volume, usable);
    }

    /** A read on the store's reader connection. */
    @FunctionalInterface
    private interface Read<T> {
        T from(Connection reader) throws SQLException;
    }

    private <T> T read(String failure, Read<T> read) {
        synchronized (reader) {
            try {
                return read.from(reader);
            } catch (SQLException e) {
                throw new StoreException(failure + ": " + e.getMessage(), e);
            }
        }
    }
}
