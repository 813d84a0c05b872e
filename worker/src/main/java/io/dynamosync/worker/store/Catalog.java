package io.dynamosync.worker.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which column each attribute has, and of which type, as recorded in {@code _columns}; and the
 * collection table's columns as DuckDB has them. DuckDB compares names without case, so each
 * attribute gets a column name of its own: its own name, unless another attribute differing only
 * in case came first, then its name with {@code _2}, {@code _3}... appended. An attribute named
 * {@code _id} is kept as {@link Store#ITEM_ID_COLUMN}. Used by the writer thread only.
 */
final class Catalog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An attribute's column: its name and the type of every value seen so far. */
    record Column(String name, StagedType type) {
        /** The name of the exact companion of a column whose type cannot hold every digit. */
        String exactName() {
            return name + NumberShape.EXACT_SUFFIX;
        }
    }

    /** A column of the collection table. */
    record TableColumn(String name, String type) {}

    private final Connection connection;
    /** The table written to: the collection's, or the generation being built beside it. */
    private String table;
    /** attribute name to column, in first-seen order. */
    private final Map<String, Column> columns = new LinkedHashMap<>();
    /** lower-case column name to the collection table's column. */
    private final Map<String, TableColumn> tableColumns = new LinkedHashMap<>();

    Catalog(Connection connection, String table) {
        this.connection = connection;
        this.table = table;
    }

    /** Writes go to {@code table} from now on; call {@link #load()} after. */
    void target(String table) {
        this.table = table;
    }

    /** Reads the mapping and the table's columns; also after a rollback, to forget what it undid. */
    void load() throws SQLException {
        columns.clear();
        tableColumns.clear();
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT attribute, column_name, staged_type FROM _columns ORDER BY position")) {
            while (rs.next()) {
                columns.put(rs.getString(1), new Column(rs.getString(2), readType(rs.getString(3))));
            }
        }
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
                                + SqlNames.literal(table) + " AND table_schema = 'main' ORDER BY ordinal_position")) {
            while (rs.next()) {
                tableColumns.put(
                        rs.getString(1).toLowerCase(Locale.ROOT), new TableColumn(rs.getString(1), rs.getString(2)));
            }
        }
    }

    /** Joins each attribute's type over {@code items} with what came before; new attributes get columns. */
    void learn(Iterable<Map<String, AttributeValue>> items) throws SQLException {
        Map<String, StagedType> batchTypes = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : items) {
            for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
                batchTypes.merge(attribute.getKey(), StagedType.of(attribute.getValue()), StagedType::join);
            }
        }
        for (Map.Entry<String, StagedType> entry : batchTypes.entrySet()) {
            Column known = columns.get(entry.getKey());
            if (known == null) {
                add(entry.getKey(), entry.getValue());
            } else {
                StagedType joined = known.type().join(entry.getValue());
                if (!joined.equals(known.type())) {
                    columns.put(entry.getKey(), new Column(known.name(), joined));
                    save(entry.getKey());
                }
            }
        }
    }

    Map<String, Column> columns() {
        return columns;
    }

    Column column(String attribute) {
        return columns.get(attribute);
    }

    TableColumn tableColumn(String name) {
        return tableColumns.get(name.toLowerCase(Locale.ROOT));
    }

    void tableColumn(String name, String type) {
        tableColumns.put(name.toLowerCase(Locale.ROOT), new TableColumn(name, type));
    }

    void dropTableColumn(String name) {
        tableColumns.remove(name.toLowerCase(Locale.ROOT));
    }

    /** The attribute-to-column mapping. */
    Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        columns.forEach((attribute, column) -> names.put(attribute, column.name()));
        return names;
    }

    private void add(String attribute, StagedType type) throws SQLException {
        Set<String> taken = new HashSet<>();
        taken.add("_id");
        taken.add("_event_time");
        for (Column column : columns.values()) {
            taken.add(column.name().toLowerCase(Locale.ROOT));
            taken.add(column.exactName().toLowerCase(Locale.ROOT));
        }
        String base = attribute.equals("_id") ? Store.ITEM_ID_COLUMN : attribute;
        String name = base;
        // A name is free when neither it nor the name of its exact companion is taken.
        for (int n = 2;
                taken.contains(name.toLowerCase(Locale.ROOT))
                        || taken.contains((name + NumberShape.EXACT_SUFFIX).toLowerCase(Locale.ROOT));
                n++) {
            name = base + "_" + n;
        }
        columns.put(attribute, new Column(name, type));
        save(attribute);
    }

    private void save(String attribute) throws SQLException {
        Column column = columns.get(attribute);
        int position = new ArrayList<>(columns.keySet()).indexOf(attribute);
        try (PreparedStatement save =
                connection.prepareStatement("INSERT OR REPLACE INTO _columns VALUES (?, ?, ?, ?)")) {
            save.setString(1, attribute);
            save.setString(2, column.name());
            save.setString(3, writeType(column.type()));
            save.setInt(4, position);
            save.execute();
        }
    }

    private static String writeType(StagedType type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", type.kind().name());
        node.put("allLong", type.numbers().allLong());
        node.put("allInteger", type.numbers().allInteger());
        node.put("integerDigits", type.numbers().integerDigits());
        node.put("scale", type.numbers().scale());
        return node.toString();
    }

    private static StagedType readType(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return new StagedType(
                    StagedType.Kind.valueOf(node.get("kind").asText()),
                    new NumberShape(
                            node.get("allLong").asBoolean(),
                                    node.get("allInteger").asBoolean(),
                            node.get("integerDigits").asInt(), node.get("scale").asInt()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
