package io.dynamosync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.cluster.LocalKubelet;
import io.dynamosync.testkit.cluster.LocalRegistry;
import io.dynamosync.testkit.cluster.RbacDispatcher;
import io.dynamosync.testkit.cluster.ServiceProxy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * README's install walkthrough as a script: the command blocks of steps 1 to 5 of "Install on a cluster", in order,
 * each command carried out on the local cluster the way the real tool would on a cluster. {@code helm install}
 * renders the chart with {@code helm template} and the same arguments and applies every object; {@code kubectl}
 * applies, gets (with JSONPath), waits for conditions, waits for rollouts, describes and port-forwards through the
 * Service network; {@code podman build} and {@code push} put the runnable applications into the cluster's registry
 * under the names README gives; {@code aws iam} makes the role in the kit's STS from the trust policy file README
 * wrote; {@code curl} runs for real against the forwarded port.
 *
 * <p>The one deviation: an integration applied here gets the kit's endpoints and region, since the cluster's AWS
 * is the kit. A command this class does not know fails the walkthrough, so README cannot grow a step the test
 * silently leaves out. Blocks after an HTML comment {@code <!-- walkthrough: alternative ...} are alternatives to
 * the block before them and are not run.
 */
final class Walkthrough {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP = Pattern.compile("^### ([1-5])\\. (.*)$");
    private static final String ALTERNATIVE = "<!-- walkthrough: alternative";
    /** The longest any single wait of README's may take here, whatever its --timeout says. */
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(4);

    /** One command block of README: the step it belongs to and its commands, continuation lines joined. */
    record Block(String step, List<String> commands) {}

    private final KubernetesClient client;
    private final LocalAws aws;
    private final LocalKubelet kubelet;
    private final LocalRegistry registry;
    private final ServiceProxy services;
    private final RbacDispatcher rbac;
    private final Path root;
    private final Path work;
    private final Path helm;
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Map<String, Path> builtImages = new LinkedHashMap<>();
    private final Map<String, String> forwarded = new LinkedHashMap<>();
    private final List<HasMetadata> applied = new ArrayList<>();
    private final List<String> transcript = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    Walkthrough(
            KubernetesClient client,
            LocalAws aws,
            LocalKubelet kubelet,
            LocalRegistry registry,
            ServiceProxy services,
            RbacDispatcher rbac,
            Path root,
            Path work,
            Path helm) {
        this.client = client;
        this.aws = aws;
        this.kubelet = kubelet;
        this.registry = registry;
        this.services = services;
        this.rbac = rbac;
        this.root = root;
        this.work = work;
        this.helm = helm;
    }

    /** The command blocks of README's steps 1 to 5 of "## Install on a cluster", in order. */
    static List<Block> blocks(Path readme) {
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        boolean inSection = false;
        String step = null;
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inSection = line.equals("## Install on a cluster");
                step = null;
            } else if (inSection && line.startsWith("### ")) {
                Matcher m = STEP.matcher(line);
                step = m.matches() ? m.group(1) + ". " + m.group(2) : null;
            } else if (inSection && step != null && line.equals("```sh")) {
                List<String> body = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
                    body.add(lines.get(i));
                }
                if (!previous.startsWith(ALTERNATIVE)) {
                    blocks.add(new Block(step, commands(body)));
                }
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
        return blocks;
    }

    /** Commands of a block: comments dropped, continuation lines joined, {@code &&} lists split. */
    static List<String> commands(List<String> body) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : body) {
            String line = stripComment(raw);
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            for (String part : current.toString().split("\\s&&\\s")) {
                if (!part.isBlank()) {
                    commands.add(part.trim());
                }
            }
            current.setLength(0);
        }
        return commands;
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i).stripTrailing();
            }
        }
        return line.stripTrailing();
    }

    /** Words of a command as a shell splits them, variables expanded outside single quotes. */
    List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                word.append(command, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder quoted = new StringBuilder();
                while (command.charAt(end) != '"') {
                    if (command.charAt(end) == '\\' && "\"\\$".indexOf(command.charAt(end + 1)) >= 0) {
                        end++;
                    }
                    quoted.append(command.charAt(end++));
                }
                word.append(expand(quoted.toString()));
                i = end;
                inWord = true;
            } else if (c == '$') {
                Matcher m = Pattern.compile("^\\$(\\{)?([A-Za-z_][A-Za-z0-9_]*)\\}?")
                        .matcher(command.substring(i));
                if (m.find()) {
                    word.append(variable(m.group(2)));
                    i += m.end() - 1;
                } else {
                    word.append(c);
                }
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private String expand(String text) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variable(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    private String variable(String name) {
        String value = variables.get(name);
        if (value == null) {
            throw new AssertionError("README uses $" + name + " before setting it");
        }
        return value;
    }

    /** Runs every block in order; a failing command fails with what it was and what the cluster says. */
    void run(List<Block> blocks) {
        for (Block block : blocks) {
            for (String command : block.commands()) {
                transcript.add("[" + block.step() + "] $ " + command);
                try {
                    execute(command);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(
                            "README step " + block.step() + ": `" + command + "` failed: " + e.getMessage() + "\n"
                                    + diagnostics(),
                            e);
                }
            }
        }
    }

    /** What README's commands printed, in order (kubectl get, curl). */
    List<String> outputs() {
        return List.copyOf(outputs);
    }

    List<String> transcript() {
        return List.copyOf(transcript);
    }

    private void execute(String command) {
        List<String> words = new ArrayList<>(words(command));
        if (!words.isEmpty() && words.get(words.size() - 1).equals("&")) {
            words.remove(words.size() - 1);
        }
        String redirect = null;
        int gt = words.indexOf(">");
        if (gt >= 0) {
            redirect = words.get(gt + 1);
            words = new ArrayList<>(words.subList(0, gt));
        }
        if (words.stream().allMatch(w -> w.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))) {
            words.forEach(w -> variables.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1)));
            return;
        }
        String output = switch (words.get(0)) {
            case "./mvnw" -> maven(words);
            case "images/build-and-push" -> buildAndPush(words);
            case "podman", "docker" -> images(words);
            case "helm" -> helm(words);
            case "kubectl" -> kubectl(words);
            case "aws" -> iam(words);
            case "curl" -> curl(words);
            default ->
                throw new AssertionError("the walkthrough test does not know the command " + words.get(0)
                        + "; teach Walkthrough what it does on a cluster");
        };
        if (redirect != null) {
            write(work.resolve(redirect), output);
        } else if (output != null && !output.isEmpty()) {
            outputs.add(output);
            transcript.add(output.strip());
        }
    }

    private String maven(List<String> words) {
        // The reactor's package phase built the runnable applications before this test; check they are there.
        for (String app : List.of("worker", "operator")) {
            Path bin = root.resolve(app).resolve("target/dist/bin").resolve(app);
            if (!Files.isExecutable(bin)) {
                throw new AssertionError(bin + " is missing: `" + String.join(" ", words) + "` did not make it");
            }
        }
        return "";
    }

    private String images(List<String> words) {
        switch (words.get(1)) {
            case "build" -> {
                String tag = option(words, "-t").orElseThrow(() -> new AssertionError("no -t"));
                String file = option(words, "-f").orElseThrow(() -> new AssertionError("no -f"));
                if (!Files.isRegularFile(root.resolve(file))) { // resolve() keeps an absolute path as it is
                    throw new AssertionError("no " + file);
                }
                Path context = root.resolve(words.get(words.size() - 1));
                if (!Files.isDirectory(context.resolve("bin"))) {
                    throw new AssertionError("the build context " + context + " is not a runnable application");
                }
                builtImages.put(tag, context);
                return "";
            }
            case "push" -> {
                String image = words.get(2);
                Path built = builtImages.get(image);
                if (built == null) {
                    throw new AssertionError("pushes " + image + ", which no build made");
                }
                registry.push(image, built);
                return "";
            }
            default -> throw new AssertionError("unknown " + words.get(0) + " subcommand " + words.get(1));
        }
    }

    /**
     * Runs the project's image script for real, with a container engine that records what it is asked to do in
     * place of podman (the images it builds are the runnable applications it names as build contexts), then
     * carries out those builds and pushes into the cluster's registry. The reactor has packaged the applications
     * already, so the script is told to reuse them ({@code SKIP_BUILD=1}, which it documents).
     */
    private String buildAndPush(List<String> words) {
        Path engine = work.resolve("recording-engine");
        Path calls = work.resolve("engine-calls.txt");
        write(
                engine,
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\t' \"$a\"; done >> '" + calls + "'\n" + "echo >> '" + calls
                        + "'\n");
        engine.toFile().setExecutable(true);
        List<String> command = new ArrayList<>(words);
        command.set(0, root.resolve(words.get(0)).toString());
        String output = run(command, words.get(0), Map.of("CONTAINER_ENGINE", engine.toString(), "SKIP_BUILD", "1"));
        try {
            for (String line : Files.readAllLines(calls)) {
                List<String> args = List.of(line.split("\t"));
                if (args.get(0).equals("build") || args.get(0).equals("push")) {
                    images(new ArrayList<>(concat(List.of("engine"), args)));
                } else if (!args.get(0).equals("tag")) {
                    throw new AssertionError("the script asked the container engine for " + args);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private String helm(List<String> words) {
        if (!words.get(1).equals("install")) {
            throw new AssertionError("the walkthrough runs helm install only");
        }
        String namespace =
                option(words, "--namespace").or(() -> option(words, "-n")).orElse("default");
        List<String> template = new ArrayList<>(List.of(helm.toString(), "template"));
        for (String word : words.subList(2, words.size())) {
            if (!word.equals("--create-namespace") && !word.equals("--wait") && !word.equals("--atomic")) {
                template.add(word.startsWith("charts/") ? root.resolve(word).toString() : word);
            }
        }
        template.add("--include-crds");
        if (words.contains("--create-namespace")) {
            createNamespace(namespace);
        }
        String rendered = run(template, "helm template");
        List<HasMetadata> objects = client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                .items();
        // As helm does: CRDs first, then everything else in the order rendered.
        objects.sort((a, b) -> Boolean.compare(
                !a.getKind().equals("CustomResourceDefinition"), !b.getKind().equals("CustomResourceDefinition")));
        for (HasMetadata object : objects) {
            if (object.getMetadata().getNamespace() == null && !CLUSTER_SCOPED.contains(object.getKind())) {
                object.getMetadata().setNamespace(namespace);
            }
            if (object.getMetadata().getNamespace() != null
                    && !object.getKind().equals("Namespace")
                    && client.namespaces()
                                    .withName(object.getMetadata().getNamespace())
                                    .get()
                            == null) {
                throw new AssertionError("helm install fails: namespaces \""
                        + object.getMetadata().getNamespace() + "\" not found (for " + object.getKind() + " "
                        + object.getMetadata().getName() + ")");
            }
            applied.add(client.resource(object).createOr(NonDeletingOperation::update));
        }
        return "";
    }

    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "CustomResourceDefinition",
            "ClusterRole",
            "ClusterRoleBinding",
            "Namespace",
            "StorageClass",
            "PriorityClass");

    private String kubectl(List<String> all) {
        List<String> words = new ArrayList<>(all);
        String namespace = "default";
        for (String flag : List.of("-n", "--namespace")) {
            int at = words.indexOf(flag);
            if (at >= 0) {
                namespace = words.get(at + 1);
                words.remove(at + 1);
                words.remove(at);
            }
        }
        String ns = namespace;
        return switch (words.get(1)) {
            case "create" -> {
                if (!words.get(2).equals("namespace")) {
                    throw new AssertionError("kubectl create " + words.get(2) + " is not known here");
                }
                createNamespace(words.get(3));
                yield "namespace/" + words.get(3) + " created";
            }
            case "apply" -> apply(ns, option(words, "-f").orElseThrow(() -> new AssertionError("no -f")));
            case "get" -> get(ns, words);
            case "wait" -> waitFor(ns, words);
            case "rollout" -> rollout(ns, words);
            case "describe" -> describe(ns, words.get(2), words.get(3));
            case "port-forward" -> portForward(ns, words);
            default -> throw new AssertionError("kubectl " + words.get(1) + " is not known here");
        };
    }

    private void createNamespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    private String apply(String namespace, String file) {
        Path path = root.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("no file " + file);
        }
        if (client.namespaces().withName(namespace).get() == null) {
            throw new AssertionError("namespaces \"" + namespace + "\" not found");
        }
        List<String> out = new ArrayList<>();
        try (var in = Files.newInputStream(path)) {
            for (HasMetadata object : client.load(in).items()) {
                object.getMetadata().setNamespace(namespace);
                if (object.getKind().equals("DynamoIntegration")) {
                    atLocalAws((GenericKubernetesResource) object);
                }
                applied.add(client.resource(object).createOr(NonDeletingOperation::update));
                out.add(object.getKind().toLowerCase(java.util.Locale.ROOT) + "/"
                        + object.getMetadata().getName() + " configured");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("\n", out);
    }

    /** The one edit README does not make: the integration talks to the kit, the cluster's AWS here. */
    @SuppressWarnings("unchecked")
    private void atLocalAws(GenericKubernetesResource integration) {
        Map<String, Object> spec =
                (Map<String, Object>) integration.getAdditionalProperties().get("spec");
        spec.put("region", LocalAws.REGION.id());
        spec.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString(),
                        "s3",
                        aws.s3Endpoint().toString(),
                        "sts",
                        aws.stsEndpoint().toString()));
    }

    private String get(String namespace, List<String> words) {
        String kind = words.get(2);
        String output = option(words, "-o").orElse(null);
        if (words.size() < 4 || words.get(3).startsWith("-")) {
            List<GenericKubernetesResource> items =
                    resources(kind).inNamespace(namespace).list().getItems();
            StringBuilder table = new StringBuilder("NAME\n");
            items.forEach(i -> table.append(i.getMetadata().getName()).append('\n'));
            return table.toString();
        }
        String name = words.get(3);
        if (output == null || !output.startsWith("jsonpath=")) {
            return Optional.ofNullable(resources(kind)
                            .inNamespace(namespace)
                            .withName(name)
                            .get())
                    .map(r -> r.getMetadata().getName())
                    .orElseThrow(() -> notFound(kind, name));
        }
        String expression = output.substring("jsonpath=".length());
        // README says to run the get again if it printed nothing, or a policy that does not name a new table yet:
        // the operator fills the status within seconds.
        return eventually(
                Duration.ofSeconds(60),
                () -> {
                    GenericKubernetesResource object = resources(kind)
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
                    if (object == null) {
                        throw notFound(kind, name);
                    }
                    String value = jsonPath(JSON.valueToTree(object), expression);
                    return value.isBlank() || !missingTables(value).isEmpty() ? null : value;
                },
                kind + "/" + name + " " + expression + " stays empty or incomplete");
    }

    /** The tables of the collections applied so far that a policy does not name; none for what is not a policy. */
    private List<String> missingTables(String text) {
        JsonNode policy;
        try {
            policy = JSON.readTree(text);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        if (policy == null || !policy.has("Statement")) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (HasMetadata collection : applied) {
            if (collection.getKind().equals("DynamoCollection")) {
                String table = (String) spec(collection).get("table");
                String tableName = table.substring(table.lastIndexOf('/') + 1);
                if (!text.contains("table/" + tableName) && !text.contains("table/*")) {
                    missing.add(tableName + " (collection "
                            + collection.getMetadata().getName() + ")");
                }
            }
        }
        return missing;
    }

    static String jsonPath(JsonNode object, String expression) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("\\{([^}]*)\\}").matcher(expression);
        while (m.find()) {
            String inner = m.group(1);
            if (inner.startsWith("\"") && inner.endsWith("\"")) {
                out.append(inner, 1, inner.length() - 1);
                continue;
            }
            JsonNode node = object;
            for (String field : inner.replaceFirst("^\\.", "").split("\\.")) {
                node = node.path(field);
            }
            if (!node.isMissingNode() && !node.isNull()) {
                out.append(node.isTextual() ? node.asText() : node.toString());
            }
        }
        return out.toString().replace("\\n", "\n");
    }

    private String waitFor(String namespace, List<String> words) {
        String condition = option(words, "--for")
                .filter(f -> f.startsWith("condition="))
                .map(f -> f.substring("condition=".length()))
                .orElseThrow(() -> new AssertionError("no --for"));
        String target = words.stream()
                .filter(w -> w.contains("/") && !w.startsWith("-"))
                .findFirst()
                .orElseThrow();
        String kind = target.substring(0, target.indexOf('/'));
        String name = target.substring(target.indexOf('/') + 1);
        Duration timeout = option(words, "--timeout").map(Walkthrough::duration).orElse(Duration.ofSeconds(30));
        Duration limit = timeout.compareTo(LONGEST_WAIT) < 0 ? timeout : LONGEST_WAIT;
        eventually(
                limit,
                () -> {
                    GenericKubernetesResource object = resources(kind)
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
                    if (object == null) {
                        return null;
                    }
                    for (JsonNode c : JSON.valueToTree(object).path("status").path("conditions")) {
                        if (c.path("type").asText().equals(condition)
                                && c.path("status").asText().equals("True")) {
                            return "met";
                        }
                    }
                    return null;
                },
                "timed out waiting for the condition on " + target + ": " + describe(namespace, kind, name));
        return target + " condition met";
    }

    private String rollout(String namespace, List<String> words) {
        String target = words.get(3);
        String name = target.substring(target.indexOf('/') + 1);
        if (client.apps().deployments().inNamespace(namespace).withName(name).get() == null) {
            throw new AssertionError("deployments.apps \"" + name + "\" not found");
        }
        eventually(
                Duration.ofMinutes(3),
                () -> kubelet.deploymentPod(namespace, name)
                        .filter(p -> p.ready())
                        .map(p -> "ready")
                        .orElse(null),
                "deployment " + name + " never became ready");
        return "deployment \"" + name + "\" successfully rolled out";
    }

    private String describe(String namespace, String kind, String name) {
        GenericKubernetesResource object =
                resources(kind).inNamespace(namespace).withName(name).get();
        if (object == null) {
            throw notFound(kind, name);
        }
        JsonNode status = JSON.valueToTree(object).path("status");
        StringBuilder out = new StringBuilder(
                kind + "/" + name + " phase " + status.path("phase").asText("-") + ", conditions:");
        if (!status.has("conditions")) {
            String raw = client.raw(client.getMasterUrl() + "apis/dynamosync.io/v1alpha1/namespaces/" + namespace
                            + "/dynamocollections/" + name)
                    + "\nLIST: "
                    + client.raw(client.getMasterUrl() + "apis/dynamosync.io/v1alpha1/namespaces/" + namespace
                            + "/dynamocollections");
            out.append(" none; as the API server has it: ").append(raw);
        }
        for (JsonNode c : status.path("conditions")) {
            out.append("\n  ")
                    .append(c.path("type").asText())
                    .append('=')
                    .append(c.path("status").asText())
                    .append(' ')
                    .append(c.path("reason").asText())
                    .append(": ")
                    .append(c.path("message").asText());
        }
        return out.toString();
    }

    private String portForward(String namespace, List<String> words) {
        String target = words.get(2);
        String service = target.substring(target.indexOf('/') + 1);
        if (client.services().inNamespace(namespace).withName(service).get() == null) {
            throw new AssertionError("services \"" + service + "\" not found");
        }
        String local = words.get(3).split(":")[0];
        forwarded.put(local, services.address(namespace, service));
        return "";
    }

    private String iam(List<String> words) {
        if (!words.get(1).equals("iam")) {
            throw new AssertionError("the walkthrough knows aws iam only");
        }
        String role = option(words, "--role-name").orElseThrow(() -> new AssertionError("no --role-name"));
        String roleArn = applied.stream()
                .filter(o -> o.getKind().equals("DynamoIntegration"))
                .map(o -> (String) spec(o).get("roleArn"))
                .filter(a -> a != null && a.endsWith(":role/" + role))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no integration applied so far names role " + role));
        switch (words.get(2)) {
            case "create-role" -> {
                JsonNode trust =
                        policy(option(words, "--assume-role-policy-document").orElseThrow());
                List<String> principals = new ArrayList<>();
                String externalId = null;
                for (JsonNode statement : trust.path("Statement")) {
                    JsonNode aws = statement.path("Principal").path("AWS");
                    if (aws.isArray()) {
                        aws.forEach(p -> principals.add(p.asText()));
                    } else if (aws.isTextual()) {
                        principals.add(aws.asText());
                    }
                    JsonNode id =
                            statement.path("Condition").path("StringEquals").path("sts:ExternalId");
                    if (id.isTextual()) {
                        externalId = id.asText();
                    }
                }
                if (principals.isEmpty()) {
                    throw new AssertionError("the trust policy names no AWS principal: " + trust);
                }
                aws.sts().addRole(roleArn, externalId, principals.toArray(String[]::new));
                return "";
            }
            case "put-role-policy" -> {
                JsonNode policy = policy(option(words, "--policy-document").orElseThrow());
                if (!policy.path("Statement").isArray()
                        || policy.path("Statement").isEmpty()) {
                    throw new AssertionError("the permissions policy has no statement: " + policy);
                }
                // What IAM would need: every table of the collections applied so far is named.
                List<String> missing = missingTables(policy.toString());
                if (!missing.isEmpty()) {
                    throw new AssertionError("the permissions policy does not name table " + missing + ": " + policy);
                }
                return "";
            }
            default -> throw new AssertionError("aws iam " + words.get(2) + " is not known here");
        }
    }

    private JsonNode policy(String reference) {
        Path file = work.resolve(reference.replaceFirst("^file://", ""));
        try {
            String text = Files.exists(file) ? Files.readString(file) : "";
            if (text.isBlank()) {
                throw new AssertionError(file.getFileName() + " is empty: IAM refuses an empty policy document");
            }
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String curl(List<String> words) {
        List<String> command = new ArrayList<>();
        for (String word : words) {
            String replaced = word;
            for (Map.Entry<String, String> port : forwarded.entrySet()) {
                replaced = replaced.replaceFirst(
                        "^(http://)?(localhost|127\\.0\\.0\\.1):" + port.getKey(),
                        Matcher.quoteReplacement(port.getValue()));
            }
            if (replaced.matches("^(http://)?localhost:\\d+.*")) {
                throw new AssertionError("curl " + replaced + ": nothing forwards that port");
            }
            command.add(replaced);
        }
        return run(command, "curl");
    }

    private static Map<String, Object> spec(HasMetadata object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>)
                ((GenericKubernetesResource) object).getAdditionalProperties().get("spec");
        return spec;
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<
                    GenericKubernetesResource,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
                    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
            resources(String kind) {
        return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "ddbi", "dynamointegration", "dynamointegrations" ->
                client.genericKubernetesResources("dynamosync.io/v1alpha1", "DynamoIntegration");
            case "ddbc", "dynamocollection", "dynamocollections" ->
                client.genericKubernetesResources("dynamosync.io/v1alpha1", "DynamoCollection");
            case "deployment", "deployments", "deploy" -> client.genericKubernetesResources("apps/v1", "Deployment");
            default -> throw new AssertionError("kind " + kind + " is not known here");
        };
    }

    private static AssertionError notFound(String kind, String name) {
        return new AssertionError(kind + " \"" + name + "\" not found");
    }

    private static Optional<String> option(List<String> words, String name) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals(name) && i + 1 < words.size()) {
                return Optional.of(words.get(i + 1));
            }
            if (words.get(i).startsWith(name + "=")) {
                return Optional.of(words.get(i).substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    static Duration duration(String text) {
        Matcher m = Pattern.compile("^(\\d+)(s|m|h)$").matcher(text);
        if (!m.matches()) {
            throw new AssertionError("timeout " + text + " is not a kubectl duration");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static String eventually(Duration limit, Supplier<String> attempt, String failure) {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            String value = attempt.get();
            if (value != null) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(failure + " (after " + limit.toSeconds() + " s)");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private String run(List<String> command, String what) {
        return run(command, what, Map.of());
    }

    private String run(List<String> command, String what, Map<String, String> environment) {
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(false);
            builder.environment().putAll(environment);
            Process process = builder.start();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(what + " did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(what + " exited " + process.exitValue() + ": " + err.join() + out.join());
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text == null ? "" : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the cluster says: Warning Events, refused API requests, and the pods' log tails. */
    String diagnostics() {
        StringBuilder out = new StringBuilder("--- transcript:\n");
        transcript.forEach(l -> out.append(l).append('\n'));
        out.append("--- Warning events:\n");
        client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .forEach(e -> out.append(e.getMetadata().getNamespace())
                        .append(' ')
                        .append(e.getInvolvedObject().getKind())
                        .append('/')
                        .append(e.getInvolvedObject().getName())
                        .append(' ')
                        .append(e.getReason())
                        .append(": ")
                        .append(e.getMessage())
                        .append('\n'));
        out.append("--- requests RBAC refused: ").append(rbac.refusals()).append('\n');
        Path logs = Path.of("target", "walkthrough-logs").toAbsolutePath();
        kubelet.pods().forEach((key, pod) -> {
            String log = pod.log();
            Path whole = logs.resolve(key.replace('/', '_') + ".log");
            try {
                Files.createDirectories(logs);
                Files.writeString(whole, log);
            } catch (IOException e) {
                out.append("(could not keep the log: ").append(e).append(")\n");
            }
            out.append("--- log of pod ")
                    .append(key)
                    .append(" (tail; all of it in ")
                    .append(whole)
                    .append("):\n")
                    .append(log.substring(Math.max(0, log.length() - 3000)))
                    .append('\n');
        });
        return out.toString();
    }
}
