package io.dynamosync.worker.store;

/** Quoting of SQL identifiers and literals, so any attribute name works as a column name. */
final class SqlNames {

    private SqlNames() {}

    /** {@code a "b"} becomes {@code "a ""b"""}: keywords, spaces, dots and Unicode all work. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
