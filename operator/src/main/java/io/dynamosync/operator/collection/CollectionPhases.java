package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.Phase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The phase of each collection this operator reconciles, exported as one gauge per phase. */
public final class CollectionPhases {

    private final Map<String, Phase> phases = new ConcurrentHashMap<>();

    /** Registers {@code dynamosync_collections{phase=...}} on {@code registry}. */
    public CollectionPhases(MeterRegistry registry) {
        for (Phase phase : Phase.values()) {
            String label = phase.name().charAt(0) + phase.name().substring(1).toLowerCase(java.util.Locale.ROOT);
            Gauge.builder("dynamosync.collections", phases, m -> m.values().stream().filter(p -> p == phase).count())
                    .description("Collections by phase")
                    .tag("phase", label)
                    .register(registry);
        }
    }

    /** Records a collection's phase; null forgets it. */
    public void record(String namespace, String name, Phase phase) {
        String key = namespace + "/" + name;
        if (phase == null) {
            phases.remove(key);
        } else {
            phases.put(key, phase);
        }
    }
}
