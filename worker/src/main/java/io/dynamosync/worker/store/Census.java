package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A count of which documents a reader has seen: ids are noted as a full read of the table goes, and those the
 * collection holds beyond them are listed at the end (documents of items the table no longer holds, or that came in
 * meanwhile). Kept in a temporary table on a connection of its own, so a table of any size fits; close it to drop
 * what it noted.
 */
public final class Census implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Census.class);

    private final Connection connection;
    private final String table;

    Census(Connection connection, String table) {
        this.connection = connection;
        this.table = table;
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE _seen (_id VARCHAR)");
        } catch (SQLException e) {
            close();
            throw new StoreException("cannot start a census of documents: " + e.getMessage(), e);
        }
    }

    /** Notes ids seen. */
    public void seen(Collection<String> ids) {
        try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender("temp", "main", "_seen")) {
            for (String id : ids) {
                appender.beginRow();
                appender.append(id);
                appender.endRow();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot note documents seen: " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} ids of documents the collection holds that were not noted. */
    public List<String> unseen(int limit) {
        List<String> ids = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT _id FROM " + table + " EXCEPT SELECT _id FROM _seen LIMIT " + Math.max(0, limit))) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list documents not seen: " + e.getMessage(), e);
        }
        return ids;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a census connection: {}", e.getMessage());
        }
    }
}
