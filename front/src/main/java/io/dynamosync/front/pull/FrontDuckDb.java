package io.dynamosync.front.pull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The front's own DuckDB for one query across collections: in memory, fresh for each query (so queries share
 * nothing), under a memory limit (spilling nowhere: it has no files), and confined as the workers' are: once the
 * pulled collections are in, file and network access are off and the configuration locked, so the user's statement
 * can reach no file, URL, extension or environment variable.
 *
 * @param memoryLimitBytes DuckDB's {@code memory_limit} for one query
 * @param threads DuckDB's {@code threads} for one query
 */
public record FrontDuckDb(long memoryLimitBytes, int threads) {

    /** A new in-memory database, not yet confined, so that pulled collections can be loaded into it. */
    public Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("memory_limit", Math.max(1, memoryLimitBytes / 1024) + "KiB");
        properties.setProperty("threads", Integer.toString(threads));
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        return DriverManager.getConnection("jdbc:duckdb:", properties);
    }

    /** Turns file, network and extension access off and locks the configuration, for the rest of its life. */
    public static void confine(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        }
    }

    /** A database only for parsing ({@code json_serialize_sql}), confined from the start. */
    public Connection parser() throws SQLException {
        Connection connection = open();
        confine(connection);
        return connection;
    }
}
