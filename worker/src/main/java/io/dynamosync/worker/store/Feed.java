package io.dynamosync.worker.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * A producer's channel to the store (one a scan segment, say): batches commit in the order handed over, each with
 * its checkpoints; the producer goes on reading meanwhile, and waits only when too much waits to be written. Once a
 * batch fails, every later one is refused, so no checkpoint passes over rows that were lost.
 */
public final class Feed {
    private final Writer writer;
    private final Writer.FirstFailure firstFailure = new Writer.FirstFailure();
    private CompletableFuture<Integer> last = CompletableFuture.completedFuture(0);

    Feed(Writer writer) {
        this.writer = writer;
    }

    /**
     * Hands a batch over; {@code committed} runs (on the writer thread, so briefly) with the number of documents
     * written once the batch has committed.
     *
     * @throws StoreException when an earlier batch of this feed failed
     */
    public void submit(Batch batch, IntConsumer committed) {
        if (batch.isEmpty()) {
            return;
        }
        CompletableFuture<Integer> done = writer.submit(batch, firstFailure);
        last = done.thenApply(written -> {
            committed.accept(written);
            return written;
        });
    }

    /** Waits until everything handed over has committed; throws what failed. */
    public void flush() {
        Writer.await(last);
        if (firstFailure.failure != null) {
            throw firstFailure.failure;
        }
    }
}
