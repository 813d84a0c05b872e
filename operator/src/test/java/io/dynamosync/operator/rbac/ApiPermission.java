package io.dynamosync.operator.rbac;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One RBAC permission a request to the Kubernetes API needs: a verb on a resource of an API group, and where it is
 * needed. Written one a line in {@code operator/rbac-rules.txt} as {@code scope apiGroup resource verb}, the core
 * group as {@code ""}, as RBAC rules spell it.
 *
 * @param scope {@link #WATCHED} (in a namespace the operator watches), {@link #OPERATOR} (in the operator's own
 *     namespace) or {@link #CLUSTER} (cluster-scoped, or across all namespaces)
 * @param apiGroup the API group, empty for the core group
 * @param resource the resource, with {@code /subresource} where one is addressed
 * @param verb the RBAC verb
 */
public record ApiPermission(String scope, String apiGroup, String resource, String verb)
        implements Comparable<ApiPermission> {

    /** In each namespace whose integrations and collections the operator reconciles. */
    public static final String WATCHED = "watched";
    /** In the namespace the operator runs in (its leader-election Lease). */
    public static final String OPERATOR = "operator";
    /** Not in one namespace. */
    public static final String CLUSTER = "cluster";

    private static final Comparator<ApiPermission> ORDER = Comparator.comparing(ApiPermission::scope)
            .thenComparing(ApiPermission::apiGroup)
            .thenComparing(ApiPermission::resource)
            .thenComparing(ApiPermission::verb);

    /**
     * The permission a request needs, or empty for one every authenticated user may make: the discovery paths
     * ({@code /api}, {@code /apis/...} without a resource, {@code /version}; the {@code system:discovery} role) and
     * self reviews ({@code selfsubject*reviews}, the {@code system:basic-user} role), which JOSDK posts before it
     * competes for the Lease.
     *
     * @param method the HTTP method
     * @param pathAndQuery the request target, as the API server received it
     * @param operatorNamespace the operator's own namespace
     * @param watched the namespaces the operator watches
     */
    public static Optional<ApiPermission> of(
            String method, String pathAndQuery, String operatorNamespace, Set<String> watched) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        String group;
        List<String> rest;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            rest = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            rest = parts.subList(3, parts.size());
        } else {
            return Optional.empty();
        }
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || rest.get(0).startsWith("selfsubject")) {
            return Optional.empty();
        }
        String resource = rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
        boolean named = rest.size() >= 2;
        List<String> parameters = List.of(query.split("&"));
        boolean watch = parameters.contains("watch=true") || parameters.contains("watch=1");
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> named ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("no RBAC verb for HTTP " + method + " " + pathAndQuery);
        };
        String scope = namespace == null
                ? CLUSTER
                : namespace.equals(operatorNamespace) ? OPERATOR : watched.contains(namespace) ? WATCHED : CLUSTER;
        if (namespace != null && scope.equals(CLUSTER)) {
            throw new IllegalArgumentException("request to namespace " + namespace + ", neither watched " + watched
                    + " nor the operator's (" + operatorNamespace + "): " + method + " " + pathAndQuery);
        }
        return Optional.of(new ApiPermission(scope, group, resource, verb));
    }

    /** Reads a line as {@link #line()} writes it. */
    public static ApiPermission parse(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length != 4) {
            throw new IllegalArgumentException("expected 'scope apiGroup resource verb', got: " + line);
        }
        return new ApiPermission(f[0], f[1].equals("\"\"") ? "" : f[1], f[2], f[3]);
    }

    /** This permission as a line of the rules file. */
    public String line() {
        return scope + " " + (apiGroup.isEmpty() ? "\"\"" : apiGroup) + " " + resource + " " + verb;
    }

    @Override
    public int compareTo(ApiPermission other) {
        return ORDER.compare(this, other);
    }
}
