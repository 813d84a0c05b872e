package io.dynamosync.worker.store;

import io.dynamosync.api.worker.WorkerStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the status shows of the store's past, kept in the store so it survives restarts: the
 * latest refused items ({@code _refused}), written in the transaction that refuses them, and every
 * re-bootstrap ({@code _rebootstraps}), written in the transaction that starts the new generation;
 * and the generations themselves ({@code _generations}): the first load is generation 1, each
 * re-bootstrap starts the next, and a generation is served from the transaction that completes it
 * (its load committed and the changes journaled meanwhile applied).
 */
final class History {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);
    static final int REFUSED_KEPT = 20;

    private History() {}

    static void createTables(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS _refused (item_key VARCHAR, reason VARCHAR, refused_at TIMESTAMP WITH TIME ZONE)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS _rebootstraps (happened_at TIMESTAMP WITH TIME ZONE, reason VARCHAR)");
            s.execute("CREATE TABLE IF NOT EXISTS _generations (generation BIGINT PRIMARY KEY, "
                    + "started_at TIMESTAMP WITH TIME ZONE NOT NULL, served_at TIMESTAMP WITH TIME ZONE)");
        }
    }

    /** The generation served (the newest complete one) and the one being built, either null when there is none. */
    record Generations(Long serving, Long building) {}

    static Generations generations(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT max(generation) FILTER (WHERE served_at IS NOT NULL), max(generation), "
                                + "max(generation) FILTER (WHERE served_at IS NULL) FROM _generations")) {
            rs.next();
            Long serving = (Long) rs.getObject(1, Long.class);
            Long newest = (Long) rs.getObject(2, Long.class);
            Long unserved = (Long) rs.getObject(3, Long.class);
            // Only the newest generation can be under construction: an older one never completed and never will.
            return new Generations(serving, unserved != null && unserved.equals(newest) ? newest : null);
        }
    }

    /** Starts the next generation (the first, 1, in a new store), unserved until its load completes. */
    static long startGeneration(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "INSERT INTO _generations SELECT coalesce(max(generation), 0) + 1, now(), NULL FROM _generations "
                                + "RETURNING generation")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records that {@code generation} is served from now on. */
    static void served(Connection connection, long generation) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE _generations SET served_at = now() WHERE generation = ?")) {
            update.setLong(1, generation);
            update.execute();
        }
    }

    /** Records a refused item, keeping the latest {@link #REFUSED_KEPT}. */
    static void refuse(Connection connection, String key, String reason) throws SQLException {
        LOG.warn("refused item {}: {}", key, reason);
        try (PreparedStatement save = connection.prepareStatement("INSERT INTO _refused VALUES (?, ?, ?)")) {
            save.setString(1, key);
            save.setString(2, reason);
            save.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            save.execute();
        }
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM _refused WHERE refused_at < (SELECT min(refused_at) FROM "
                    + "(SELECT refused_at FROM _refused ORDER BY refused_at DESC LIMIT " + REFUSED_KEPT + "))");
        }
    }

    /** A new generation refuses its items anew. */
    static void forgetRefused(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM _refused");
        }
    }

    static List<WorkerStatus.RefusedItem> refused(Connection connection) throws SQLException {
        List<WorkerStatus.RefusedItem> items = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT item_key, reason, refused_at FROM _refused ORDER BY refused_at DESC LIMIT "
                                + REFUSED_KEPT)) {
            while (rs.next()) {
                items.add(new WorkerStatus.RefusedItem(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
        return items;
    }

    static void rebootstrap(Connection connection, WorkerStatus.Rebootstrap rebootstrap) throws SQLException {
        try (PreparedStatement save = connection.prepareStatement("INSERT INTO _rebootstraps VALUES (?, ?)")) {
            save.setObject(1, rebootstrap.at().atOffset(ZoneOffset.UTC));
            save.setString(2, rebootstrap.reason());
            save.execute();
        }
    }

    static List<WorkerStatus.Rebootstrap> rebootstraps(Connection connection) throws SQLException {
        List<WorkerStatus.Rebootstrap> found = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT happened_at, reason FROM _rebootstraps ORDER BY happened_at")) {
            while (rs.next()) {
                found.add(new WorkerStatus.Rebootstrap(
                        rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2)));
            }
        }
        return found;
    }
}
