import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;

/** How the benchmark hands a page to the store, as the scan loader does: one feed a segment. */
final class BenchWrite {
    private static final ThreadLocal<Feed> FEEDS = new ThreadLocal<>();

    static void write(Store store, Batch batch) {
        if (FEEDS.get() == null) {
            FEEDS.set(store.feed());
        }
        FEEDS.get().submit(batch, written -> { });
    }

    static void finish(Store store) {
        FEEDS.get().flush();
        FEEDS.remove();
    }

    static void checkpoint(Store store) {
        store.finishLoad();
    }
}
