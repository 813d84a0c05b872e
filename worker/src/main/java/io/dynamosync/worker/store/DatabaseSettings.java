package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Settings for the whole database (DuckDB's {@code memory_limit} and {@code threads}), applied on the store's
 * connection as soon as it is open: before anything the opening itself may run, such as rewriting an old store's
 * table, which would otherwise run under DuckDB's defaults (80% of the machine's memory, not the container's).
 */
@FunctionalInterface
public interface DatabaseSettings {
    void apply(Connection connection) throws SQLException;
}
