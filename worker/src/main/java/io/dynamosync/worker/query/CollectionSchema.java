package io.dynamosync.worker.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The collection's table as queries see it: each column with its DuckDB type and the DynamoDB
 * attribute it holds (null for {@code _id}, {@code _event_time} and transformation outputs).
 */
public record CollectionSchema(String collection, List<Column> columns) {

    /** One column of the collection's table. */
    public record Column(String name, String type, String attribute) {}

    /** The columns of {@code collection}'s table; exact companions are no column of their own. */
    static CollectionSchema read(Connection connection, String collection) throws SQLException {
        ExactColumns exact = ExactColumns.read(connection, collection);
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT c.column_name, c.data_type, m.attribute "
                + "FROM information_schema.columns c LEFT JOIN _columns m ON m.column_name = c.column_name "
                + "WHERE c.table_schema = 'main' AND c.table_name = ? ORDER BY c.ordinal_position")) {
            query.setString(1, collection);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    if (!exact.isCompanion(rs.getString(1))) {
                        columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return new CollectionSchema(collection, columns);
    }
}
