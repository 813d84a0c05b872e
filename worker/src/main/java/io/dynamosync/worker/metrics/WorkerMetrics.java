package io.dynamosync.worker.metrics;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.load.LoadProgress;
import io.dynamosync.worker.publish.Publisher;
import io.dynamosync.worker.query.QueryRunner;
import io.dynamosync.worker.store.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The worker's Prometheus metrics: the load (items loaded, read capacity consumed, throttles),
 * the stream (records applied, lag), the store (documents, bytes, compactions, its volume, time to commit a batch), the
 * replica's verifications (differences found, documents repaired), the queries (count and latency by outcome),
 * publishing to Iceberg (lag, commit time, files and bytes written), and the JVM's memory and garbage collection.
 *
 * <p>The stream and store figures come from one {@link Worker#status()} taken per scrape, so a
 * scrape costs one count of the documents, not one per metric.
 */
public final class WorkerMetrics implements QueryRunner.Listener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Worker worker;
    private volatile WorkerStatus status;

    public WorkerMetrics(Worker worker) {
        this.worker = worker;
        String collection = worker.settings().collection();
        registry.config().commonTags("collection", collection);
        LoadProgress load = worker.progress();
        Gauge.builder("dynamosync.load.items.loaded", load, LoadProgress::itemsLoaded)
                .description("Items the initial load has committed to the store")
                .register(registry);
        FunctionCounter.builder("dynamosync.load.read.capacity.consumed", load, LoadProgress::consumedReadCapacity)
                .description("Read capacity units the initial load has consumed")
                .register(registry);
        FunctionCounter.builder("dynamosync.load.throttles", load, p -> p.throttles())
                .description("Calls DynamoDB and DynamoDB Streams throttled, the SDK's retries included")
                .register(registry);
        Gauge.builder("dynamosync.stream.records.applied", this, stream(s -> s.recordsApplied()))
                .description("Stream records applied to the store since the stream was (re)started")
                .register(registry);
        TimeGauge.builder(
                        "dynamosync.stream.lag",
                        this,
                        TimeUnit.MILLISECONDS,
                        stream(s -> s.lagMillis() == null ? Double.NaN : s.lagMillis()))
                .description(
                        "Age of the oldest stream record read and not yet queryable, from when the worker read it; zero when none waits")
                .register(registry);
        Gauge.builder("dynamosync.stream.synced", this, stream(s -> s.synced() ? 1 : 0))
                .description(
                        "1 when every record read is queryable and the newest read of every open shard found nothing newer")
                .register(registry);
        Gauge.builder("dynamosync.store.documents", this, stored(WorkerStatus.Store::documents))
                .description("Documents in the collection")
                .register(registry);
        Gauge.builder("dynamosync.store.bytes", this, stored(WorkerStatus.Store::bytes))
                .baseUnit("bytes")
                .description("The store's size on disk")
                .register(registry);
        Gauge.builder(
                        "dynamosync.store.free.bytes",
                        worker,
                        w -> w.store() == null ? Double.NaN : w.store().space().freeBytes())
                .baseUnit("bytes")
                .description("Bytes of the store file free for reuse (space updates and deletes gave back)")
                .register(registry);
        Gauge.builder(
                        "dynamosync.store.compactions",
                        this,
                        stored(st -> st.compactions() == null ? Double.NaN : st.compactions()))
                .description(
                        "Tables the worker copied, since it started, to give back the space of rows that changes replaced")
                .register(registry);
        Gauge.builder("dynamosync.store.volume.capacity", this, volume(WorkerStatus.Volume::capacityBytes))
                .baseUnit("bytes")
                .description("Size of the filesystem holding the store")
                .register(registry);
        Gauge.builder("dynamosync.store.volume.usable", this, volume(WorkerStatus.Volume::usableBytes))
                .baseUnit("bytes")
                .description("Bytes left for the worker on the filesystem holding the store")
                .register(registry);
        Gauge.builder("dynamosync.store.volume.nearly.full", this, volume(v -> v.nearlyFull() ? 1 : 0))
                .description(
                        "1 when the store's volume is more than 80% used or has less left than the store's own size")
                .register(registry);
        FunctionCounter.builder(
                        "dynamosync.store.documents.expired",
                        worker,
                        w -> w.store() == null ? Double.NaN : w.store().expired())
                .description(
                        "Documents deleted from the store as past the collection's retention, since the worker started")
                .register(registry);
        FunctionCounter.builder("dynamosync.verify.differences", worker.verifications(), v -> v.differencesTotal())
                .description("Documents verification found differing from the table, once the stream had passed them")
                .register(registry);
        FunctionCounter.builder("dynamosync.verify.repaired", worker.verifications(), v -> v.repairedTotal())
                .description("Documents verification rewrote (or removed) from the table's own reading")
                .register(registry);
        Gauge.builder("dynamosync.verify.items.checked", this, m -> {
                    WorkerStatus.Verification v = m.status == null ? null : m.status.verification();
                    return v == null || v.last() == null ? Double.NaN : v.last().itemsChecked();
                })
                .description("Items the last verification compared with their documents")
                .register(registry);
        Timer commits = Timer.builder("dynamosync.store.commit")
                .description("Time to commit one batch of documents with its checkpoints")
                .register(registry);
        Timer checkpoints = Timer.builder("dynamosync.store.checkpoint")
                .description("Time to write the write-ahead log into the store file (a DuckDB checkpoint)")
                .register(registry);
        // Heap by pool and what survives collection (jvm_gc_live_data_size_bytes): whether the heap stays flat
        // under a steady stream is read from outside (the soak test, and users' dashboards).
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        Store store = worker.store();
        if (store != null) {
            store.onCommit(commits::record);
            store.onCheckpoint(checkpoints::record);
        }
        Publisher publisher = worker.publisher();
        if (publisher != null) {
            TimeGauge.builder(
                            "dynamosync.publish.lag",
                            publisher,
                            TimeUnit.MILLISECONDS,
                            p -> p.lag() == null ? Double.NaN : p.lag().toMillis())
                    .description("How far the Iceberg table is behind the replica: the time since its newest "
                            + "snapshot's coverage ends")
                    .register(registry);
            Timer published = Timer.builder("dynamosync.publish.commit")
                    .description("Time to publish one Iceberg commit: files written and uploaded, the catalog swapped")
                    .register(registry);
            publisher.onCommit(published::record);
            FunctionCounter.builder("dynamosync.publish.files", publisher, Publisher::filesWritten)
                    .description("Data and delete files written to the Iceberg warehouse")
                    .register(registry);
            FunctionCounter.builder("dynamosync.publish.bytes", publisher, Publisher::bytesWritten)
                    .baseUnit("bytes")
                    .description("Bytes of the files written to the Iceberg warehouse")
                    .register(registry);
            FunctionCounter.builder("dynamosync.publish.rewrites", publisher, Publisher::rewrites)
                    .description(
                            "Commits that rewrote the whole Iceberg table from the replica, folding its deletes in")
                    .register(registry);
            FunctionCounter.builder("dynamosync.publish.snapshots.expired", publisher, Publisher::snapshotsExpired)
                    .description("Iceberg snapshots expired, with the files only they used")
                    .register(registry);
        }
    }

    private ToDoubleFunction<WorkerMetrics> stream(ToDoubleFunction<WorkerStatus.Stream> value) {
        return m -> m.status == null || m.status.stream() == null ? Double.NaN : value.applyAsDouble(m.status.stream());
    }

    private ToDoubleFunction<WorkerMetrics> stored(ToDoubleFunction<WorkerStatus.Store> value) {
        return m -> m.status == null || m.status.store() == null ? Double.NaN : value.applyAsDouble(m.status.store());
    }

    private ToDoubleFunction<WorkerMetrics> volume(ToDoubleFunction<WorkerStatus.Volume> value) {
        return m ->
                m.status == null || m.status.store() == null || m.status.store().volume() == null
                        ? Double.NaN
                        : value.applyAsDouble(m.status.store().volume());
    }

    /** Every metric in Prometheus's text format. */
    public synchronized String scrape() {
        status = worker.status();
        return registry.scrape();
    }

    /** The content type {@link #scrape()} is in. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    @Override
    public void finished(String outcome, Duration elapsed) {
        Timer.builder("dynamosync.queries")
                .description("Queries answered, by outcome (COMPLETED or the error's type)")
                .tag("outcome", outcome)
                .register(registry)
                .record(elapsed);
    }
}
