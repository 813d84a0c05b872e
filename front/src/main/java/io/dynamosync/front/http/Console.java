package io.dynamosync.front.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The console's page: one file beside this class, which uses only the API with the key its user gives it. */
final class Console {

    static final byte[] PAGE = page();

    private Console() {}

    private static byte[] page() {
        // Beside this class: the worker's jar, on the classpath of the demo and of tests, has a console of its own.
        try (InputStream in = Console.class.getResourceAsStream("console.html")) {
            if (in == null) {
                throw new IllegalStateException("the console's page is missing from the front's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
