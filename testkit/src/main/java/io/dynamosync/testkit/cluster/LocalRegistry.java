package io.dynamosync.testkit.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image registry of a local cluster: what {@code podman push} (or {@code docker push}) put there, by whole image
 * reference ({@code registry/repository:tag}), each image standing for the runnable application folder it was built
 * from. The {@link LocalKubelet} pulls from it as a node pulls from a registry; an image that was never pushed cannot
 * be pulled.
 */
public final class LocalRegistry {

    private final Map<String, Path> images = new ConcurrentHashMap<>();

    /** Pushes an image built from the runnable application in {@code application} ({@code bin/<name>} inside). */
    public void push(String reference, Path application) {
        if (!Files.isDirectory(application.resolve("bin"))) {
            throw new IllegalArgumentException(application + " is not a runnable application (no bin/)");
        }
        images.put(reference, application);
    }

    /** The application of an image, if it was pushed. */
    public Optional<Path> pull(String reference) {
        return Optional.ofNullable(images.get(reference));
    }

    @Override
    public String toString() {
        return images.isEmpty() ? "the local registry (empty)" : "the local registry " + images.keySet();
    }
}
