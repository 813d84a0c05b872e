package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A collection's retention: a document whose {@code _event_time} is older than the period leaves query answers at
 * once, through a view each query connection puts in front of the collection's table ({@link #hideExpired}), and the
 * store soon after, as the writer deletes such documents a bounded batch at a time between transactions
 * ({@link #expire}). A document whose {@code _event_time} is null is kept: nothing says how old it is.
 *
 * <p>The table gets no index on {@code _event_time}: DuckDB never vacuums the deleted rows of a table with an index
 * (see {@link Store}). The delete's filter on {@code _event_time} is pushed into DuckDB's scan instead, where each row
 * group's minimum and maximum (its zone map) let the scan skip every group that holds nothing expired; a pass that
 * finds nothing expired reads no rows. Rows are appended as they are written, so where event times follow write times
 * (stream record times, load times) the expired rows sit in the oldest groups and only those are read. Measured on 4
 * million documents, one thread: a pass that finds nothing takes under 1 ms, deleting 10,000 documents about 2 ms in
 * write order and about 20 ms with event times unrelated to write order (a transformation's own field).
 */
public final class Retention {

    /** The most documents one pass deletes, so that no pass holds the writer much longer than a commit. */
    static final int BATCH = 50_000;

    private final String written;
    private final Duration period;

    /**
     * @param written the retention as the collection's settings write it ({@code 30d}), for the status
     * @param period how long a document is kept after its {@code _event_time}
     */
    public Retention(String written, Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a retention must be longer than 0, was " + period);
        }
        this.written = written;
        this.period = period;
    }

    /** The retention as the settings wrote it. */
    public String written() {
        return written;
    }

    /** How long a document is kept after its {@code _event_time}. */
    public Duration period() {
        return period;
    }

    /**
     * Puts a temporary view named after the collection in front of its table, on this connection only, showing the
     * documents kept as of each query's start ({@code now()} is the transaction's start time). DuckDB looks names up in
     * the connection's temporary schema first, so queries naming the collection, qualified by {@code main} or not, read
     * the view; the view names the table with its database, so it does not read itself. The view is bound at each
     * query, so it follows the columns the table gains and the table a re-load swaps in.
     */
    public void hideExpired(Connection connection, String collection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            String database;
            try (ResultSet rs = s.executeQuery("SELECT current_database()")) {
                rs.next();
                database = rs.getString(1);
            }
            s.execute("CREATE OR REPLACE TEMP VIEW " + SqlNames.quote(collection) + " AS SELECT * FROM "
                    + SqlNames.quote(database) + ".main." + SqlNames.quote(collection)
                    + " WHERE _event_time IS NULL OR _event_time >= now() - to_seconds(" + period.toSeconds() + ")");
        }
    }

    /**
     * Deletes at most {@link #BATCH} documents of {@code table} whose {@code _event_time} is past the retention at
     * {@code now}, in the connection's transaction; when {@code log} is not null, their {@code _id}s go in the log of
     * changed documents in the same transaction, so that a published table drops them too.
     *
     * @return the number deleted; fewer than {@link #BATCH} when none past the retention is left
     */
    long expire(Connection connection, String table, Instant now, ChangeLog log) throws SQLException {
        OffsetDateTime cutoff = now.minus(period).atOffset(ZoneOffset.UTC);
        if (log == null) {
            // The outer filter repeats the inner one so that the delete's own scan, too, skips groups by their zone
            // maps.
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                    + " WHERE _event_time < ? AND rowid IN (SELECT rowid FROM " + table
                    + " WHERE _event_time < ? LIMIT " + BATCH + ")")) {
                delete.setObject(1, cutoff);
                delete.setObject(2, cutoff);
                return delete.executeUpdate();
            }
        }
        // The rows picked once, so that the log names exactly the documents deleted.
        try (PreparedStatement pick = connection.prepareStatement("CREATE OR REPLACE TEMP TABLE _expiring AS SELECT"
                        + " rowid AS row_id, _id FROM " + table + " WHERE _event_time < ? LIMIT " + BATCH);
                Statement s = connection.createStatement()) {
            pick.setObject(1, cutoff);
            pick.executeUpdate();
            log.record(connection, "_expiring");
            int deleted = s.executeUpdate("DELETE FROM " + table + " WHERE rowid IN (SELECT row_id FROM _expiring)");
            s.execute("DROP TABLE _expiring");
            return deleted;
        }
    }
}
