package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;

/** The hardening every container the chart or the operator starts must have, checked on a pod spec. */
final class PodSecurity {

    private PodSecurity() {}

    /**
     * Every container of {@code pod} runs as a non-root user, with CPU and memory limits, a read-only root
     * filesystem, no privilege escalation, all capabilities dropped and the runtime's default seccomp profile,
     * whether set on the container or inherited from the pod.
     */
    static void assertHardened(String what, PodSpec pod) {
        List<Container> containers = new ArrayList<>(pod.getContainers());
        containers.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
        assertThat(containers).as("containers of %s", what).isNotEmpty();
        PodSecurityContext podContext =
                Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
        SoftAssertions soft = new SoftAssertions();
        for (Container c : containers) {
            String name = what + " container " + c.getName();
            SecurityContext ctx = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
            Boolean nonRoot = ctx.getRunAsNonRoot() != null ? ctx.getRunAsNonRoot() : podContext.getRunAsNonRoot();
            Long user = ctx.getRunAsUser() != null ? ctx.getRunAsUser() : podContext.getRunAsUser();
            soft.assertThat(nonRoot).as("%s runAsNonRoot", name).isTrue();
            soft.assertThat(user).as("%s runAsUser", name).isNotNull().isNotZero();
            soft.assertThat(ctx.getReadOnlyRootFilesystem())
                    .as("%s readOnlyRootFilesystem", name)
                    .isTrue();
            soft.assertThat(ctx.getAllowPrivilegeEscalation())
                    .as("%s allowPrivilegeEscalation", name)
                    .isFalse();
            soft.assertThat(ctx.getPrivileged()).as("%s privileged", name).isNotEqualTo(Boolean.TRUE);
            soft.assertThat(
                            ctx.getCapabilities() == null
                                    ? List.<String>of()
                                    : ctx.getCapabilities().getDrop())
                    .as("%s capabilities dropped", name)
                    .contains("ALL");
            soft.assertThat(
                            ctx.getCapabilities() == null
                                    ? null
                                    : ctx.getCapabilities().getAdd())
                    .as("%s capabilities added", name)
                    .isNullOrEmpty();
            String seccomp = ctx.getSeccompProfile() != null
                    ? ctx.getSeccompProfile().getType()
                    : podContext.getSeccompProfile() == null
                            ? null
                            : podContext.getSeccompProfile().getType();
            soft.assertThat(seccomp).as("%s seccomp profile", name).isEqualTo("RuntimeDefault");
            soft.assertThat(c.getResources() == null ? null : c.getResources().getLimits())
                    .as("%s resource limits", name)
                    .isNotNull()
                    .containsKey("memory");
            soft.assertThat(c.getImage())
                    .as("%s image", name)
                    .matches(".+:[^/:]+")
                    .doesNotEndWith(":latest");
        }
        soft.assertAll();
    }

    /** As {@link #assertHardened}, and the container also has a CPU limit. */
    static void assertHardenedWithCpuLimit(String what, PodSpec pod) {
        assertHardened(what, pod);
        assertThat(pod.getContainers())
                .as("CPU limits of %s", what)
                .allSatisfy(c -> assertThat(c.getResources().getLimits()).containsKey("cpu"));
    }
}
