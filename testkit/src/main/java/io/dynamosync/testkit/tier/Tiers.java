package io.dynamosync.testkit.tier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards a tier of tests that needs something of the machine (root, podman, a browser): where it is there, the tier
 * runs; where it is not, a developer's build skips the tier with one line saying which and why, and a CI build
 * ({@code CI} set, as {@code .ci/run} runs) fails, since a green CI must mean every tier ran.
 */
public final class Tiers {

    private Tiers() {}

    /**
     * Runs the tier only where {@code canRun} holds.
     *
     * @param tier what is skipped, as a reader of the build log names it ("the local cluster tests")
     * @param why what is missing and how to get it
     */
    public static void require(boolean canRun, String tier, String why) {
        if (canRun) {
            return;
        }
        if (onCi()) {
            Assertions.fail(tier + " cannot run: " + why + " (CI is set, so this tier may not be skipped)");
        }
        String line = "SKIPPED " + tier + ": " + why;
        // Printed once per guard: the skip is in the build log, not only in a report file.
        System.err.println(line);
        Assumptions.abort(line);
    }

    /** Whether this build is CI's, which may skip no tier. */
    public static boolean onCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci);
    }

    /** Whether this JVM runs as root, which the local kubelet's private mount namespaces need. */
    public static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }
}
