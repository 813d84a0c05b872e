package io.dynamosync.testkit.cluster;

import io.dynamosync.testkit.process.ChildJvm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.util.Set;
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
 * <p>Deployments get their pod too (one, whatever their replicas), so that the operator itself can run from the
 * chart's rendered Deployment. Where it matters to users the kubelet is as strict as a cluster: a pod whose
 * ServiceAccount does not exist in its namespace is not created (the workload gets the {@code FailedCreate} Warning
 * Event a controller reports); an image is run only when it is on the node or can be pulled from the
 * {@link LocalRegistry} by its pull policy (otherwise the pod waits in {@code ErrImageNeverPull} or
 * {@code ImagePullBackOff}, in its container status); and a pod that mounts its ServiceAccount's token reaches the API
 * server ({@link #withApiServer}) with that token, so that {@link RbacDispatcher} holds it to its RBAC.
 *
 * <p>Pods have no network of their own: each listens on loopback on a port of its own, passed to it in
 * {@code DYNAMOSYNC_HTTP_PORT} in place of the container port, and {@link ServiceProxy} routes a Service's address
 * to the pods its selector matches.
 */
public final class LocalKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

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
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private LocalRegistry registry = new LocalRegistry();
    private String apiServer;
    private Map<String, String> nodeEnvironment = Map.of();
    private Map<String, String> networkEnvironment = Map.of();
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

    /**
     * The registry images are pulled from: an image that is not on the node (not in {@code applications} by its
     * whole reference, or by its repository for any tag) runs only if its pull policy lets the kubelet pull it from
     * here.
     */
    public LocalKubelet withRegistry(LocalRegistry registry) {
        this.registry = registry;
        return this;
    }

    /**
     * The API server pods reach: {@code KUBERNETES_MASTER} in every pod, and the ServiceAccount's token
     * ({@link RbacDispatcher#token}) in those that mount it, as {@code KUBERNETES_AUTH_TOKEN}.
     */
    public LocalKubelet withApiServer(String url) {
        this.apiServer = url;
        return this;
    }

    /**
     * Environment the node gives every pod before the pod's own (what a node's instance identity gives, such as
     * AWS credentials standing in for the node's role), and environment that stands in for the cluster's network
     * after it (the address of other Services, where the pod would use cluster DNS).
     */
    public LocalKubelet withEnvironment(Map<String, String> node, Map<String, String> network) {
        this.nodeEnvironment = Map.copyOf(node);
        this.networkEnvironment = Map.copyOf(network);
        return this;
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

    /** The pod of a Deployment, if it runs. */
    public Optional<LocalPod> deploymentPod(String namespace, String deployment) {
        return pods.entrySet().stream()
                .filter(e -> e.getKey().startsWith(namespace + "/" + deployment + "-"))
                .map(Map.Entry::getValue)
                .findFirst();
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
        Map<String, Workload> wanted = new LinkedHashMap<>();
        for (StatefulSet sts :
                client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            Integer replicas = sts.getSpec().getReplicas();
            if (sts.getMetadata().getDeletionTimestamp() == null && (replicas == null || replicas > 0)) {
                Workload workload = new Workload(
                        sts,
                        sts.getSpec().getTemplate(),
                        Optional.ofNullable(sts.getSpec().getVolumeClaimTemplates())
                                .orElse(List.of()),
                        sts.getMetadata().getName() + "-0");
                wanted.put(workload.key(), workload);
            }
        }
        for (Deployment deployment :
                client.apps().deployments().inAnyNamespace().list().getItems()) {
            Integer replicas = deployment.getSpec().getReplicas();
            if (deployment.getMetadata().getDeletionTimestamp() == null && (replicas == null || replicas > 0)) {
                PodTemplateSpec template = deployment.getSpec().getTemplate();
                Workload workload = new Workload(
                        deployment,
                        template,
                        List.of(),
                        deployment.getMetadata().getName() + "-"
                                + templateHash(template).substring(0, 10));
                wanted.put(workload.key(), workload);
            }
        }
        for (Map.Entry<String, LocalPod> running : pods.entrySet()) {
            Workload workload = wanted.get(running.getKey());
            if (workload == null || !running.getValue().templateHash().equals(templateHash(workload.template()))) {
                stop(
                        running.getKey(),
                        running.getValue(),
                        workload == null ? "scaled to zero or deleted" : "template changed");
            }
        }
        for (Map.Entry<String, Workload> entry : wanted.entrySet()) {
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

    private void startPod(String key, Workload workload) {
        String namespace = workload.namespace();
        String podName = workload.podName();
        var template = workload.template();
        Container container = template.getSpec().getContainers().get(0);
        Optional<ServiceAccount> account = serviceAccount(workload);
        if (account.isEmpty()) {
            return;
        }
        Optional<Path> image = image(workload, container);
        if (image.isEmpty()) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>(nodeEnvironment);
        apiServerEnvironment(namespace, template, account.get(), env);
        Path podDirectory = workDirectory
                .resolve("pods")
                .resolve(namespace)
                .resolve(podName + "-" + Instant.now().toEpochMilli());
        List<Mount> mounts = new ArrayList<>();
        try {
            for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                env.put(var.getName(), value(namespace, podName, var));
            }
            for (VolumeMount mount :
                    Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                mounts.add(new Mount(
                        volumeDirectory(workload, podDirectory, mount.getName()),
                        mount.getMountPath(),
                        Boolean.TRUE.equals(mount.getReadOnly())));
            }
        } catch (PodNotStartable e) {
            // As a kubelet does (CreateContainerConfigError): the pod waits until the reference resolves.
            LOG.debug("pod {} waits: {}", key, e.getMessage());
            return;
        }
        int port = ChildJvm.freePort();
        env.putAll(networkEnvironment);
        env.put("DYNAMOSYNC_HTTP_PORT", Integer.toString(port));
        ensureClaims(workload);
        String hash = templateHash(template);
        LocalPod pod = mode == Mode.PROCESS
                ? LocalPod.process(
                        command(container, image.get()),
                        container.getArgs(),
                        env,
                        mounts,
                        podDirectory,
                        port,
                        hash,
                        readiness(container),
                        liveness(container),
                        startup(container))
                : LocalPod.container(
                        podman(namespace, podName),
                        container,
                        env,
                        mounts,
                        podDirectory,
                        port,
                        hash,
                        readiness(container),
                        liveness(container),
                        startup(container),
                        runAsUser(template));
        pods.put(key, pod);
        writePod(namespace, podName, labels(template), false, running(container, restarts.getOrDefault(key, 0)));
        LOG.info("started pod {} on port {} ({})", key, port, mode);
    }

    private static List<String> command(Container container, Path dist) {
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            return container.getCommand();
        }
        String repository = repository(container.getImage());
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        return List.of(dist.resolve("bin").resolve(name).toString());
    }

    /**
     * The pod's ServiceAccount, or empty (after a {@code FailedCreate} Event on the workload) when it does not exist
     * in the pod's namespace: the API server refuses such a pod. Every namespace has {@code default}.
     */
    private Optional<ServiceAccount> serviceAccount(Workload workload) {
        var spec = workload.template().getSpec();
        String name = Optional.ofNullable(spec.getServiceAccountName())
                .filter(n -> !n.isBlank())
                .or(() -> Optional.ofNullable(spec.getServiceAccount()).filter(n -> !n.isBlank()))
                .orElse("default");
        ServiceAccount account = client.serviceAccounts()
                .inNamespace(workload.namespace())
                .withName(name)
                .get();
        if (account == null && "default".equals(name)) {
            account = new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(workload.namespace())
                    .endMetadata()
                    .build();
        }
        if (account == null) {
            String kind = workload.owner().getKind();
            report(
                    workload.owner(),
                    kind.equals("StatefulSet") ? "statefulset-controller" : "replicaset-controller",
                    "FailedCreate",
                    "create Pod " + workload.podName() + " in " + kind + " "
                            + workload.owner().getMetadata().getName() + " failed error: pods \"" + workload.podName()
                            + "\" is forbidden: error looking up service account " + workload.namespace() + "/" + name
                            + ": serviceaccount \"" + name + "\" not found");
            return Optional.empty();
        }
        String owner =
                workload.namespace() + "/" + workload.owner().getMetadata().getName() + "|";
        reported.removeIf(k -> k.startsWith(owner));
        return Optional.of(account);
    }

    /**
     * The runnable application of the container's image, or empty when the image cannot be had by its pull policy:
     * {@code Never} runs only an image on the node, {@code IfNotPresent} pulls one that is not, {@code Always}
     * (the default for {@code :latest} or no tag) pulls every time. The pod then waits in {@code ErrImageNeverPull}
     * or {@code ImagePullBackOff}, as on a node.
     */
    private Optional<Path> image(Workload workload, Container container) {
        if (mode == Mode.CONTAINER) {
            return Optional.of(Path.of("/"));
        }
        String image = container.getImage();
        String policy = Optional.ofNullable(container.getImagePullPolicy())
                .filter(p -> !p.isBlank())
                .orElse(image.endsWith(":latest") || repository(image).equals(image) ? "Always" : "IfNotPresent");
        Optional<Path> onNode = Optional.ofNullable(applications.get(image))
                .or(() -> Optional.ofNullable(applications.get(repository(image))));
        Optional<Path> found = switch (policy) {
            case "Never" -> onNode;
            case "Always" -> registry.pull(image);
            default -> onNode.or(() -> registry.pull(image));
        };
        if (found.isEmpty()) {
            String reason = policy.equals("Never") ? "ErrImageNeverPull" : "ImagePullBackOff";
            String message = policy.equals("Never")
                    ? "Container image \"" + image + "\" is not present with pull policy of Never"
                    : "Back-off pulling image \"" + image + "\": not found in " + registry;
            Pod waitingPod = new PodBuilder()
                    .withNewMetadata()
                    .withName(workload.podName())
                    .withNamespace(workload.namespace())
                    .endMetadata()
                    .build();
            if (report(waitingPod, "kubelet", "Failed", message)) {
                writePod(
                        workload.namespace(),
                        workload.podName(),
                        labels(workload.template()),
                        false,
                        waiting(container, reason, message, restarts.getOrDefault(workload.key(), 0)));
            }
        }
        if (found.isPresent()) {
            reported.removeIf(k -> k.startsWith(workload.key() + "|"));
        }
        return found;
    }

    /** The API server's address and, where the pod mounts it, its ServiceAccount's token. */
    private void apiServerEnvironment(
            String namespace, PodTemplateSpec template, ServiceAccount account, Map<String, String> env) {
        if (apiServer == null) {
            return;
        }
        env.put("KUBERNETES_MASTER", apiServer);
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_NAMESPACE", namespace);
        Boolean podMounts = template.getSpec().getAutomountServiceAccountToken();
        boolean mounts =
                podMounts != null ? podMounts : !Boolean.FALSE.equals(account.getAutomountServiceAccountToken());
        if (mounts) {
            env.put(
                    "KUBERNETES_AUTH_TOKEN",
                    RbacDispatcher.token(namespace, account.getMetadata().getName()));
        }
    }

    /** A Warning Event on {@code object}, once for as long as the same problem lasts; whether it is new. */
    private boolean report(HasMetadata object, String component, String reason, String message) {
        String namespace = object.getMetadata().getNamespace();
        if (!reported.add(namespace + "/" + object.getMetadata().getName() + "|" + reason + "|" + message)) {
            return false;
        }
        LOG.info("{} {}/{}: {}", reason, namespace, object.getMetadata().getName(), message);
        String now = Instant.now().toString();
        client.v1()
                .events()
                .inNamespace(namespace)
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withGenerateName(object.getMetadata().getName() + ".")
                        .withNamespace(namespace)
                        .endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder()
                                .withKind(object.getKind())
                                .withApiVersion(object.getApiVersion())
                                .withName(object.getMetadata().getName())
                                .withNamespace(namespace)
                                .withUid(object.getMetadata().getUid())
                                .build())
                        .withReason(reason)
                        .withMessage(message)
                        .withType("Warning")
                        .withNewSource()
                        .withComponent(component)
                        .endSource()
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .build())
                .create();
        return true;
    }

    private static String repository(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    private static String podman(String namespace, String podName) {
        return "local-kubelet-" + namespace + "-" + podName;
    }

    private static Long runAsUser(PodTemplateSpec template) {
        var security = template.getSpec().getSecurityContext();
        return security == null ? null : security.getRunAsUser();
    }

    private String value(String namespace, String podName, EnvVar var) {
        if (var.getValueFrom() == null) {
            return var.getValue() == null ? "" : var.getValue();
        }
        var from = var.getValueFrom();
        if (from.getSecretKeyRef() != null) {
            Secret secret = client.secrets()
                    .inNamespace(namespace)
                    .withName(from.getSecretKeyRef().getName())
                    .get();
            String encoded = secret == null || secret.getData() == null
                    ? null
                    : secret.getData().get(from.getSecretKeyRef().getKey());
            String plain = secret == null || secret.getStringData() == null
                    ? null
                    : secret.getStringData().get(from.getSecretKeyRef().getKey());
            if (encoded == null && plain == null) {
                throw new PodNotStartable("secret " + from.getSecretKeyRef().getName() + " has no key "
                        + from.getSecretKeyRef().getKey());
            }
            return plain != null ? plain : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMap map = client.configMaps()
                    .inNamespace(namespace)
                    .withName(from.getConfigMapKeyRef().getName())
                    .get();
            String value = map == null || map.getData() == null
                    ? null
                    : map.getData().get(from.getConfigMapKeyRef().getKey());
            if (value == null) {
                throw new PodNotStartable(
                        "config map " + from.getConfigMapKeyRef().getName() + " has no key "
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

    private Path volumeDirectory(Workload workload, Path podDirectory, String volumeName) {
        String namespace = workload.namespace();
        String podName = workload.podName();
        boolean claim = workload.claimTemplates().stream()
                .anyMatch(t -> t.getMetadata().getName().equals(volumeName));
        try {
            if (claim) {
                return Files.createDirectories(claimDirectory(namespace, volumeName + "-" + podName));
            }
            Volume volume = workload.template().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(volumeName))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no volume " + volumeName + " in " + podName));
            Path directory =
                    Files.createDirectories(podDirectory.resolve("volumes").resolve(volumeName));
            if (volume.getConfigMap() != null) {
                ConfigMap map = client.configMaps()
                        .inNamespace(namespace)
                        .withName(volume.getConfigMap().getName())
                        .get();
                if (map == null) {
                    throw new PodNotStartable(
                            "config map " + volume.getConfigMap().getName() + " does not exist");
                }
                for (Map.Entry<String, String> file :
                        Optional.ofNullable(map.getData()).orElse(Map.of()).entrySet()) {
                    Files.writeString(directory.resolve(file.getKey()), file.getValue());
                }
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureClaims(Workload workload) {
        String namespace = workload.namespace();
        // The StatefulSet controller creates each pod's claim from the template and never deletes it.
        for (PersistentVolumeClaim template : workload.claimTemplates()) {
            String name = template.getMetadata().getName() + "-" + workload.podName();
            if (client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withName(name)
                            .get()
                    == null) {
                client.resource(new PersistentVolumeClaimBuilder(template)
                                .editMetadata()
                                .withName(name)
                                .withNamespace(namespace)
                                .endMetadata()
                                .build())
                        .create();
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
                        boolean inUse = pods.keySet().stream()
                                .anyMatch(k -> k.startsWith(ns + "/") && name.endsWith(k.substring(ns.length() + 1)));
                        if (!inUse
                                && client.persistentVolumeClaims()
                                                .inNamespace(ns)
                                                .withName(name)
                                                .get()
                                        == null) {
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
            List<ContainerStatus> statuses = current == null || current.getStatus() == null
                    ? List.of()
                    : Optional.ofNullable(current.getStatus().getContainerStatuses())
                            .orElse(List.of());
            statuses.forEach(c -> c.setReady(ready));
            writePod(
                    parts[0],
                    parts[1],
                    current == null ? Map.of() : current.getMetadata().getLabels(),
                    ready,
                    statuses);
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
        if (liveness != null
                && pod.startedAt().plusSeconds(probeDelay(liveness)).isBefore(Instant.now())
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
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pod.port()
                                    + probe.getHttpGet().getPath()))
                            .timeout(Duration.ofSeconds(
                                    probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds()))
                            .build(),
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
        return container.getReadinessProbe() != null
                        && container.getReadinessProbe().getHttpGet() != null
                ? container.getReadinessProbe()
                : null;
    }

    private static Probe startup(Container container) {
        return container.getStartupProbe() != null
                        && container.getStartupProbe().getHttpGet() != null
                ? container.getStartupProbe()
                : null;
    }

    private static Probe liveness(Container container) {
        return container.getLivenessProbe() != null
                        && container.getLivenessProbe().getHttpGet() != null
                ? container.getLivenessProbe()
                : null;
    }

    private void writePod(
            String namespace,
            String name,
            Map<String, String> labels,
            boolean ready,
            List<ContainerStatus> containers) {
        boolean running = containers.isEmpty()
                || containers.stream()
                        .allMatch(c -> c.getState() != null && c.getState().getRunning() != null);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .withNewStatus()
                .withPhase(running ? "Running" : "Pending")
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .withContainerStatuses(containers)
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

    private static Map<String, String> labels(PodTemplateSpec template) {
        return template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of()
                : template.getMetadata().getLabels();
    }

    private static List<ContainerStatus> running(Container container, int restartCount) {
        return List.of(new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withReady(false)
                .withRestartCount(restartCount)
                .withStarted(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .endState()
                .build());
    }

    private static List<ContainerStatus> waiting(Container container, String reason, String message, int restartCount) {
        return List.of(new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withReady(false)
                .withRestartCount(restartCount)
                .withStarted(false)
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .build());
    }

    /** The pod template's hash: a changed template replaces the pod, as the StatefulSet controller does. */
    private static String templateHash(PodTemplateSpec template) {
        try {
            byte[] json = Serialization.asJson(template).getBytes(StandardCharsets.UTF_8);
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

    /** A StatefulSet or Deployment, as far as its pod is concerned. */
    private record Workload(
            HasMetadata owner, PodTemplateSpec template, List<PersistentVolumeClaim> claimTemplates, String podName) {
        String namespace() {
            return owner.getMetadata().getNamespace();
        }

        String key() {
            return namespace() + "/" + podName;
        }
    }

    /** A volume at a mount path. */
    record Mount(Path source, String path, boolean readOnly) {}

    /** A reference in the pod template that does not resolve yet. */
    static final class PodNotStartable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PodNotStartable(String message) {
            super(message);
        }
    }
}
