package io.dynamosync.front.plan;

/**
 * A table the statement reads, as DuckDB's parser found it.
 *
 * @param workspace the schema part ({@code commons} in {@code commons.orders}); empty for a bare name
 * @param table the table part
 * @param alias the alias the statement gives it; empty for none
 * @param start where the reference starts in the statement's text (a character index); -1 when DuckDB gave none
 */
public record TableReference(String workspace, String table, String alias, int start) {

    /** Whether the reference has no workspace part. */
    public boolean bare() {
        return workspace.isEmpty();
    }

    /** How it reads in messages: {@code workspace.table}, or the bare table. */
    public String shown() {
        return bare() ? table : workspace + "." + table;
    }
}
