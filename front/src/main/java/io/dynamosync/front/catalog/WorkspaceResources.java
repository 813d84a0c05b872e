package io.dynamosync.front.catalog;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * Resources of one kind that live in workspaces, such as query lambdas and views: those of the watched namespaces
 * (all of them when none are named), kept current by informers, each in the workspace of its namespace. Where the
 * front allows writes they are also created, changed and deleted here ({@link #writes}), each write seen by the
 * next read.
 *
 * @param <T> the kind
 */
public final class WorkspaceResources<T extends HasMetadata> implements AutoCloseable {

    private final Supplier<Collection<T>> resources;
    private final Workspaces workspaces;
    private final List<SharedIndexInformer<T>> informers;
    private final ResourceWrites<T> writes;

    private WorkspaceResources(
            Supplier<Collection<T>> resources,
            Workspaces workspaces,
            List<SharedIndexInformer<T>> informers,
            ResourceWrites<T> writes) {
        this.resources = resources;
        this.workspaces = workspaces;
        this.informers = informers;
        this.writes = writes;
    }

    /** Resources fixed once, for tests and tools; they cannot be written. */
    public static <T extends HasMetadata> WorkspaceResources<T> of(Collection<T> resources, Workspaces workspaces) {
        List<T> copy = List.copyOf(resources);
        return new WorkspaceResources<>(() -> copy, workspaces, List.of(), null);
    }

    /** Watches the resources of {@code kind} in {@code namespaces} (every namespace when empty); read only. */
    public static <T extends HasMetadata> WorkspaceResources<T> watching(
            KubernetesClient client, Class<T> kind, Set<String> namespaces, Workspaces workspaces) {
        return watching(client, kind, namespaces, workspaces, false);
    }

    /**
     * Watches the resources of {@code kind} in {@code namespaces} (every namespace when empty); {@code writable}:
     * they can also be written through {@link #writes}.
     */
    public static <T extends HasMetadata> WorkspaceResources<T> watching(
            KubernetesClient client, Class<T> kind, Set<String> namespaces, Workspaces workspaces, boolean writable) {
        List<SharedIndexInformer<T>> informers = new ArrayList<>();
        if (namespaces.isEmpty()) {
            informers.add(client.resources(kind).inAnyNamespace().inform());
        } else {
            for (String namespace : namespaces) {
                informers.add(client.resources(kind).inNamespace(namespace).inform());
            }
        }
        Supplier<Collection<T>> all = () -> {
            List<T> list = new ArrayList<>();
            informers.forEach(i -> list.addAll(i.getStore().list()));
            return list;
        };
        ResourceWrites<T> writes = writable ? new ResourceWrites<>(client, kind, workspaces, namespaces, all) : null;
        return new WorkspaceResources<>(all, workspaces, informers, writes);
    }

    /** Where they may be written: empty when the front does not allow writes. */
    public Optional<ResourceWrites<T>> writes() {
        return Optional.ofNullable(writes);
    }

    /** Every one, by workspace then name. */
    public List<T> all() {
        return resources.get().stream()
                .sorted(Comparator.comparing(this::workspace)
                        .thenComparing(l -> l.getMetadata().getName()))
                .toList();
    }

    /** Those of one workspace. */
    public List<T> in(String workspace) {
        return all().stream().filter(l -> workspace(l).equals(workspace)).toList();
    }

    /** The one named {@code workspace.name}. */
    public Optional<T> find(String workspace, String name) {
        return in(workspace).stream()
                .filter(l -> l.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** The workspace one is in. */
    public String workspace(T resource) {
        return workspaces.workspace(resource.getMetadata().getNamespace());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
