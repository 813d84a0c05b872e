package io.dynamosync.testkit.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child server JVM: runs the server's own main class and halts the JVM
 * as soon as the parent goes away, so a killed test run never leaves a server behind.
 *
 * <p>The parent holds the child's standard input open; when the parent dies for any reason,
 * even {@code kill -9}, the pipe closes and the read below returns end-of-file. Uses the JDK
 * only, because it runs on the server's classpath, not ours.
 */
public final class ParentWatch {

    private ParentWatch() {}

    /**
     * Starts the watch, then the real server.
     *
     * @param args the server's main class followed by its own arguments
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: ParentWatch <main-class> [args...]");
            System.exit(2);
        }
        Thread watch = new Thread(ParentWatch::haltWhenParentGoes, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void haltWhenParentGoes() {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file.
        }
        Runtime.getRuntime().halt(0);
    }
}
