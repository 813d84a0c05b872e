package io.dynamosync.testkit.cluster;

import io.dynamosync.testkit.process.ChildJvm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet, the StatefulSet controller and the pod network for what the operator creates, so that
 * operator and worker run together without a cluster. For each StatefulSet with replicas it starts pod 0 from the
 * pod template as a kubelet would: the container's command and args (the image's entrypoint when none), its
 * environment with values from Secrets and ConfigMaps, ConfigMap volumes as files at their mount paths, an emptyDir
 * per pod, and a directory per volume claim that outlives the pod. It polls the readiness probe into the Pod's Ready
 * condition, restarts a pod that dies or fails its liveness probe, replaces the pod when the template changes, and
 * stops it when the StatefulSet is scaled to zero or deleted. Deleting a claim deletes its directory.
 *
 * <p>Two modes. {@link Mode#PROCESS} runs the runnable application ({@code target/dist/bin/NAME}) as a child
 * process; as root it runs it in a private mount namespace ({@code unshare --mount}) with each volume bind-mounted
 * at its mount path, so the worker finds {@code /etc/dynamosync} and {@code /data} where the pod template says.
 * {@link Mode#CONTAINER} runs the image under podman with a read-only root filesystem and the template's user.
 *
 * <p>Pods have no network of their own: each listens on loopback on a port of its own, passed to it in
 * {@code DYNAMOSYNC_HTTP_PORT} in place of the container port, and {@link ServiceProxy} routes a Service's address
 * to the pods its selector matches.
 */
public final class LocalKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** How pods are run. */
    public enum Mode {
        /** A child process of the runnable application: fast, for most tests. */
        PROCESS,
        /** A container of the image under podman, as a node runs it. */
        CONTAINER
    }

    private final KubernetesClient client;
    private final Path workDirectory;
    private final Mode mode;
    private final Map<String, Path> applications;
    private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-kubelet");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * A kubelet for the StatefulSets {@code client} sees.
     *
     * @param applications image repository (without tag) to the runnable application folder that
     *     {@link Mode#PROCESS} runs for it ({@code bin/<name>} inside)
     */
    public LocalKubelet(KubernetesClient client, Path workDirectory, Mode mode, Map<String, Path> applications) {
        this.client = client;
        this.workDirectory = workDirectory;
        this.mode = mode;
        this.applications = Map.copyOf(applications);
    }

    /** Starts watching, checking every StatefulSet, pod and claim every 250 ms. */
    public LocalKubelet start() {
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 250, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The running pods, by {@code namespace/name}. */
    public Map<String, LocalPod> pods() {
        return Map.copyOf(pods);
    }

    /** Pod 0 of a StatefulSet, if it runs. */
    public Optional<LocalPod> pod(String namespace, String statefulSet) {
        return Optional.ofNullable(pods.get(namespace + "/" + statefulSet + "-0"));
    }

    /** How many times the kubelet started a pod again after it died. */
    public int restarts(String namespace, String podName) {
        return restarts.getOrDefault(namespace + "/" + podName, 0);
    }

    /** Where a volume claim's files live, whether a pod uses it now or not. */
    public Path claimDirectory(String namespace, String claim) {
        return workDirectory.resolve("volumes").resolve(namespace).resolve(claim);
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.warn("local kubelet: {}", e.toString());
        }
    }

    private synchronized void sync() {
        Map<String, StatefulSet> wanted = new LinkedHashMap<>();
        for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            Integer replicas = sts.getSpec().getReplicas();
            if (sts.getMetadata().getDeletionTimestamp() == null && (replicas == null || replicas > 0)) {
                wanted.put(sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName() + "-0", sts);
            }
        }
        for (Map.Entry<String, LocalPod> running : pods.entrySet()) {
            StatefulSet sts = wanted.get(running.getKey());
            if (sts == null || !running.getValue().templateHash().equals(templateHash(sts))) {
                stop(running.getKey(), running.getValue(), sts == null ? "scaled to zero or deleted" : "template changed");
            }
        }
        for (Map.Entry<String, StatefulSet> entry : wanted.entrySet()) {
            LocalPod pod = pods.get(entry.getKey());
            if (pod == null) {
                startPod(entry.getKey(), entry.getValue());
            } else if (!pod.alive()) {
                LOG.info("pod {} exited ({}); starting it again", entry.getKey(), pod.exitDescription());
                restarts.merge(entry.getKey(), 1, Integer::sum);
                stop(entry.getKey(), pod, "exited");
                startPod(entry.getKey(), entry.getValue());
            } else {
                probe(entry.getKey(), pod);
            }
        }
        deleteVolumesOfDeletedClaims();
    }

    private void startPod(String key, StatefulSet sts) {
        String namespace = sts.getMetadata().getNamespace();
        String podName = sts.getMetadata().getName() + "-0";
        var template = sts.getSpec().getTemplate();
        Container container = template.getSpec().getContainers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        Path podDirectory = workDirectory.resolve("pods").resolve(namespace).resolve(podName + "-" + Instant.now().toEpochMilli());
        List<Mount> mounts = new ArrayList<>();
        try {
            for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                env.put(var.getName(), value(namespace, podName, var));
            }
            for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                mounts.add(new Mount(volumeDirectory(namespace, sts, podName, podDirectory, mount.getName()),
                        mount.getMountPath(), Boolean.TRUE.equals(mount.getReadOnly())));
            }
        } catch (PodNotStartable e) {
            // As a kubelet does (CreateContainerConfigError): the pod waits until the reference resolves.
            LOG.debug("pod {} waits: {}", key, e.getMessage());
            return;
        }
        int port = ChildJvm.freePort();
        env.put("DYNAMOSYNC_HTTP_PORT", Integer.toString(port));
        ensureClaims(namespace, sts);
        LocalPod pod = mode == Mode.PROCESS
                ? LocalPod.process(command(container), container.getArgs(), env, mounts, podDirectory, port, templateHash(sts),
                        readiness(container), liveness(container), startup(container))
                : LocalPod.container(podman(namespace, podName), container, env, mounts, podDirectory, port,
                        templateHash(sts), readiness(container), liveness(container), startup(container), runAsUser(sts));
        pods.put(key, pod);
        Map<String, String> labels = Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of());
        writePod(namespace, podName, labels, false);
        LOG.info("started pod {} on port {} ({})", key, port, mode);
    }

    private List<String> command(Container container) {
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            return container.getCommand();
        }
        String repository = repository(container.getImage());
        Path dist = applications.get(repository);
        if (dist == null) {
            throw new IllegalStateException("no runnable application for image " + container.getImage());
        }
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        return List.of(dist.resolve("bin").resolve(name).toString());
    }

    private static String repository(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    private static String podman(String namespace, String podName) {
        return "local-kubelet-" + namespace + "-" + podName;
    }

    private static Long runAsUser(StatefulSet sts) {
        var security = sts.getSpec().getTemplate().getSpec().getSecurityContext();
        return security == null ? null : security.getRunAsUser();
    }

    private String value(String namespace, String podName, EnvVar var) {
        if (var.getValueFrom() == null) {
            return var.getValue() == null ? "" : var.getValue();
        }
        var from = var.getValueFrom();
        if (from.getSecretKeyRef() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(from.getSecretKeyRef().getName()).get();
            String encoded = secret == null || secret.getData() == null ? null
                    : secret.getData().get(from.getSecretKeyRef().getKey());
            String plain = secret == null || secret.getStringData() == null ? null
                    : secret.getStringData().get(from.getSecretKeyRef().getKey());
            if (encoded == null && plain == null) {
                throw new PodNotStartable("secret " + from.getSecretKeyRef().getName() + " has no key "
                        + from.getSecretKeyRef().getKey());
            }
            return plain != null ? plain : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMap map = client.configMaps().inNamespace(namespace).withName(from.getConfigMapKeyRef().getName()).get();
            String value = map == null || map.getData() == null ? null : map.getData().get(from.getConfigMapKeyRef().getKey());
            if (value == null) {
                throw new PodNotStartable("config map " + from.getConfigMapKeyRef().getName() + " has no key "
                        + from.getConfigMapKeyRef().getKey());
            }
            return value;
        }
        if (from.getFieldRef() != null) {
            return switch (from.getFieldRef().getFieldPath()) {
                case "metadata.name" -> podName;
                case "metadata.namespace" -> namespace;
                default -> "";
            };
        }
        return "";
    }

    private Path volumeDirectory(String namespace, StatefulSet sts, String podName, Path podDirectory, String volumeName) {
        boolean claim = Optional.ofNullable(sts.getSpec().getVolumeClaimTemplates()).orElse(List.of()).stream()
                .anyMatch(t -> t.getMetadata().getName().equals(volumeName));
        try {
            if (claim) {
                return Files.createDirectories(claimDirectory(namespace, volumeName + "-" + podName));
            }
            Volume volume = sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(volumeName)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no volume " + volumeName + " in " + podName));
            Path directory = Files.createDirectories(podDirectory.resolve("volumes").resolve(volumeName));
            if (volume.getConfigMap() != null) {
                ConfigMap map = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
                if (map == null) {
                    throw new PodNotStartable("config map " + volume.getConfigMap().getName() + " does not exist");
                }
                for (Map.Entry<String, String> file : Optional.ofNullable(map.getData()).orElse(Map.of()).entrySet()) {
                    Files.writeString(directory.resolve(file.getKey()), file.getValue());
                }
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureClaims(String namespace, StatefulSet sts) {
        // The StatefulSet controller creates each pod's claim from the template and never deletes it.
        for (PersistentVolumeClaim template : Optional.ofNullable(sts.getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
            String name = template.getMetadata().getName() + "-" + sts.getMetadata().getName() + "-0";
            if (client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() == null) {
                client.resource(new PersistentVolumeClaimBuilder(template).editMetadata().withName(name)
                        .withNamespace(namespace).endMetadata().build()).create();
            }
        }
    }

    private void deleteVolumesOfDeletedClaims() {
        Path volumes = workDirectory.resolve("volumes");
        if (!Files.isDirectory(volumes)) {
            return;
        }
        try (Stream<Path> namespaces = Files.list(volumes)) {
            for (Path namespace : namespaces.toList()) {
                try (Stream<Path> claims = Files.list(namespace)) {
                    for (Path claim : claims.toList()) {
                        String ns = namespace.getFileName().toString();
                        String name = claim.getFileName().toString();
                        boolean inUse = pods.keySet().stream().anyMatch(k -> k.startsWith(ns + "/") && name.endsWith(k.substring(ns.length() + 1)));
                        if (!inUse && client.persistentVolumeClaims().inNamespace(ns).withName(name).get() == null) {
                            LOG.info("claim {}/{} was deleted; deleting its volume", ns, name);
                            deleteTree(claim);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void probe(String key, LocalPod pod) {
        boolean ready = pod.readiness() == null || httpOk(pod, pod.readiness());
        if (ready != pod.ready()) {
            pod.ready(ready);
            String[] parts = key.split("/", 2);
            Pod current = client.pods().inNamespace(parts[0]).withName(parts[1]).get();
            writePod(parts[0], parts[1], current == null ? Map.of() : current.getMetadata().getLabels(), ready);
        }
        // Liveness as the kubelet times it: probed every periodSeconds once initialDelaySeconds (and the startup
        // probe, where there is one) have passed; failureThreshold failures in a row restart the container.
        Probe startup = pod.startup();
        if (startup != null && !pod.started()) {
            if (pod.dueForProbe(startup)) {
                if (httpOk(pod, startup)) {
                    pod.started(true);
                } else if (pod.probeFailed() >= failureThreshold(startup)) {
                    LOG.info("pod {} failed its startup probe; killing it", key);
                    pod.kill();
                }
            }
            return;
        }
        Probe liveness = pod.liveness();
        if (liveness != null && pod.startedAt().plusSeconds(probeDelay(liveness)).isBefore(Instant.now())
                && pod.dueForProbe(liveness)) {
            if (httpOk(pod, liveness)) {
                pod.probePassed();
            } else if (pod.probeFailed() >= failureThreshold(liveness)) {
                LOG.info("pod {} failed its liveness probe {} times; killing it", key, failureThreshold(liveness));
                pod.kill();
            }
        }
    }

    private static long probeDelay(Probe probe) {
        return probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
    }

    private static int periodSeconds(Probe probe) {
        return probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
    }

    private static int failureThreshold(Probe probe) {
        return probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
    }

    private static boolean httpOk(LocalPod pod, Probe probe) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pod.port()
                    + probe.getHttpGet().getPath())).timeout(Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds())).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() >= 200 && response.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Probe readiness(Container container) {
        return container.getReadinessProbe() != null && container.getReadinessProbe().getHttpGet() != null
                ? container.getReadinessProbe() : null;
    }

    private static Probe startup(Container container) {
        return container.getStartupProbe() != null && container.getStartupProbe().getHttpGet() != null
                ? container.getStartupProbe() : null;
    }

    private static Probe liveness(Container container) {
        return container.getLivenessProbe() != null && container.getLivenessProbe().getHttpGet() != null
                ? container.getLivenessProbe() : null;
    }

    private void writePod(String namespace, String name, Map<String, String> labels, boolean ready) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
        if (client.pods().inNamespace(namespace).withName(name).get() == null) {
            client.resource(pod).create();
        } else {
            client.resource(pod).update();
        }
    }

    private void stop(String key, LocalPod pod, String why) {
        LOG.info("stopping pod {}: {}", key, why);
        pod.stop(Duration.ofSeconds(30));
        pods.remove(key, pod);
        String[] parts = key.split("/", 2);
        client.pods().inNamespace(parts[0]).withName(parts[1]).delete();
    }

    /** The pod template's hash: a changed template replaces the pod, as the StatefulSet controller does. */
    private static String templateHash(StatefulSet sts) {
        try {
            byte[] json = Serialization.asJson(sts.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }

    /** Stops every pod (SIGTERM, then SIGKILL after the grace period) and the loop. */
    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            pods.values().forEach(p -> p.stop(Duration.ofSeconds(20)));
            pods.clear();
        }
    }

    /** A volume at a mount path. */
    record Mount(Path source, String path, boolean readOnly) {
    }

    /** A reference in the pod template that does not resolve yet. */
    static final class PodNotStartable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PodNotStartable(String message) {
            super(message);
        }
    }
}
