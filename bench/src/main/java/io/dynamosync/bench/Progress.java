package io.dynamosync.bench;

import java.time.Duration;

/** The progress lines on standard error, so standard output holds only the table. */
public final class Progress {

    private static final long START = System.nanoTime();

    private Progress() {}

    /** Prints one line, prefixed with the time since the run began. */
    public static void line(String format, Object... args) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - START);
        System.err.printf(
                "[bench %2d:%02d] %s%n", elapsed.toMinutes(), elapsed.toSecondsPart(), String.format(format, args));
        System.err.flush();
    }
}
