package io.dynamosync.worker.query;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** How the store's database is confined before users' SQL runs on it, and how its connections stream results. */
final class Confinement {

    private Confinement() {}

    /**
     * Has DuckDB hand the results of this connection's queries over as they are made, rather than
     * all at once when the query ends, so reading stops at the row limit; false when the
     * configuration is locked already.
     */
    static boolean streamResults(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION jdbc_stream_results = true");
            return true;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("locked")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Turns off every file and network access from SQL (read_csv, COPY, ATTACH, INSTALL, LOAD,
     * httpfs...) and locks the configuration so no statement can turn it back on. Both are
     * settings of the whole database, so the store's writer runs under them too; it needs
     * neither, as it only writes its own file and reads values it binds itself.
     */
    static void lockDown(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            boolean locked;
            try (ResultSet rs = s.executeQuery(
                    "SELECT current_setting('lock_configuration'), current_setting('enable_external_access')")) {
                rs.next();
                locked = rs.getBoolean(1);
                if (locked && rs.getBoolean(2)) {
                    throw new IllegalStateException(
                            "the store's configuration is locked with external access on; queries would not be confined");
                }
            }
            if (!locked) {
                s.execute("SET enable_external_access = false");
                s.execute("SET lock_configuration = true");
            }
        }
    }
}
