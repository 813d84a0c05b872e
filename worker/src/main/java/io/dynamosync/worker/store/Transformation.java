package io.dynamosync.worker.store;

import java.util.Locale;

/**
 * A collection's ingest transformation: SQL run over each batch as the table {@code _input},
 * whose result is what the collection stores. Transformations written for the hosted service
 * keep working: its {@code SELECT * EXCEPT (a, b)} is rewritten to DuckDB's
 * {@code SELECT * EXCLUDE (a, b)}, and {@code _input.field} references are plain SQL here.
 */
public final class Transformation {

    /** The transformation of a collection that sets none: every attribute, unchanged. */
    public static final Transformation IDENTITY = new Transformation("SELECT * FROM _input", true);

    private final String sql;
    private final boolean identity;

    private Transformation(String sql, boolean identity) {
        this.sql = sql;
        this.identity = identity;
    }

    /** Parses a user's transformation; blank means {@link #IDENTITY}. */
    public static Transformation of(String sql) {
        if (sql == null || sql.isBlank()) {
            return IDENTITY;
        }
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        return new Transformation(rewriteExcept(trimmed), false);
    }

    /** The SQL DuckDB runs. */
    public String sql() {
        return sql;
    }

    /** Whether this is the identity, which the store skips running. */
    public boolean isIdentity() {
        return identity;
    }

    /** Whether {@code identifier} appears in the SQL as a word (outside strings and comments). */
    public boolean mentions(String identifier) {
        String wanted = identifier.toLowerCase(Locale.ROOT);
        StringBuilder word = new StringBuilder();
        Scanner scanner = new Scanner(sql);
        while (scanner.hasNext()) {
            int start = scanner.position;
            char c = scanner.next();
            if (scanner.skippedTo > start) {
                // A quoted identifier counts too: "_item_id".
                String quoted = sql.substring(start, scanner.skippedTo);
                if (quoted.startsWith("\"") && quoted.replace("\"", "").equalsIgnoreCase(wanted)) {
                    return true;
                }
                word.setLength(0);
                continue;
            }
            if (Character.isLetterOrDigit(c) || c == '_') {
                word.append(Character.toLowerCase(c));
            } else {
                if (word.toString().equals(wanted)) {
                    return true;
                }
                word.setLength(0);
            }
        }
        return word.toString().equals(wanted);
    }

    /** {@code * EXCEPT (} becomes {@code * EXCLUDE (}, outside strings, identifiers and comments. */
    static String rewriteExcept(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        Scanner scanner = new Scanner(sql);
        while (scanner.hasNext()) {
            int start = scanner.position;
            char c = scanner.next();
            out.append(sql, start, scanner.position);
            if (c == '*' && scanner.skippedTo <= start) {
                int i = skipSpace(sql, scanner.position);
                if (sql.regionMatches(true, i, "EXCEPT", 0, 6)) {
                    int after = skipSpace(sql, i + 6);
                    if (after < sql.length() && sql.charAt(after) == '(') {
                        out.append(sql, scanner.position, i).append("EXCLUDE");
                        scanner.position = i + 6;
                    }
                }
            }
        }
        return out.toString();
    }

    private static int skipSpace(String sql, int from) {
        int i = from;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Walks SQL a character at a time, stepping over strings, quoted names and comments whole. */
    private static final class Scanner {
        private final String sql;
        int position;
        int skippedTo = -1;

        Scanner(String sql) {
            this.sql = sql;
        }

        boolean hasNext() {
            return position < sql.length();
        }

        char next() {
            char c = sql.charAt(position);
            int end = -1;
            if (c == '\'' || c == '"') {
                end = closing(c, position + 1);
            } else if (c == '-' && sql.startsWith("--", position)) {
                int newline = sql.indexOf('\n', position);
                end = newline < 0 ? sql.length() : newline + 1;
            } else if (c == '/' && sql.startsWith("/*", position)) {
                int close = sql.indexOf("*/", position + 2);
                end = close < 0 ? sql.length() : close + 2;
            }
            if (end > 0) {
                position = end;
                skippedTo = end;
            } else {
                position++;
            }
            return c;
        }

        private int closing(char quote, int from) {
            int i = from;
            while (i < sql.length()) {
                if (sql.charAt(i) == quote) {
                    if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i++;
            }
            return sql.length();
        }
    }
}
