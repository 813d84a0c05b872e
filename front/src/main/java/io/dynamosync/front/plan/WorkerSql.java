package io.dynamosync.front.plan;

import java.util.Comparator;
import java.util.List;

/**
 * A single-collection query as its worker takes it: the same text, with each reference to the collection
 * ({@code commons.orders}, {@code "analytics"."orders"}, {@code orders}) written as the worker's own table name, the
 * collection's name. Where a reference starts comes from DuckDB's parser; from there only the dotted run of
 * (possibly quoted) names is stepped over.
 */
public final class WorkerSql {

    private WorkerSql() {}

    /** The text with every reference in {@code references} written as {@code table}. */
    public static String rewrite(String sql, List<TableReference> references, String table) {
        StringBuilder out = new StringBuilder(sql);
        List<TableReference> backwards = references.stream()
                .sorted(Comparator.comparingInt(TableReference::start).reversed())
                .toList();
        for (TableReference reference : backwards) {
            if (reference.start() < 0) {
                throw new IllegalArgumentException("DuckDB gave no position for " + reference.shown());
            }
            int end = endOfName(sql, reference.start());
            out.replace(reference.start(), end, quoted(table));
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
