package io.dynamosync.testkit.cluster;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.RoleList;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fabric8's CRUD mock API server with the API server's authorization in front: a request carrying a ServiceAccount's
 * token (from {@link #token}, as the local kubelet mounts it into a pod) is allowed only where the RBAC objects
 * stored in the server (Roles, ClusterRoles and their bindings) grant it, and refused otherwise with the 403 and
 * {@code Status} body a real API server sends. Requests with any other token, or none, are the cluster admin's (the
 * tests' own client, the kubelet); a ServiceAccount token that does not decode is refused with 401. Non-resource paths (discovery,
 * {@code /version}) are allowed to every authenticated caller, as the default {@code system:discovery} role does.
 *
 * <p>This is what makes the chart's rendered RBAC part of the end-to-end tests: the operator runs under its
 * ServiceAccount, so a rule the chart lacks fails the test as it would fail on a cluster.
 */
public final class RbacDispatcher extends Dispatcher {

    private static final String TOKEN_PREFIX = "local-sa.";
    private static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";

    private final KubernetesCrudDispatcher store;
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> served = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public RbacDispatcher(KubernetesCrudDispatcher store) {
        this.store = store;
    }

    /** The bearer token of a ServiceAccount, as a pod that mounts its token sends it. */
    public static String token(String namespace, String serviceAccount) {
        return TOKEN_PREFIX
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString((namespace + ":" + serviceAccount).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The ServiceAccounts whose requests were authorized by RBAC so far, as {@code system:serviceaccount:NS:NAME}: a
     * test checks that a program really ran under its ServiceAccount, not as the admin that a request without a
     * token is here.
     */
    public java.util.Set<String> authorizedUsers() {
        return java.util.Set.copyOf(served);
    }

    /** Every request refused so far, as {@code user verb resource namespace/name}: what a test reports. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String authorization = request.getHeader("Authorization");
        String token = authorization == null || !authorization.startsWith("Bearer ")
                ? ""
                : authorization.substring("Bearer ".length()).trim();
        if (!token.startsWith(TOKEN_PREFIX)) {
            return store.dispatch(request);
        }
        Optional<String[]> account = serviceAccount(token);
        if (account.isEmpty()) {
            return status(401, "Unauthorized", "Unauthorized", null, null);
        }
        String namespace = account.get()[0];
        String name = account.get()[1];
        Optional<ApiRequest> api = ApiRequest.of(request.getMethod(), request.getPath());
        if (api.isEmpty() || allowed(namespace, name, api.get())) {
            served.add("system:serviceaccount:" + namespace + ":" + name);
            return store.dispatch(request);
        }
        ApiRequest r = api.get();
        String user = "system:serviceaccount:" + namespace + ":" + name;
        String message = (r.name() == null ? r.ruleResource() : r.ruleResource() + " \"" + r.name() + "\"")
                + " is forbidden: User \"" + user + "\" cannot " + r.verb() + " resource \"" + r.ruleResource()
                + "\" in API group \"" + r.group() + "\""
                + (r.namespace() == null ? " at the cluster scope" : " in the namespace \"" + r.namespace() + "\"");
        refusals.add(user + " " + r.verb() + " " + (r.group().isEmpty() ? "" : r.group() + "/") + r.ruleResource() + " "
                + (r.namespace() == null ? "" : r.namespace() + "/") + (r.name() == null ? "" : r.name()));
        return status(403, "Forbidden", message, r.resource(), r.name());
    }

    private static Optional<String[]> serviceAccount(String token) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(
                    Base64.getUrlDecoder().decode(token.substring(TOKEN_PREFIX.length())), StandardCharsets.UTF_8);
            String[] parts = decoded.split(":", 2);
            return parts.length == 2 ? Optional.of(parts) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether RBAC grants the request to the ServiceAccount, as the API server's RBAC authorizer decides. */
    boolean allowed(String saNamespace, String saName, ApiRequest request) {
        for (var binding : read(RBAC + "/clusterrolebindings", ClusterRoleBindingList.class)
                .getItems()) {
            if (bound(binding.getSubjects(), saNamespace, saName)
                    && rules(binding.getRoleRef(), null).stream().anyMatch(rule -> grants(rule, request))) {
                return true;
            }
        }
        if (request.namespace() == null && !"namespaces".equals(request.resource())) {
            return false;
        }
        String namespace = request.namespace() != null ? request.namespace() : request.name();
        if (namespace == null) {
            return false;
        }
        for (RoleBinding binding : read(RBAC + "/namespaces/" + namespace + "/rolebindings", RoleBindingList.class)
                .getItems()) {
            if (bound(binding.getSubjects(), saNamespace, saName)
                    && rules(binding.getRoleRef(), namespace).stream().anyMatch(rule -> grants(rule, request))) {
                return true;
            }
        }
        return false;
    }

    private static boolean bound(List<Subject> subjects, String namespace, String name) {
        for (Subject subject : Optional.ofNullable(subjects).orElse(List.of())) {
            switch (Optional.ofNullable(subject.getKind()).orElse("")) {
                case "ServiceAccount" -> {
                    if (name.equals(subject.getName()) && namespace.equals(subject.getNamespace())) {
                        return true;
                    }
                }
                case "Group" -> {
                    String group = subject.getName();
                    if ("system:serviceaccounts".equals(group)
                            || ("system:serviceaccounts:" + namespace).equals(group)
                            || "system:authenticated".equals(group)) {
                        return true;
                    }
                }
                case "User" -> {
                    if (("system:serviceaccount:" + namespace + ":" + name).equals(subject.getName())) {
                        return true;
                    }
                }
                default -> {}
            }
        }
        return false;
    }

    private List<PolicyRule> rules(RoleRef ref, String namespace) {
        if (ref == null) {
            return List.of();
        }
        if ("ClusterRole".equals(ref.getKind())) {
            return read(RBAC + "/clusterroles", ClusterRoleList.class).getItems().stream()
                    .filter(r -> ref.getName().equals(r.getMetadata().getName()))
                    .findFirst()
                    .map(ClusterRole::getRules)
                    .orElse(List.of());
        }
        if ("Role".equals(ref.getKind()) && namespace != null) {
            return read(RBAC + "/namespaces/" + namespace + "/roles", RoleList.class).getItems().stream()
                    .filter(r -> ref.getName().equals(r.getMetadata().getName()))
                    .findFirst()
                    .map(Role::getRules)
                    .orElse(List.of());
        }
        return List.of();
    }

    private static boolean grants(PolicyRule rule, ApiRequest request) {
        if (rule.getNonResourceURLs() != null
                && !rule.getNonResourceURLs().isEmpty()
                && (rule.getResources() == null || rule.getResources().isEmpty())) {
            return false;
        }
        return matches(rule.getVerbs(), request.verb())
                && matches(rule.getApiGroups(), request.group())
                && matches(rule.getResources(), request.ruleResource())
                && (rule.getResourceNames() == null
                        || rule.getResourceNames().isEmpty()
                        || (request.name() != null && rule.getResourceNames().contains(request.name())));
    }

    private static boolean matches(List<String> allowed, String value) {
        return allowed != null && (allowed.contains("*") || allowed.contains(value));
    }

    private <T> T read(String path, Class<T> type) {
        MockResponse response = store.handleGet(path);
        String body =
                response.getBody() == null ? "" : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
        if (response.code() != 200 || body.isBlank()) {
            try {
                return type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return Serialization.unmarshal(body, type);
    }

    private static MockResponse status(int code, String reason, String message, String kind, String name) {
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        if (name != null) {
            details.put("name", name);
        }
        if (kind != null) {
            details.put("kind", kind);
        }
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("details", details);
        status.put("code", code);
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(status));
    }

    @Override
    public void shutdown() {
        store.shutdown();
    }
}
