package io.dynamosync.worker.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The collection's number columns that the store holds as {@code DOUBLE} (or {@code DOUBLE[]} for
 * a number set) because no exact SQL type holds all their values, each with the companion column
 * ({@code <column>__exact}, text) holding every value's exact digits. Queries compute with the
 * {@code DOUBLE}; answers show the companion's digits instead, and never the companion itself.
 */
record ExactColumns(Map<String, Pair> byBase) {

    /** A {@code DOUBLE} column and its companion, as the table names them. */
    record Pair(String base, String companion, boolean list) {}

    /**
     * Reads the pairs of {@code table}: a column {@code x} of an attribute (in {@code _columns}) typed
     * {@code DOUBLE} or {@code DOUBLE[]}, beside a text column {@code x__exact} of the same shape.
     */
    static ExactColumns read(Connection connection, String table) throws SQLException {
        Map<String, Pair> pairs = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT b.column_name, e.column_name, b.data_type "
                + "FROM information_schema.columns b JOIN information_schema.columns e "
                + "ON e.table_schema = b.table_schema AND e.table_name = b.table_name "
                + "AND lower(e.column_name) = lower(b.column_name) || '__exact' "
                + "AND e.data_type = CASE b.data_type WHEN 'DOUBLE' THEN 'VARCHAR' ELSE 'VARCHAR[]' END "
                + "WHERE b.table_schema = 'main' AND b.table_name = ? AND b.data_type IN ('DOUBLE', 'DOUBLE[]') "
                + "AND lower(b.column_name) IN (SELECT lower(column_name) FROM _columns) "
                + "ORDER BY b.ordinal_position")) {
            query.setString(1, table);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Pair pair = new Pair(
                            rs.getString(1), rs.getString(2), rs.getString(3).endsWith("[]"));
                    pairs.put(pair.base().toLowerCase(Locale.ROOT), pair);
                }
            }
        }
        return new ExactColumns(Collections.unmodifiableMap(pairs));
    }

    boolean isEmpty() {
        return byBase.isEmpty();
    }

    Collection<Pair> pairs() {
        return byBase.values();
    }

    /** The pair whose {@code DOUBLE} column is {@code name} (any case), or null. */
    Pair ofBase(String name) {
        return byBase.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code name} (any case) is a companion column. */
    boolean isCompanion(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return byBase.values().stream()
                .anyMatch(p -> p.companion().toLowerCase(Locale.ROOT).equals(lower));
    }
}
