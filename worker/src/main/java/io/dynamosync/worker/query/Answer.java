package io.dynamosync.worker.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A result set as the query API answers it: column names made unique ({@code a}, {@code a_2}...,
 * since each row is a JSON object), the hidden columns of an {@link ExactProjection.Plan} left out,
 * each stored {@code DOUBLE} number shown with the exact digits its hidden column holds, and the
 * columns whose values are floating-point results flagged as approximate.
 */
final class Answer {

    private static final Pattern FLOATING = Pattern.compile("(DOUBLE|FLOAT|REAL)(\\[\\d*])*");

    private final int visible;
    private final List<String> names = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    /** For each visible column (from 1), the column holding its exact digits, or 0. */
    private final int[] exactColumn;

    private final boolean[] approximate;

    Answer(ResultSetMetaData meta, List<ExactProjection.Hidden> hidden) throws SQLException {
        visible = meta.getColumnCount() - hidden.size();
        Set<String> taken = new HashSet<>();
        for (int i = 1; i <= visible; i++) {
            String base = meta.getColumnLabel(i);
            String name = base;
            for (int n = 2; !taken.add(name); n++) {
                name = base + "_" + n;
            }
            names.add(name);
            types.add(meta.getColumnTypeName(i));
        }
        exactColumn = new int[visible + 1];
        approximate = new boolean[visible + 1];
        // Hidden columns come in the order of the columns they show, so each takes the next one of its label.
        int from = 1;
        for (int h = 0; h < hidden.size(); h++) {
            int found = labelled(meta, hidden.get(h).target(), from);
            if (found == 0) {
                found = labelled(meta, hidden.get(h).target(), 1);
            }
            if (found != 0) {
                exactColumn[found] = visible + 1 + h;
                from = found + 1;
            }
        }
        for (int i = 1; i <= visible; i++) {
            approximate[i] =
                    exactColumn[i] == 0 && FLOATING.matcher(types.get(i - 1)).matches();
        }
    }

    /** The first visible column from {@code from} labelled {@code label} that shows no exact digits yet, or 0. */
    private int labelled(ResultSetMetaData meta, String label, int from) throws SQLException {
        for (int i = from; i <= visible; i++) {
            if (exactColumn[i] == 0 && meta.getColumnLabel(i).equalsIgnoreCase(label)) {
                return i;
            }
        }
        return 0;
    }

    /** The current row as a JSON object. */
    ObjectNode row(ResultSet rs) throws SQLException {
        ObjectNode row = ResultValues.NODES.objectNode();
        for (int i = 1; i <= visible; i++) {
            JsonNode value = null;
            if (exactColumn[i] != 0) {
                value = ResultValues.exact(rs.getObject(i), rs.getObject(exactColumn[i]));
                if (value == null) {
                    // Not the digits of this value (a column the plan mistook for the stored one): show what DuckDB
                    // gave.
                    approximate[i] = true;
                }
            }
            if (value == null) {
                value = ResultValues.column(rs, i, types.get(i - 1));
            }
            row.set(names.get(i - 1), value);
        }
        return row;
    }

    /** Each visible column's name and type, flagged when approximate (call after the rows). */
    List<QueryResponse.ColumnField> fields() {
        List<QueryResponse.ColumnField> fields = new ArrayList<>();
        for (int i = 1; i <= visible; i++) {
            fields.add(new QueryResponse.ColumnField(
                    names.get(i - 1), types.get(i - 1), approximate[i] ? Boolean.TRUE : null));
        }
        return fields;
    }

    /**
     * What the answer says about approximation (call after the rows): which columns are
     * floating-point results, and which stored {@code DOUBLE} columns the query computed with.
     */
    List<String> approximations(Set<String> computedWith) {
        List<String> warnings = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= visible; i++) {
            if (approximate[i]) {
                columns.add(names.get(i - 1));
            }
        }
        if (!columns.isEmpty()) {
            warnings.add("approximate: " + String.join(", ", columns) + (columns.size() == 1 ? " is a" : " are")
                    + " floating-point result" + (columns.size() == 1 ? "" : "s")
                    + " (DOUBLE, about 16 significant digits), "
                    + "not numbers as stored");
        }
        if (!computedWith.isEmpty()) {
            warnings.add("approximate: the query compares or computes with " + String.join(", ", computedWith)
                    + ", held as DOUBLE since no exact SQL type holds all of its values; filters, sorting, grouping and "
                    + "arithmetic on it see about 16 significant digits (the values shown as stored keep every digit)");
        }
        return warnings;
    }
}
