package io.dynamosync.front.catalog;

import java.util.Objects;

/**
 * Workspaces are namespaces: workspace {@code analytics} is namespace {@code analytics}, and {@code commons} (the
 * workspace of a bare collection name) is the namespace the front is told to use for it.
 *
 * @param commonsNamespace the namespace that workspace {@code commons} names
 */
public record Workspaces(String commonsNamespace) {

    /** The workspace of bare collection names, as in the hosted service. */
    public static final String COMMONS = "commons";

    public Workspaces {
        Objects.requireNonNull(commonsNamespace, "commonsNamespace");
    }

    /** The namespace a workspace names. */
    public String namespace(String workspace) {
        return workspace == null || workspace.isEmpty() || workspace.equals(COMMONS) ? commonsNamespace : workspace;
    }

    /** The workspace a namespace is seen as. */
    public String workspace(String namespace) {
        return namespace.equals(commonsNamespace) ? COMMONS : namespace;
    }
}
