package io.dynamosync.worker.config;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The memory and threads DuckDB may use, for queries and the store's writes together: the
 * settings' {@code duckdb.memoryLimit} and {@code duckdb.threads}, or else sized from the
 * container. DuckDB's own default (80% of the machine's memory) ignores both the container's
 * limit and the JVM's heap beside it, so a big query would get the pod killed for memory.
 *
 * @param memoryBytes DuckDB's {@code memory_limit}
 * @param threads DuckDB's {@code threads}
 */
public record DuckDbLimits(long memoryBytes, int threads) {

    /** Below this DuckDB cannot do much; a small container still gets it. */
    static final long MIN_MEMORY = 128L * 1024 * 1024;

    /** The settings' limits, each defaulting from the container. */
    public static DuckDbLimits of(Settings settings) {
        long memory = settings.duckdbMemoryLimitBytes() != null
                ? settings.duckdbMemoryLimitBytes()
                : forContainer(containerMemory(), Runtime.getRuntime().maxMemory());
        int threads = settings.duckdbThreads() != null
                ? settings.duckdbThreads()
                : Runtime.getRuntime().availableProcessors();
        return new DuckDbLimits(memory, threads);
    }

    /**
     * Three quarters of what the container's memory leaves beside the JVM's heap: the rest is the
     * JVM's own memory outside the heap (threads, metaspace, buffers) and DuckDB's overshoot.
     */
    static long forContainer(long containerBytes, long maxHeapBytes) {
        return Math.max(MIN_MEMORY, (containerBytes - maxHeapBytes) / 4 * 3);
    }

    /**
     * The memory this process may use: the container's limit, which the JVM reads from the
     * cgroup (v1 or v2), or the machine's memory outside a container.
     */
    static long containerMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4;
    }

    /** Sets both on the database; they hold for every connection to it. */
    public void apply(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET memory_limit = '" + Math.max(1, memoryBytes / 1024) + "KiB'");
            s.execute("SET threads = " + threads);
        }
    }
}
