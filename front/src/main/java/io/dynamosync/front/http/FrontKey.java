package io.dynamosync.front.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.TreeSet;

/**
 * One key clients of the front may present, with its name and its scope: the workspaces it may read (all when
 * none are named), and its role: {@code query} (run queries, read everything of those workspaces) or {@code manage}
 * (also create, change and delete query lambdas and views there, where the front allows writes). The key itself
 * never appears in a log, a message or {@link #toString()}; only its name does.
 */
public final class FrontKey {

    /** The environment variable holding the key of every workspace, named {@link #DEFAULT_NAME}. */
    public static final String ENVIRONMENT = "DYNAMOSYNC_API_KEY";
    /** The name of the key from {@link #ENVIRONMENT}. */
    public static final String DEFAULT_NAME = "default";

    private final String name;
    private final byte[] key;
    private final Set<String> workspaces;
    private final boolean manages;

    private FrontKey(String name, String key, Set<String> workspaces, boolean manages) {
        this.name = name;
        this.key = key == null || key.isBlank() ? null : key.strip().getBytes(StandardCharsets.UTF_8);
        this.workspaces = Set.copyOf(workspaces);
        this.manages = manages;
    }

    /** The key of every workspace, {@code key}, which may also manage lambdas and views; none when null or blank. */
    public static FrontKey of(String key) {
        return new FrontKey(DEFAULT_NAME, key, Set.of(), true);
    }

    /** A key named {@code name} that may query {@code workspaces} only (every workspace when empty). */
    public static FrontKey scoped(String name, String key, Set<String> workspaces) {
        return new FrontKey(name, key, workspaces, false);
    }

    /** A key as {@link #scoped}, which may also manage the query lambdas and views of its workspaces. */
    public static FrontKey managing(String name, String key, Set<String> workspaces) {
        return new FrontKey(name, key, workspaces, true);
    }

    /** Whether the key may create, change and delete query lambdas and views in the workspaces it may read. */
    public boolean manages() {
        return manages;
    }

    /** Whether this is a key at all (a blank one is none). */
    boolean present() {
        return key != null;
    }

    /** Whether {@code presented} is this key, compared in constant time. */
    boolean matches(byte[] presented) {
        return key != null && MessageDigest.isEqual(presented, key);
    }

    public String name() {
        return name;
    }

    /** Whether the key may read {@code workspace}. */
    public boolean allows(String workspace) {
        return workspaces.isEmpty() || workspaces.contains(workspace);
    }

    /** What the key may read, for messages: "every workspace" or the list. */
    public String scope() {
        return workspaces.isEmpty() ? "every workspace" : "workspaces " + String.join(", ", new TreeSet<>(workspaces));
    }

    @Override
    public String toString() {
        return "FrontKey(" + name + ", " + scope() + (manages ? ", manage" : ", query") + ")";
    }
}
