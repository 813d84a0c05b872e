package io.dynamosync.front.catalog;

import io.dynamosync.front.api.ApiError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Writes of one kind of workspace resource (query lambdas, views) through the API server, as the front's API does
 * them where the chart allows it: each in the workspace's namespace (one the front serves), refused by the API
 * server's own rules (its schema and validation rules, the front's RBAC) with the hosted service's error types, and
 * returned once the front's own watch has seen it, so that the next read answers with what was written.
 *
 * @param <T> the kind
 */
public final class ResourceWrites<T extends HasMetadata> {

    /** How long a write waits for the watch to show it; the API server has accepted it either way. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);
    /** How often an edit is tried when the resource changed meanwhile. */
    private static final int EDIT_ATTEMPTS = 4;

    private final KubernetesClient client;
    private final Class<T> kind;
    private final Workspaces workspaces;
    private final Set<String> namespaces;
    private final Supplier<Collection<T>> watched;

    /** @param namespaces the namespaces the front serves (every one when empty): writes elsewhere are refused */
    ResourceWrites(
            KubernetesClient client,
            Class<T> kind,
            Workspaces workspaces,
            Set<String> namespaces,
            Supplier<Collection<T>> watched) {
        this.client = client;
        this.kind = kind;
        this.workspaces = workspaces;
        this.namespaces = Set.copyOf(namespaces);
        this.watched = watched;
    }

    /** Creates {@code resource} in {@code workspace}; {@code ALREADYEXISTS} when one has its name. */
    public T create(String workspace, T resource) {
        resource.getMetadata().setNamespace(served(workspace));
        T created = call(
                workspace,
                resource.getMetadata().getName(),
                () -> client.resource(resource).create(),
                true);
        awaitSeen(created);
        return created;
    }

    /**
     * Changes the resource {@code name} of {@code workspace} with {@code change}, applied to it as it is now on the
     * API server; tried again when someone else changed it meanwhile, then {@code CONFLICT}.
     */
    public T edit(String workspace, String name, UnaryOperator<T> change) {
        String namespace = served(workspace);
        for (int attempt = 1; ; attempt++) {
            try {
                T edited = call(
                        workspace,
                        name,
                        () -> client.resources(kind)
                                .inNamespace(namespace)
                                .withName(name)
                                .edit(change),
                        false);
                awaitSeen(edited);
                return edited;
            } catch (ApiError e) {
                if (!e.type().equals(ApiError.CONFLICT) || attempt == EDIT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the resource {@code name} of {@code workspace}; answers it as it was. */
    public T delete(String workspace, String name) {
        String namespace = served(workspace);
        T existing = call(
                workspace,
                name,
                () -> client.resources(kind)
                        .inNamespace(namespace)
                        .withName(name)
                        .require(),
                false);
        call(
                workspace,
                name,
                () -> client.resources(kind)
                        .inNamespace(namespace)
                        .withName(name)
                        .delete(),
                false);
        awaitGone(namespace, name);
        return existing;
    }

    /** The namespace of {@code workspace}, when the front serves it; {@code NOTFOUND} otherwise. */
    private String served(String workspace) {
        String namespace = workspaces.namespace(workspace);
        if (!namespaces.isEmpty() && !namespaces.contains(namespace)) {
            throw ApiError.notFound(
                    "workspace " + workspace + " is not one the front serves; GET /v1/orgs/self/ws lists them");
        }
        return namespace;
    }

    /** Runs a write; the API server's refusals as the hosted service's errors ({@code creating}: 409 is the name). */
    private <R> R call(String workspace, String name, Supplier<R> write, boolean creating) {
        try {
            return write.get();
        } catch (io.fabric8.kubernetes.client.ResourceNotFoundException e) {
            throw notFound(workspace, name);
        } catch (KubernetesClientException e) {
            String said = e.getStatus() != null && e.getStatus().getMessage() != null
                    ? e.getStatus().getMessage()
                    : String.valueOf(e.getMessage());
            String what = kind.getSimpleName() + " " + workspace + "." + name;
            throw switch (e.getCode()) {
                case 404 -> notFound(workspace, name);
                case 409 ->
                    creating
                            ? new ApiError(409, ApiError.ALREADY_EXISTS, what + " already exists")
                            : new ApiError(409, ApiError.CONFLICT, what + " kept changing meanwhile; try again");
                case 422, 400 -> ApiError.invalidInput(what + " was refused by the API server: " + said);
                case 401, 403 ->
                    new ApiError(
                            403,
                            ApiError.FORBIDDEN,
                            "the front may not write " + what + " (its RBAC allows writes when the chart's"
                                    + " front.allowWrites is true): " + said);
                default ->
                    new ApiError(
                            503, ApiError.NOT_READY, "the API server did not take the write of " + what + ": " + said);
            };
        }
    }

    private ApiError notFound(String workspace, String name) {
        return ApiError.notFound(kind.getSimpleName() + " " + workspace + "." + name + " does not exist");
    }

    private void awaitSeen(T written) {
        String version = written.getMetadata().getResourceVersion();
        await(() -> watched.get().stream()
                .anyMatch(r -> same(
                                r,
                                written.getMetadata().getNamespace(),
                                written.getMetadata().getName())
                        && Objects.equals(r.getMetadata().getResourceVersion(), version)));
    }

    private void awaitGone(String namespace, String name) {
        await(() -> watched.get().stream().noneMatch(r -> same(r, namespace, name)));
    }

    private static boolean same(HasMetadata r, String namespace, String name) {
        return namespace.equals(r.getMetadata().getNamespace())
                && name.equals(r.getMetadata().getName());
    }

    private static void await(BooleanSupplier seen) {
        long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
        while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
