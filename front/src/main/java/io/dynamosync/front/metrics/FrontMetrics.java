package io.dynamosync.front.metrics;

import io.dynamosync.front.async.QueryBook;
import io.dynamosync.front.catalog.Catalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The front's metrics, at {@code /metrics} in Prometheus's text format: queries answered by kind (one collection,
 * across collections) and outcome (COMPLETED or the error's type) with their latency, the queries kept for async
 * polling and pages and the bytes their results take, the collections it serves, and the JVM's memory and garbage
 * collection.
 */
public final class FrontMetrics {

    /** A query on one collection, passed to its worker. */
    public static final String ONE_COLLECTION = "one_collection";
    /** A query across collections, run by the front. */
    public static final String ACROSS_COLLECTIONS = "across_collections";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public FrontMetrics(Catalog catalog, QueryBook book) {
        Gauge.builder("dynamosync.front.collections", catalog, c -> c.all().size())
                .description("Collections the front serves")
                .register(registry);
        Gauge.builder("dynamosync.front.kept.queries", book, b -> b.kept())
                .description("Queries kept for polling and pages: running, queued or ended and not yet expired")
                .register(registry);
        Gauge.builder("dynamosync.front.kept.bytes", book, b -> b.keptBytes())
                .baseUnit("bytes")
                .description("Bytes the kept queries' results take")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
    }

    /** Records one query answered (or failed) after {@code elapsed}. */
    public void answered(String kind, String outcome, Duration elapsed) {
        Timer.builder("dynamosync.front.queries")
                .description("Queries answered, by kind (one_collection, across_collections) and outcome"
                        + " (COMPLETED or the error's type)")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .register(registry)
                .record(elapsed);
    }

    /** Every metric in Prometheus's text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type {@link #scrape()} is in. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }
}
