package io.dynamosync.testkit;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests a {@link LocalAws} started once for the whole test run
 * and stopped when the run ends. Before each test it clears the fault rules, call counts and
 * time-to-live marks, so no test's faults reach another.
 *
 * <pre>{@code
 * @ExtendWith(LocalAwsExtension.class)
 * class OrdersIT {
 *     @Test
 *     void loadsTable(LocalAws aws) { ... }
 * }
 * }</pre>
 */
public final class LocalAwsExtension implements ParameterResolver, BeforeEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalAwsExtension.class);

    /** The run's shared kit, started on first use. */
    public static LocalAws shared(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalAws.class, type -> LocalAws.start(), LocalAws.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return shared(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LocalAws aws = context.getRoot().getStore(NAMESPACE).get(LocalAws.class, LocalAws.class);
        if (aws != null) {
            aws.faults().reset();
            aws.ttlDeletes().reset();
            aws.streamTrimming().reset();
        }
    }
}
