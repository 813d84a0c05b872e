package io.dynamosync.front.catalog;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The collections the front knows: the {@code DynamoCollection} resources of the watched namespaces (all of them
 * when none are named), kept current by read-only informers, and seen through {@link Workspaces}.
 */
public final class Catalog implements AutoCloseable {

    private final Supplier<Collection<DynamoCollection>> resources;
    private final Workspaces workspaces;
    private final Set<String> watchedNamespaces;
    private final List<SharedIndexInformer<DynamoCollection>> informers;

    Catalog(
            Supplier<Collection<DynamoCollection>> resources,
            Workspaces workspaces,
            Set<String> watchedNamespaces,
            List<SharedIndexInformer<DynamoCollection>> informers) {
        this.resources = resources;
        this.workspaces = workspaces;
        this.watchedNamespaces = new TreeSet<>(watchedNamespaces);
        this.informers = informers;
    }

    /** A catalog over a fixed set of resources, for tests and tools. */
    public static Catalog of(Collection<DynamoCollection> resources, Workspaces workspaces, Set<String> namespaces) {
        List<DynamoCollection> copy = List.copyOf(resources);
        return new Catalog(() -> copy, workspaces, namespaces, List.of());
    }

    /**
     * Watches the collections of {@code namespaces} (every namespace when empty) and returns once the informers
     * have listed what exists, so that the first request already sees every collection.
     */
    public static Catalog watching(KubernetesClient client, Set<String> namespaces, Workspaces workspaces) {
        List<SharedIndexInformer<DynamoCollection>> informers = new ArrayList<>();
        if (namespaces.isEmpty()) {
            informers.add(
                    client.resources(DynamoCollection.class).inAnyNamespace().inform());
        } else {
            for (String namespace : namespaces) {
                informers.add(client.resources(DynamoCollection.class)
                        .inNamespace(namespace)
                        .inform());
            }
        }
        return new Catalog(
                () -> {
                    List<DynamoCollection> all = new ArrayList<>();
                    informers.forEach(i -> all.addAll(i.getStore().list()));
                    return all;
                },
                workspaces,
                namespaces,
                informers);
    }

    public Workspaces workspaces() {
        return workspaces;
    }

    /** Every collection, by workspace then name. */
    public List<DynamoCollection> all() {
        return resources.get().stream()
                .sorted(Comparator.comparing((DynamoCollection c) -> workspace(c))
                        .thenComparing(c -> c.getMetadata().getName()))
                .toList();
    }

    /** The collections of one workspace, by name. */
    public List<DynamoCollection> in(String workspace) {
        String namespace = workspaces.namespace(workspace);
        return all().stream()
                .filter(c -> namespace.equals(c.getMetadata().getNamespace()))
                .toList();
    }

    /** The collection {@code workspace.name}; a null or empty workspace is {@code commons}. */
    public Optional<DynamoCollection> find(String workspace, String name) {
        String namespace = workspaces.namespace(workspace);
        return resources.get().stream()
                .filter(c -> namespace.equals(c.getMetadata().getNamespace())
                        && name.equals(c.getMetadata().getName()))
                .findFirst();
    }

    /** The workspace a collection is in. */
    public String workspace(DynamoCollection collection) {
        return workspaces.workspace(collection.getMetadata().getNamespace());
    }

    /** A collection's name as SQL and paths give it: {@code workspace.collection}. */
    public String qualifiedName(DynamoCollection collection) {
        return workspace(collection) + "." + collection.getMetadata().getName();
    }

    /**
     * The workspaces there are: {@code commons}, each watched namespace, and every namespace holding a collection
     * (which, when all namespaces are watched, is how the others show).
     */
    public Set<String> workspaceNames() {
        Set<String> names = new TreeSet<>();
        names.add(Workspaces.COMMONS);
        watchedNamespaces.forEach(n -> names.add(workspaces.workspace(n)));
        resources.get().forEach(c -> names.add(workspace(c)));
        return names;
    }

    /** Whether a workspace exists in the sense of {@link #workspaceNames()}. */
    public boolean hasWorkspace(String workspace) {
        return workspaceNames().contains(workspace);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
