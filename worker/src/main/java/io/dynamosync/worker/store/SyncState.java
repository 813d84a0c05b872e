package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The checkpoints ({@code _sync_state}) and the journal of stream records waiting for the load
 * to end ({@code _journal}): written inside the writer's transaction, read on a connection of
 * their own so readers see only what committed.
 */
final class SyncState {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncState() {}

    static void writeJournal(DuckDBConnection connection, Batch batch) throws SQLException {
        if (!batch.journalEntries().isEmpty()) {
            long next;
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT coalesce(max(position), 0) FROM _journal")) {
                rs.next();
                next = rs.getLong(1) + 1;
            }
            try (DuckDBAppender append = connection.createAppender("_journal")) {
                for (JsonNode entry : batch.journalEntries()) {
                    append.beginRow();
                    append.append(next++);
                    append.append(entry.toString());
                    append.endRow();
                }
            }
        }
        if (batch.forgetJournalUpTo() >= 0) {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM _journal WHERE position <= ?")) {
                forget.setLong(1, batch.forgetJournalUpTo());
                forget.execute();
            }
        }
    }

    static void writeCheckpoints(Connection connection, Map<String, JsonNode> checkpoints) throws SQLException {
        for (Map.Entry<String, JsonNode> checkpoint : checkpoints.entrySet()) {
            if (checkpoint.getValue() == null) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM _sync_state WHERE name = ?")) {
                    delete.setString(1, checkpoint.getKey());
                    delete.execute();
                }
            } else {
                try (PreparedStatement save =
                        connection.prepareStatement("INSERT OR REPLACE INTO _sync_state VALUES (?, ?, now())")) {
                    save.setString(1, checkpoint.getKey());
                    save.setString(2, checkpoint.getValue().toString());
                    save.execute();
                }
            }
        }
    }

    static List<JournalEntry> journal(Connection connection, int limit) throws SQLException {
        List<JournalEntry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT position, CAST(entry AS VARCHAR) FROM _journal ORDER BY position LIMIT ?")) {
            query.setInt(1, limit);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    entries.add(new JournalEntry(rs.getLong(1), JSON.readTree(rs.getString(2))));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, JsonNode> checkpoints(Connection connection, String prefix) throws SQLException {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT name, CAST(value AS VARCHAR) FROM _sync_state WHERE starts_with(name, ?) ORDER BY name")) {
            query.setString(1, prefix);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), JSON.readTree(rs.getString(2)));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
