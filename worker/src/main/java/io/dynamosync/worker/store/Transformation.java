package io.dynamosync.worker.store;

import io.dynamosync.worker.sql.SqlText;

/**
 * A collection's ingest transformation: SQL run over each batch as the table {@code _input},
 * whose result is what the collection stores. Transformations written for the hosted service
 * keep working: its {@code SELECT * EXCEPT (a, b)} is rewritten to DuckDB's
 * {@code SELECT * EXCLUDE (a, b)}, and {@code _input.field} references are plain SQL here.
 * The SQL is read with the queries' lexer ({@link SqlText}), so strings, quoted names and comments
 * are told apart the same way in both.
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
        return new Transformation(new SqlText(trimmed).exceptAsExclude(), false);
    }

    /** The SQL DuckDB runs. */
    public String sql() {
        return sql;
    }

    /** Whether this is the identity, which the store skips running. */
    public boolean isIdentity() {
        return identity;
    }

    /** Whether {@code identifier} appears in the SQL as a word or a quoted name (outside strings and comments). */
    public boolean mentions(String identifier) {
        return new SqlText(sql).mentions(identifier);
    }
}
