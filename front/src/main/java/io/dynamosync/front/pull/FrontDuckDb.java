package io.dynamosync.front.pull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The front's own DuckDB, for parsing statements and for each query across collections: in memory, a fresh database
 * each time it is opened (so queries share nothing), under a memory limit (spilling nowhere: it has no files), and
 * confined as the workers' are from the start: file and network access off, extensions neither installed nor
 * loaded, the configuration locked, so a statement can reach no file, URL, extension or environment variable.
 * Loading pulled rows needs none of these.
 *
 * @param memoryLimitBytes DuckDB's {@code memory_limit} for one query
 * @param threads DuckDB's {@code threads} for one query
 */
public record FrontDuckDb(long memoryLimitBytes, int threads) {

    /** A new, confined in-memory database. */
    public Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("memory_limit", Math.max(1, memoryLimitBytes / 1024) + "KiB");
        properties.setProperty("threads", Integer.toString(threads));
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        try (Statement s = connection.createStatement()) {
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
