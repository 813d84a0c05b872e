package io.dynamosync.testkit.cluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request to the Kubernetes API as its authorizer sees it: the verb, API group, resource (with its subresource),
 * namespace and name, read from the HTTP method and path the way the API server reads them. Paths outside the
 * resource API ({@code /version}, {@code /apis} discovery) are non-resource requests.
 *
 * @param namespace null for a cluster-scoped request or a list across all namespaces
 * @param name null for a request on a collection
 */
public record ApiRequest(
        String verb, String group, String resource, String subresource, String namespace, String name) {

    /** The request, or empty for a non-resource path. */
    public static Optional<ApiRequest> of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : pathAndQuery.substring(q + 1));
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int rest;
        String group;
        if (parts.length >= 3 && parts[0].equals("api")) {
            group = "";
            rest = 2;
        } else if (parts.length >= 4 && parts[0].equals("apis")) {
            group = parts[1];
            rest = 3;
        } else {
            return Optional.empty();
        }
        String namespace = null;
        if (parts.length > rest + 1 && parts[rest].equals("namespaces") && parts.length >= rest + 3) {
            namespace = parts[rest + 1];
            rest += 2;
        }
        String resource = parts[rest];
        String name = parts.length > rest + 1 ? parts[rest + 1] : null;
        String subresource = parts.length > rest + 2 ? parts[rest + 2] : null;
        boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
        String fieldName = Optional.ofNullable(query.get("fieldSelector"))
                .filter(f -> f.startsWith("metadata.name="))
                .map(f -> f.substring("metadata.name=".length()))
                .orElse(null);
        String verb = switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return Optional.of(
                new ApiRequest(verb, group, resource, subresource, namespace, name != null ? name : fieldName));
    }

    /** The resource as RBAC rules name it: {@code statefulsets}, or {@code dynamocollections/status}. */
    public String ruleResource() {
        return subresource == null ? resource : resource + "/" + subresource;
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
