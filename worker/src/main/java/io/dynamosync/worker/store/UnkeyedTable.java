package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collection's tables have no primary key: DuckDB never vacuums the deleted rows of a table with an index, so
 * such a table grows with every change (see {@link Store}). A table an earlier version gave a key is copied into one
 * without, in one transaction; the copy holds only the live rows, so this also gives back what it had grown by.
 */
final class UnkeyedTable {

    private static final Logger LOG = LoggerFactory.getLogger(UnkeyedTable.class);

    /** Appended to a table's name to name the copy that replaces it. */
    static final String COPY_SUFFIX = "__copy";

    private UnkeyedTable() {}

    /** Copies {@code tableName} without its primary key, if it has one; returns whether it did. */
    static boolean copyWithoutKey(Connection connection, String tableName) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'main' "
                        + "AND table_name = ? AND constraint_type = 'PRIMARY KEY'")) {
            query.setString(1, tableName);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return false;
                }
            }
        }
        long started = System.nanoTime();
        String quoted = SqlNames.quote(tableName);
        String copy = SqlNames.quote(tableName + COPY_SUFFIX);
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + copy);
            s.execute("CREATE TABLE " + copy + " AS SELECT * FROM " + quoted);
            s.execute("DROP TABLE " + quoted);
            s.execute("ALTER TABLE " + copy + " RENAME TO " + quoted);
            connection.commit();
            LOG.info(
                    "copied table {} without its key index, so that DuckDB reclaims the rows changes replace, in {} ms",
                    tableName,
                    (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
