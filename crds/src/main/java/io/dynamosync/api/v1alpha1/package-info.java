/**
 * Version v1alpha1 of the {@code dynamosync.io} API: {@link io.dynamosync.api.v1alpha1.DynamoIntegration}
 * (how to reach one AWS account) and {@link io.dynamosync.api.v1alpha1.DynamoCollection} (one table,
 * replicated), with the {@link io.dynamosync.api.v1alpha1.Condition} and
 * {@link io.dynamosync.api.v1alpha1.Status} they share.
 *
 * <p>Files are grouped by kind through their name prefix: {@code DynamoIntegration*} and the types only
 * an integration uses, {@code DynamoCollection*} and the types only a collection uses. The CRD manifests
 * in {@code crds/generated/} are generated from these classes; after changing a class, regenerate them
 * with {@code ./mvnw -B -pl crds -am verify -Dcrds.update}.
 */
package io.dynamosync.api.v1alpha1;
