package io.dynamosync.charts;

import static io.dynamosync.charts.Helm.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart grants the operator exactly what {@code operator/rbac-rules.txt} lists, which the operator module's
 * OperatorPermissionsIT holds equal to what the operator's code asks of the API server: a missing grant fails here
 * (the operator would be refused in a cluster), and so does a grant nobody uses. Checked for both ways of
 * watching (a ClusterRole, or a Role per watched namespace) and for the Lease of leader election.
 */
class ChartRbacIT {

    private static final Path RULES = Path.of(System.getProperty("rbac.rules", "../operator/rbac-rules.txt"));

    /** One permission as the rules file lists it: scope apiGroup resource verb. */
    private record Permission(String scope, String apiGroup, String resource, String verb)
            implements Comparable<Permission> {

        @Override
        public int compareTo(Permission o) {
            return line().compareTo(o.line());
        }

        String line() {
            return scope + " " + (apiGroup.isEmpty() ? "\"\"" : apiGroup) + " " + resource + " " + verb;
        }
    }

    @Test
    void clusterWideTheClusterRoleGrantsWhatTheOperatorUsesInWatchedNamespaces() throws IOException {
        Rendered chart = Helm.template();
        ClusterRole role = clusterRole(chart, "-operator");
        assertThat(granted("watched", role.getRules()))
                .as("ClusterRole %s against %s", role.getMetadata().getName(), RULES)
                .containsExactlyElementsOf(used("watched"));
        assertBound(
                chart,
                binding(chart, role).getRoleRef(),
                binding(chart, role).getSubjects(),
                "ClusterRole",
                role.getMetadata().getName());
        assertClusterScopedGrants(chart);
        assertThat(chart.all(Role.class)).as("no Lease without leader election").isEmpty();
    }

    @Test
    void withWatchedNamespacesEachGetsARoleAndNothingIsClusterWide() throws IOException {
        Rendered chart = Helm.template("watchNamespaces={team-a,team-b}");
        // Only what is not namespaced at all is granted cluster-wide; nothing of any namespace.
        assertThat(chart.all(ClusterRole.class))
                .as("no cluster-wide grant of namespaced objects")
                .extracting(r -> r.getMetadata().getName())
                .allMatch(n -> n.endsWith("-operator-cluster"));
        assertClusterScopedGrants(chart);
        List<Role> roles = chart.all(Role.class);
        assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
        for (Role role : roles) {
            String ns = role.getMetadata().getNamespace();
            assertThat(granted("watched", role.getRules()))
                    .as("Role in %s against %s", ns, RULES)
                    .containsExactlyElementsOf(used("watched"));
            RoleBinding binding = chart.all(RoleBinding.class).stream()
                    .filter(b -> b.getMetadata().getNamespace().equals(ns))
                    .findFirst()
                    .orElseThrow();
            assertBound(
                    chart,
                    binding.getRoleRef(),
                    binding.getSubjects(),
                    "Role",
                    role.getMetadata().getName());
        }
    }

    @Test
    void leaderElectionGetsTheLeaseInTheOperatorsNamespaceAndNoMore() throws IOException {
        Rendered chart = Helm.template("replicas=2");
        Role lease = chart.one(Role.class);
        assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(granted("operator", lease.getRules()))
                .as("Lease Role against %s", RULES)
                .containsExactlyElementsOf(used("operator"));
        // Beyond creating it, only the operator's own Lease.
        assertThat(lease.getRules())
                .filteredOn(r -> !r.getVerbs().equals(List.of("create")))
                .allSatisfy(r -> assertThat(r.getResourceNames()).containsExactly("dynamo-sync-operator"));
        RoleBinding binding = chart.one(RoleBinding.class);
        assertBound(
                chart,
                binding.getRoleRef(),
                binding.getSubjects(),
                "Role",
                lease.getMetadata().getName());
        assertThat(granted("watched", clusterRole(chart, "-operator").getRules()))
                .containsExactlyElementsOf(used("watched"));
    }

    /** The ClusterRole whose name ends in {@code suffix}. */
    private static ClusterRole clusterRole(Rendered chart, String suffix) {
        return chart.all(ClusterRole.class).stream()
                .filter(r -> r.getMetadata().getName().endsWith(suffix))
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
                    assertThat(l).as("ClusterRoles ending in %s", suffix).hasSize(1);
                    return l.get(0);
                }));
    }

    private static ClusterRoleBinding binding(Rendered chart, ClusterRole role) {
        return chart.all(ClusterRoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals(role.getMetadata().getName()))
                .findFirst()
                .orElseThrow();
    }

    /** The permissions on objects of no namespace (StorageClasses): exactly those used, in both modes. */
    private static void assertClusterScopedGrants(Rendered chart) throws IOException {
        ClusterRole cluster = clusterRole(chart, "-operator-cluster");
        assertThat(granted("cluster", cluster.getRules()))
                .as("ClusterRole %s against %s", cluster.getMetadata().getName(), RULES)
                .containsExactlyElementsOf(used("cluster"));
        assertBound(
                chart,
                binding(chart, cluster).getRoleRef(),
                binding(chart, cluster).getSubjects(),
                "ClusterRole",
                cluster.getMetadata().getName());
    }

    private static void assertBound(Rendered chart, RoleRef ref, List<Subject> subjects, String kind, String name) {
        String account =
                chart.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
        assertThat(ref.getKind()).isEqualTo(kind);
        assertThat(ref.getName()).isEqualTo(name);
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(account);
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });
    }

    /** Every (group, resource, verb) the rules grant, under {@code scope}; wildcards are refused outright. */
    private static List<String> granted(String scope, List<PolicyRule> rules) {
        Set<Permission> all = new TreeSet<>();
        for (PolicyRule rule : rules) {
            assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs())
                            .flatMap(List::stream))
                    .as("least privilege: no wildcard in %s", rule)
                    .doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        all.add(new Permission(scope, group, resource, verb));
                    }
                }
            }
        }
        return all.stream().map(Permission::line).toList();
    }

    /** The permissions the rules file lists under any of {@code scopes}, each shown under the first scope. */
    private static List<String> used(String... scopes) throws IOException {
        assertThat(RULES).as("the operator's permissions file").exists();
        try (Stream<String> lines = Files.lines(RULES)) {
            return lines
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("\\s+"))
                    .filter(f -> Set.of(scopes).contains(f[0]))
                    .map(f -> new Permission(scopes[0], f[1].equals("\"\"") ? "" : f[1], f[2], f[3]))
                    .collect(Collectors.toCollection(TreeSet::new))
                    .stream()
                    .map(Permission::line)
                    .toList();
        }
    }
}
