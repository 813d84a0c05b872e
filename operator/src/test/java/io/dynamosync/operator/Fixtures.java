package io.dynamosync.operator;

import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionSpec;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationSpec;
import io.dynamosync.api.v1alpha1.IntegrationRef;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.UUID;

/** Collections and integrations as users write them, for tests. */
public final class Fixtures {

    private Fixtures() {}

    /** An integration reading access keys from {@code secret}. */
    public static DynamoIntegration keyIntegration(String namespace, String name, String region, String secret) {
        DynamoIntegrationSpec spec = new DynamoIntegrationSpec();
        spec.setRegion(region);
        AccessKeySecretRef ref = new AccessKeySecretRef();
        ref.setName(secret);
        spec.setAccessKeySecretRef(ref);
        return integration(namespace, name, spec);
    }

    /** An integration assuming {@code roleArn} with {@code externalId}. */
    public static DynamoIntegration roleIntegration(
            String namespace, String name, String region, String roleArn, String externalId) {
        DynamoIntegrationSpec spec = new DynamoIntegrationSpec();
        spec.setRegion(region);
        spec.setRoleArn(roleArn);
        spec.setExternalId(externalId);
        return integration(namespace, name, spec);
    }

    private static DynamoIntegration integration(String namespace, String name, DynamoIntegrationSpec spec) {
        DynamoIntegration integration = new DynamoIntegration();
        integration.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        integration.setSpec(spec);
        return integration;
    }

    /** A collection of {@code table} through {@code integration}, loaded by scan. */
    public static DynamoCollection collection(String namespace, String name, String integration, String table) {
        DynamoCollectionSpec spec = new DynamoCollectionSpec();
        spec.setIntegrationRef(new IntegrationRef(integration));
        spec.setTable(table);
        spec.setLoadMethod(LoadMethod.SCAN);
        DynamoCollection collection = new DynamoCollection();
        collection.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withUid(UUID.randomUUID().toString())
                .withGeneration(1L)
                .build());
        collection.setSpec(spec);
        return collection;
    }
}
