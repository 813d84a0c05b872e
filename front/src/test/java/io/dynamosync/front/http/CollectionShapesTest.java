package io.dynamosync.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectionShapesTest {

    static DynamoCollection collection(String namespace, String name, Phase phase, boolean ready) {
        DynamoCollection c = new DynamoCollection();
        c.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withCreationTimestamp("2026-12-07T06:00:00Z")
                .build());
        DynamoCollectionSpec spec = new DynamoCollectionSpec();
        spec.setTable("Orders");
        c.setSpec(spec);
        DynamoCollectionStatus status = new DynamoCollectionStatus();
        status.setPhase(phase);
        status.setDocuments(300L);
        status.setStoreBytes(4096L);
        status.setLastEventTime("2026-12-07T06:01:00Z");
        if (ready) {
            Condition condition = new Condition();
            condition.setType("Ready");
            condition.setStatus("True");
            status.setConditions(List.of(condition));
        }
        c.setStatus(status);
        return c;
    }

    @Test
    void aStreamingReadyCollectionIsReadyAndProcessingItsStream() {
        ObjectNode c = CollectionShapes.collection(collection("shop", "orders", Phase.STREAMING, true), "shop");
        assertThat(c.path("name").asText()).isEqualTo("orders");
        assertThat(c.path("workspace").asText()).isEqualTo("shop");
        assertThat(c.path("status").asText()).isEqualTo("READY");
        assertThat(c.path("stats").path("doc_count").asLong()).isEqualTo(300);
        assertThat(c.path("stats").path("total_size").asLong()).isEqualTo(4096);
        assertThat(c.at("/sources/0/dynamodb/table_name").asText()).isEqualTo("Orders");
        assertThat(c.at("/sources/0/dynamodb/current_status/state").asText()).isEqualTo("PROCESSING_STREAM");
        assertThat(c.at("/sources/0/dynamodb/current_status/stream_last_processed_at")
                        .asText())
                .isEqualTo("2026-12-07T06:01:00Z");
    }

    @Test
    void theLoadPhasesShowAsTheSourceStatesOfTheHostedService() {
        assertThat(CollectionShapes.sourceState(null)).isEqualTo("INITIALIZING");
        DynamoCollectionStatus status =
                collection("a", "b", Phase.SCANNING, false).getStatus();
        assertThat(CollectionShapes.sourceState(status)).isEqualTo("SCANNING");
        status.setPhase(Phase.EXPORTING);
        assertThat(CollectionShapes.sourceState(status)).isEqualTo("EXPORTING_TO_S3");
        status.setItemsLoaded(10L);
        assertThat(CollectionShapes.sourceState(status)).isEqualTo("DOWNLOADING_FROM_S3");
        status.setPhase(Phase.PENDING);
        assertThat(CollectionShapes.sourceState(status)).isEqualTo("INITIALIZING");
        assertThat(CollectionShapes.collectionStatus(collection("a", "b", Phase.SCANNING, false)))
                .isEqualTo("CREATED");
    }
}
