package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.worker.WorkerStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * What the operator knows of each collection it reconciles, as metrics: the count of collections by phase, and per
 * collection (tags {@code namespace}, {@code collection}) its documents, lag, read capacity consumed, throttled
 * requests and phase, from the worker's last {@code /status}.
 */
public final class PhaseMetrics {

    private final MeterRegistry registry;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final Map<String, Tracked> collections = new ConcurrentHashMap<>();

    /** One collection's latest numbers and the meters that read them. */
    private static final class Tracked {
        volatile Phase phase;
        volatile WorkerStatus worker;
        final List<Meter> meters = new ArrayList<>();
    }

    /** Registers {@code dynamosync_collections{phase=...}} on {@code registry}. */
    public PhaseMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Phase phase : Phase.values()) {
            Gauge.builder(
                            "dynamosync.collections",
                            phases,
                            m -> m.values().stream().filter(p -> p == phase).count())
                    .description("Collections by phase")
                    .tag("phase", label(phase))
                    .register(registry);
        }
    }

    /** Records a collection's phase; null forgets the collection and removes its meters. */
    public void record(String namespace, String name, Phase phase) {
        String key = namespace + "/" + name;
        if (phase == null) {
            phases.remove(key);
            Tracked gone = collections.remove(key);
            if (gone != null) {
                gone.meters.forEach(registry::remove);
            }
            return;
        }
        phases.put(key, phase);
        collection(namespace, name).phase = phase;
    }

    /** Records what a collection's worker last reported on {@code /status}. */
    public void recordWorker(String namespace, String name, WorkerStatus worker) {
        collection(namespace, name).worker = worker;
    }

    private Tracked collection(String namespace, String name) {
        return collections.computeIfAbsent(namespace + "/" + name, key -> {
            Tracked c = new Tracked();
            Tags tags = Tags.of("namespace", namespace, "collection", name);
            gauge(
                    c,
                    "dynamosync.collection.documents",
                    "Documents in the collection's store",
                    tags,
                    w -> w.store() == null ? Double.NaN : w.store().documents());
            gauge(
                    c,
                    "dynamosync.collection.lag.seconds",
                    "Time between a change in DynamoDB and its arrival in the " + "store",
                    tags,
                    w -> w.stream() == null || w.stream().lagMillis() == null
                            ? Double.NaN
                            : w.stream().lagMillis() / 1000.0);
            gauge(
                    c,
                    "dynamosync.collection.read.capacity.consumed",
                    "Read capacity units the initial load has " + "consumed",
                    tags,
                    w -> w.load() == null || w.load().consumedReadCapacity() == null
                            ? Double.NaN
                            : w.load().consumedReadCapacity());
            gauge(
                    c,
                    "dynamosync.collection.throttles",
                    "Requests DynamoDB throttled since the worker started",
                    tags,
                    w -> w.throttles() == null ? Double.NaN : w.throttles());
            for (Phase phase : Phase.values()) {
                c.meters.add(Gauge.builder("dynamosync.collection.phase", c, x -> x.phase == phase ? 1 : 0)
                        .description("1 for the collection's current phase")
                        .tags(tags)
                        .tag("phase", label(phase))
                        .register(registry));
            }
            return c;
        });
    }

    private void gauge(Tracked c, String name, String description, Tags tags, ToDoubleFunction<WorkerStatus> read) {
        c.meters.add(Gauge.builder(name, c, x -> x.worker == null ? Double.NaN : read.applyAsDouble(x.worker))
                .description(description)
                .tags(tags)
                .register(registry));
    }

    private static String label(Phase phase) {
        return phase.name().charAt(0) + phase.name().substring(1).toLowerCase(Locale.ROOT);
    }
}
