package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The log of changed documents ({@code _changes}): for each commit to the served table, the commit's sequence number
 * and the {@code _id} of every document it upserted or deleted, written in that commit's transaction. A reader that
 * remembers the sequence it has seen (a publisher) finds what changed since in the log, and forgets what it no
 * longer needs ({@link ChangeFeed#forgetBefore(long)}).
 *
 * <p>Sequence numbers only grow, also across restarts and a log made anew: a new log starts with a marker row (no
 * {@code _id}) at the time it was made in microseconds, above any sequence an older log reached. So a reader whose
 * sequence is below the log's lowest knows that it missed changes and must read the whole table again.
 */
final class ChangeLog {

    static final String TABLE = "_changes";

    private long next;

    private ChangeLog(long next) {
        this.next = next;
    }

    /** Opens the log, making it (with its marker) when the store has none. */
    static ChangeLog open(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (seq BIGINT NOT NULL, _id VARCHAR)");
            try (ResultSet rs = s.executeQuery("SELECT max(seq) FROM " + TABLE)) {
                rs.next();
                long last = rs.getLong(1);
                if (!rs.wasNull()) {
                    return new ChangeLog(last + 1);
                }
            }
        }
        long marker = System.currentTimeMillis() * 1000;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, NULL)")) {
            insert.setLong(1, marker);
            insert.executeUpdate();
        }
        return new ChangeLog(marker + 1);
    }

    /** Logs the ids staged in {@code _changed} as one commit, inside the caller's transaction. */
    void record(Connection connection) throws SQLException {
        record(connection, "_changed");
    }

    /** Logs the {@code _id}s of table {@code from} as one commit, inside the caller's transaction. */
    void record(Connection connection, String from) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + TABLE + " SELECT ?, _id FROM " + from)) {
            insert.setLong(1, next++);
            insert.executeUpdate();
        }
    }

    /** Drops the entries below {@code sequence}; those at it stay, so the log's lowest sequence never passes it. */
    static void forgetBefore(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE seq < ?")) {
            delete.setLong(1, sequence);
            delete.executeUpdate();
        }
    }
}
