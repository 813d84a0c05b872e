package io.dynamosync.testkit.iceberg;

import io.dynamosync.testkit.LocalAwsExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests a {@link LocalIceberg} (PostgreSQL and Trino, beside the run's shared
 * {@link io.dynamosync.testkit.LocalAws}), started once for the whole test run and stopped when it ends. Where the
 * machine lacks PostgreSQL or a Java for Trino, the test is skipped on a developer's machine and fails on CI.
 */
public final class LocalIcebergExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalIcebergExtension.class);

    /** The run's shared Iceberg kit, started on first use. */
    public static LocalIceberg shared(ExtensionContext context) {
        LocalIceberg.requireTier();
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        LocalIceberg.class,
                        type -> LocalIceberg.start(LocalAwsExtension.shared(context)),
                        LocalIceberg.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalIceberg.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return shared(context);
    }
}
