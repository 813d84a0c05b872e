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
 * re-bootstrap ({@code _rebootstraps}), written in the transaction that starts the new generation
 * ({@link Generations}).
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
