package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generations of a collection, kept in {@code _generations}: the first load is generation 1, each re-bootstrap
 * starts the next, and a generation is served from the transaction that completes it (its load committed and the
 * changes journaled meanwhile applied). The first generation is built in the collection's own table; a later one in
 * a table beside it ({@code <name>__building}), into which every write goes while the served table answers queries,
 * and which takes the served table's place, by rename, in the transaction that completes it.
 *
 * <p>Used on the store's writer thread; what it serves is read from any.
 */
final class Generations {

    private static final Logger LOG = LoggerFactory.getLogger(Generations.class);
    /** Appended to the collection's name to name the generation built beside the served one. */
    static final String BUILDING_SUFFIX = "__building";

    /** The generation served (the newest complete one) and the one being built, either null when there is none. */
    record State(Long serving, Long building) {}

    private final Connection connection;
    private final String collection;
    private final String table;
    private final String building;
    private final Catalog catalog;
    private final Ingest ingest;
    /** Whether a new generation is being built beside the served table. */
    private volatile boolean rebuilding;

    private volatile State state = new State(null, null);

    Generations(Connection connection, String collection, Catalog catalog, Ingest ingest) {
        this.connection = connection;
        this.collection = collection;
        this.table = SqlNames.quote(collection);
        this.building = SqlNames.quote(collection + BUILDING_SUFFIX);
        this.catalog = catalog;
        this.ingest = ingest;
    }

    static void createTable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS _generations (generation BIGINT PRIMARY KEY, "
                    + "started_at TIMESTAMP WITH TIME ZONE NOT NULL, served_at TIMESTAMP WITH TIME ZONE)");
        }
    }

    /** The generations as {@code connection} sees them (a reader in a transaction: in its snapshot). */
    static State read(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT max(generation) FILTER (WHERE served_at IS NOT NULL), max(generation), "
                                + "max(generation) FILTER (WHERE served_at IS NULL) FROM _generations")) {
            rs.next();
            Long serving = (Long) rs.getObject(1, Long.class);
            Long newest = (Long) rs.getObject(2, Long.class);
            Long unserved = (Long) rs.getObject(3, Long.class);
            // Only the newest generation can be under construction: an older one never completed and never will.
            return new State(serving, unserved != null && unserved.equals(newest) ? newest : null);
        }
    }

    /** Whether the store holds a generation being built beside the served one (a re-load a restart interrupted). */
    boolean buildingTableExists() throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?")) {
            query.setString(1, collection + BUILDING_SUFFIX);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /**
     * Points writes at the generation being built ({@code rebuilding}) or the served table, and reads the
     * generations, starting the first in a new store; a store from before generations were kept whose load is
     * complete serves it.
     */
    void open(boolean rebuilding) throws SQLException {
        target(rebuilding, loadComplete());
        catalog.load();
        State found = read(connection);
        if (found.serving() == null && found.building() == null) {
            start();
            found = read(connection);
        }
        if (found.building() != null && !rebuilding && complete()) {
            served(found.building());
            found = new State(found.building(), null);
        }
        state = found;
    }

    Long serving() {
        return state.serving();
    }

    Long building() {
        return state.building();
    }

    boolean rebuilding() {
        return rebuilding;
    }

    /**
     * Within a commit's transaction: when the generation being written is complete as seen inside it, serves it (in a
     * re-build, by putting its table in the served one's place) and returns it; else null. Call {@link #served} once
     * the transaction has committed.
     */
    Long completeIfDone() throws SQLException {
        Long built = state.building();
        if (built == null || !complete()) {
            return null;
        }
        if (rebuilding) {
            execute("DROP TABLE " + table);
            execute("ALTER TABLE " + building + " RENAME TO " + table);
        }
        served(built);
        return built;
    }

    /** The transaction that completed {@code generation} has committed: writes go to the served table again. */
    void completed(long generation) throws SQLException {
        state = new State(generation, null);
        if (rebuilding) {
            target(false, true);
            catalog.load();
        }
        LOG.info("collection {}: generation {} is complete and served", collection, generation);
    }

    /**
     * Within a re-bootstrap's transaction: makes an empty table for the next generation beside the served one and
     * records that generation; returns it. Call {@link #started} once the transaction has committed.
     */
    long startBeside() throws SQLException {
        // The served table stays until the new generation, built beside it, is complete.
        execute("DROP TABLE IF EXISTS " + building);
        execute("CREATE TABLE " + building + " (_id VARCHAR, _event_time TIMESTAMP WITH TIME ZONE)");
        return start();
    }

    /** The transaction that started {@code generation} beside the served one has committed: writes go to it. */
    void started(long generation) throws SQLException {
        state = new State(state.serving(), generation);
        target(true, false);
        catalog.load();
    }

    /** Writes go to the generation being built, or to the served table. */
    private void target(boolean toBuilding, boolean keyed) {
        rebuilding = toBuilding;
        String name = toBuilding ? collection + BUILDING_SUFFIX : collection;
        catalog.target(name);
        ingest.target(name, keyed);
    }

    /**
     * Whether the load of the generation written to has committed as complete: its table is then keyed (see
     * {@link Ingest#keyIfLoading()}); before, a load appends.
     */
    private boolean loadComplete() throws SQLException {
        return queryBoolean("SELECT " + loadCompleteSql());
    }

    /** Whether the generation written to is complete: its load committed as complete and its journal applied. */
    private boolean complete() throws SQLException {
        return queryBoolean("SELECT " + loadCompleteSql() + " AND NOT EXISTS (SELECT 1 FROM _journal)");
    }

    private static String loadCompleteSql() {
        return "coalesce((SELECT CAST(json_extract(value, '$.complete') AS BOOLEAN) FROM _sync_state WHERE name = "
                + SqlNames.literal(Store.LOAD_CHECKPOINT) + "), false)";
    }

    private boolean queryBoolean(String sql) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Starts the next generation (the first, 1, in a new store), unserved until its load completes. */
    private long start() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "INSERT INTO _generations SELECT coalesce(max(generation), 0) + 1, now(), NULL FROM _generations "
                                + "RETURNING generation")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records that {@code generation} is served from now on. */
    private void served(long generation) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE _generations SET served_at = now() WHERE generation = ?")) {
            update.setLong(1, generation);
            update.execute();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
