package io.dynamosync.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiPermissionTest {

    private static final Set<String> WATCHED = Set.of("team-a");

    private static Optional<ApiPermission> of(String method, String path) {
        return ApiPermission.of(method, path, "dynamo-sync", WATCHED);
    }

    @Test
    void getListAndWatchAreToldApart() {
        assertThat(of("GET", "/api/v1/namespaces/team-a/secrets?resourceVersion=0&limit=500"))
                .contains(new ApiPermission("watched", "", "secrets", "list"));
        assertThat(of("GET", "/api/v1/namespaces/team-a/secrets?allowWatchBookmarks=true&watch=true"))
                .contains(new ApiPermission("watched", "", "secrets", "watch"));
        assertThat(of("GET", "/api/v1/namespaces/team-a/secrets/keys"))
                .contains(new ApiPermission("watched", "", "secrets", "get"));
    }

    @Test
    void writesMapToTheirVerbsAndSubresourcesAreNamed() {
        assertThat(of("PATCH", "/apis/dynamosync.io/v1alpha1/namespaces/team-a/dynamocollections/orders/status"))
                .contains(new ApiPermission("watched", "dynamosync.io", "dynamocollections/status", "patch"));
        assertThat(of("PUT", "/apis/apps/v1/namespaces/team-a/statefulsets/orders-worker"))
                .contains(new ApiPermission("watched", "apps", "statefulsets", "update"));
        assertThat(of("POST", "/api/v1/namespaces/team-a/events"))
                .contains(new ApiPermission("watched", "", "events", "create"));
        assertThat(of("DELETE", "/api/v1/namespaces/team-a/persistentvolumeclaims/data-orders-worker-0"))
                .contains(new ApiPermission("watched", "", "persistentvolumeclaims", "delete"));
        assertThat(of("DELETE", "/api/v1/namespaces/team-a/configmaps"))
                .contains(new ApiPermission("watched", "", "configmaps", "deletecollection"));
    }

    @Test
    void theLeaseIsInTheOperatorsNamespaceAndAllNamespaceListsAreClusterWide() {
        assertThat(of("PUT", "/apis/coordination.k8s.io/v1/namespaces/dynamo-sync/leases/dynamo-sync-operator"))
                .contains(new ApiPermission("operator", "coordination.k8s.io", "leases", "update"));
        assertThat(of("GET", "/apis/dynamosync.io/v1alpha1/dynamointegrations?watch=true"))
                .contains(new ApiPermission("cluster", "dynamosync.io", "dynamointegrations", "watch"));
        assertThat(of("GET", "/api/v1/namespaces/team-a"))
                .contains(new ApiPermission("cluster", "", "namespaces", "get"));
    }

    @Test
    void discoveryAndSelfReviewsNeedNoGrant() {
        assertThat(of("GET", "/version")).isEmpty();
        assertThat(of("GET", "/apis/apps/v1")).isEmpty();
        assertThat(of("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))
                .isEmpty();
    }

    @Test
    void aRequestToANamespaceNeitherWatchedNorOwnIsAnError() {
        assertThatThrownBy(() -> of("GET", "/api/v1/namespaces/team-b/secrets/keys"))
                .hasMessageContaining("team-b");
    }

    @Test
    void linesRoundTrip() {
        ApiPermission core = new ApiPermission("watched", "", "configmaps", "get");
        assertThat(core.line()).isEqualTo("watched \"\" configmaps get");
        assertThat(ApiPermission.parse(core.line())).isEqualTo(core);
    }
}
