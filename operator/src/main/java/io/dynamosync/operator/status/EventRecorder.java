package io.dynamosync.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events about a resource, as {@code kubectl describe} shows them. */
public final class EventRecorder {

    /** An event for information: a step done. */
    public static final String NORMAL = "Normal";
    /** An event a user should look at. */
    public static final String WARNING = "Warning";

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final String COMPONENT = "dynamo-sync-operator";

    private final KubernetesClient client;
    private final AtomicLong sequence = new AtomicLong();

    /** Events written through {@code client}. */
    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Records one event; a failure to record is logged, never raised, as events are best effort. */
    public void record(HasMetadata regarding, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        String name = regarding.getMetadata().getName() + "." + Long.toHexString(System.currentTimeMillis())
                + Long.toHexString(sequence.incrementAndGet());
        try {
            client.v1()
                    .events()
                    .inNamespace(regarding.getMetadata().getNamespace())
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(name.toLowerCase(Locale.ROOT))
                            .withNamespace(regarding.getMetadata().getNamespace())
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(regarding.getApiVersion())
                            .withKind(regarding.getKind())
                            .withName(regarding.getMetadata().getName())
                            .withNamespace(regarding.getMetadata().getNamespace())
                            .withUid(regarding.getMetadata().getUid())
                            .endInvolvedObject()
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withCount(1)
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .withReportingComponent(COMPONENT)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "could not record event {} on {}/{}: {}",
                    reason,
                    regarding.getMetadata().getNamespace(),
                    regarding.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
