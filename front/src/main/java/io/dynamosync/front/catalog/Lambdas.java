package io.dynamosync.front.catalog;

import io.dynamosync.api.v1alpha1.QueryLambda;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The query lambdas the front knows: the {@code QueryLambda} resources of the watched namespaces (all of them when
 * none are named), kept current by read-only informers, each in the workspace of its namespace.
 */
public final class Lambdas implements AutoCloseable {

    private final Supplier<Collection<QueryLambda>> resources;
    private final Workspaces workspaces;
    private final List<SharedIndexInformer<QueryLambda>> informers;

    private Lambdas(
            Supplier<Collection<QueryLambda>> resources,
            Workspaces workspaces,
            List<SharedIndexInformer<QueryLambda>> informers) {
        this.resources = resources;
        this.workspaces = workspaces;
        this.informers = informers;
    }

    /** Query lambdas fixed once, for tests and tools. */
    public static Lambdas of(Collection<QueryLambda> resources, Workspaces workspaces) {
        List<QueryLambda> copy = List.copyOf(resources);
        return new Lambdas(() -> copy, workspaces, List.of());
    }

    /** Watches the query lambdas of {@code namespaces} (every namespace when empty). */
    public static Lambdas watching(KubernetesClient client, Set<String> namespaces, Workspaces workspaces) {
        List<SharedIndexInformer<QueryLambda>> informers = new ArrayList<>();
        if (namespaces.isEmpty()) {
            informers.add(client.resources(QueryLambda.class).inAnyNamespace().inform());
        } else {
            for (String namespace : namespaces) {
                informers.add(client.resources(QueryLambda.class)
                        .inNamespace(namespace)
                        .inform());
            }
        }
        return new Lambdas(
                () -> {
                    List<QueryLambda> all = new ArrayList<>();
                    informers.forEach(i -> all.addAll(i.getStore().list()));
                    return all;
                },
                workspaces,
                informers);
    }

    /** Every query lambda with at least one version, by workspace then name. */
    public List<QueryLambda> all() {
        return resources.get().stream()
                .filter(l -> l.getSpec() != null
                        && l.getSpec().getVersions() != null
                        && !l.getSpec().getVersions().isEmpty())
                .sorted(Comparator.comparing(this::workspace)
                        .thenComparing(l -> l.getMetadata().getName()))
                .toList();
    }

    /** The query lambdas of one workspace. */
    public List<QueryLambda> in(String workspace) {
        return all().stream().filter(l -> workspace(l).equals(workspace)).toList();
    }

    /** The query lambda {@code workspace.name}. */
    public Optional<QueryLambda> find(String workspace, String name) {
        return in(workspace).stream()
                .filter(l -> l.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** The workspace a query lambda is in. */
    public String workspace(QueryLambda lambda) {
        return workspaces.workspace(lambda.getMetadata().getNamespace());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
