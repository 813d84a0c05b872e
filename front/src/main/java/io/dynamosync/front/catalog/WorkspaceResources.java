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
 * (all of them when none are named), kept current by read-only informers, each in the workspace of its namespace.
 *
 * @param <T> the kind
 */
public final class WorkspaceResources<T extends HasMetadata> implements AutoCloseable {

    private final Supplier<Collection<T>> resources;
    private final Workspaces workspaces;
    private final List<SharedIndexInformer<T>> informers;

    private WorkspaceResources(
            Supplier<Collection<T>> resources, Workspaces workspaces, List<SharedIndexInformer<T>> informers) {
        this.resources = resources;
        this.workspaces = workspaces;
        this.informers = informers;
    }

    /** Resources fixed once, for tests and tools. */
    public static <T extends HasMetadata> WorkspaceResources<T> of(Collection<T> resources, Workspaces workspaces) {
        List<T> copy = List.copyOf(resources);
        return new WorkspaceResources<>(() -> copy, workspaces, List.of());
    }

    /** Watches the resources of {@code kind} in {@code namespaces} (every namespace when empty). */
    public static <T extends HasMetadata> WorkspaceResources<T> watching(
            KubernetesClient client, Class<T> kind, Set<String> namespaces, Workspaces workspaces) {
        List<SharedIndexInformer<T>> informers = new ArrayList<>();
        if (namespaces.isEmpty()) {
            informers.add(client.resources(kind).inAnyNamespace().inform());
        } else {
            for (String namespace : namespaces) {
                informers.add(client.resources(kind).inNamespace(namespace).inform());
            }
        }
        return new WorkspaceResources<>(
                () -> {
                    List<T> all = new ArrayList<>();
                    informers.forEach(i -> all.addAll(i.getStore().list()));
                    return all;
                },
                workspaces,
                informers);
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
