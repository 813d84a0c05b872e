package io.dynamosync.front.plan;

import java.util.Comparator;
import java.util.List;

/**
 * A single-collection query as its worker takes it: the same text, with each qualified reference to the collection
 * ({@code commons.orders}, {@code "analytics"."orders"}) written as the worker's own table name, the collection's
 * name, padded with spaces to the reference's length, so that every position after it stays put and the worker's
 * line and column of an error point into the user's own text. A bare name is the worker's already. Where a reference
 * starts comes from DuckDB's parser; from there only the dotted run of (possibly quoted) names is stepped over.
 */
public final class WorkerSql {

    private WorkerSql() {}

    /** The text with every qualified reference in {@code references} written as {@code table}. */
    public static String rewrite(String sql, List<TableReference> references, String table) {
        StringBuilder out = new StringBuilder(sql);
        List<TableReference> backwards = references.stream()
                .filter(r -> !r.bare())
                .sorted(Comparator.comparingInt(TableReference::start).reversed())
                .toList();
        for (TableReference reference : backwards) {
            if (reference.start() < 0) {
                throw new IllegalArgumentException("DuckDB gave no position for " + reference.shown());
            }
            int end = endOfName(sql, reference.start());
            // A qualified name is never shorter than the quoted table name alone: "a.b" and "\"b\"" are equal.
            String name = quoted(table);
            out.replace(
                    reference.start(), end, name + " ".repeat(Math.max(0, end - reference.start() - name.length())));
        }
        return out.toString();
    }

    /** {@code "name"}, with any {@code "} in it doubled. */
    public static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Where the dotted name starting at {@code start} ends. */
    static int endOfName(String sql, int start) {
        int i = start;
        while (true) {
            i = endOfPart(sql, i);
            int next = i;
            while (next < sql.length() && Character.isWhitespace(sql.charAt(next))) {
                next++;
            }
            if (next < sql.length() && sql.charAt(next) == '.') {
                next++;
                while (next < sql.length() && Character.isWhitespace(sql.charAt(next))) {
                    next++;
                }
                i = next;
            } else {
                return i;
            }
        }
    }

    private static int endOfPart(String sql, int start) {
        if (start < sql.length() && sql.charAt(start) == '"') {
            int i = start + 1;
            while (i < sql.length()) {
                if (sql.charAt(i) == '"') {
                    if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return sql.length();
        }
        int i = start;
        while (i < sql.length()
                && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
            i++;
        }
        return i;
    }
}
