package io.dynamosync.worker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store's DuckDB file: opening it with the database's settings, and the tables every store has. */
final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database() {}

    /** Opens (or creates) {@code directory}'s store file, applying {@code settings} before anything else runs. */
    static DuckDBConnection open(Path file, DatabaseSettings settings) throws IOException, SQLException {
        Files.createDirectories(file.getParent());
        DuckDBConnection connection =
                (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        settings.apply(connection);
        try (Statement s = connection.createStatement()) {
            s.execute("SET checkpoint_threshold = '" + LogCheckpointer.AUTOMATIC_CHECKPOINT + "'");
        } catch (SQLException e) {
            // A database still open in this process with its configuration locked by the query
            // runner keeps the threshold it was given when first opened.
            LOG.debug("checkpoint threshold left as it is: {}", e.getMessage());
        }
        return connection;
    }

    /**
     * The collection's table (without a key: see {@link Store}), the checkpoints, the journal, the columns, the
     * history and the generations.
     */
    static void createTables(Connection connection, String collection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + SqlNames.quote(collection)
                    + " (_id VARCHAR, _event_time TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE IF NOT EXISTS _sync_state (name VARCHAR PRIMARY KEY, value JSON, "
                    + "updated_at TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE IF NOT EXISTS _journal (position BIGINT PRIMARY KEY, entry JSON NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS _columns (attribute VARCHAR PRIMARY KEY, "
                    + "column_name VARCHAR NOT NULL, staged_type JSON NOT NULL, position INTEGER NOT NULL)");
        }
        History.createTables(connection);
        Generations.createTable(connection);
    }
}
