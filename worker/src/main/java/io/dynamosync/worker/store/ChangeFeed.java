package io.dynamosync.worker.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The store's log of changed documents, for a reader that publishes them elsewhere (the Iceberg publisher): each
 * commit to the served table logs the {@code _id}s it changed, with its sequence number, in {@link #TABLE}, in the
 * same transaction ({@link ChangeLog}).
 */
public final class ChangeFeed {

    /** The table of changed documents, {@code _changes (seq BIGINT, _id VARCHAR)}. */
    public static final String TABLE = ChangeLog.TABLE;

    private final Writer writer;
    private final Transactions transactions;

    ChangeFeed(Writer writer, Transactions transactions) {
        this.writer = writer;
        this.transactions = transactions;
    }

    /**
     * From now on, every commit to the served table logs the {@code _id}s it changed; call before anything is
     * written, so that nothing goes unlogged. The log starts with a marker row (a null {@code _id}) whose sequence is
     * above any an earlier log reached: a reader whose last sequence is below the log's lowest has missed changes.
     */
    public void keep() {
        writer.exclusive(transactions::keepChangeLog);
    }

    /** Drops the log's entries below {@code sequence}, which the reader has taken in. */
    public void forgetBefore(long sequence) {
        writer.exclusive(() -> transactions.forgetChangesBefore(sequence));
    }

    /**
     * The generation served, as seen by {@code reader} (a connection of {@link Store#newConnection()}), so that a
     * reader in a transaction sees it in the same snapshot as the documents; null before the first load completes.
     */
    public static Long servedGeneration(Connection reader) {
        try {
            return Generations.read(reader).serving();
        } catch (SQLException e) {
            throw new StoreException("cannot read the generations: " + e.getMessage(), e);
        }
    }
}
