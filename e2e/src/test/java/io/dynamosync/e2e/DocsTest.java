package io.dynamosync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user documentation against the code: every file a page links to or names exists, every chart value a page
 * sets exists in the chart, every {@code DYNAMOSYNC_*} variable a page names is read by a program, and every
 * {@code spec.} or {@code status.} field a page names exists in a CRD. A page that promises what the code does not
 * have fails the build here rather than a user.
 */
class DocsTest {

    private static final Path ROOT = LocalCluster.ROOT;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyLinkAndNamedFileExists() {
        List<String> missing = new ArrayList<>();
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        Pattern named = Pattern.compile("(?<![\\w/.-])((?:examples|docs|charts|crds|gitops|bench|e2e|worker|operator|"
                + "testkit|demo)/[\\w./-]+\\.(?:yaml|md|json|lua|txt))");
        for (Path page : pages()) {
            String text = read(page);
            for (Matcher m = link.matcher(text); m.find(); ) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    missing.add(page + " links outside the repository: " + target);
                } else if (!Files.exists(page.getParent().resolve(target).normalize())) {
                    missing.add(page + " links to " + target);
                }
            }
            for (Matcher m = named.matcher(text); m.find(); ) {
                String file = m.group(1).replaceAll("[.]$", "");
                // Files a build or a benchmark writes are named before they exist.
                boolean written = file.contains("/target/") || file.startsWith("bench/results/");
                if (!Files.exists(ROOT.resolve(file))
                        && !Files.exists(page.getParent().resolve(file))
                        && !written) {
                    missing.add(page + " names " + file);
                }
            }
        }
        assertThat(missing)
                .as("links and files the documentation names that do not exist")
                .isEmpty();
    }

    @Test
    void everyChartValueThePagesSetExists() throws IOException {
        JsonNode values =
                YAML.readTree(ROOT.resolve("charts/dynamo-sync/values.yaml").toFile());
        Pattern set = Pattern.compile("--set(?:-string)?[ =]'?([A-Za-z][\\w.\\[\\]-]*)(?:\\[\\d+\\])?[.\\w]*=");
        List<String> missing = new ArrayList<>();
        for (Path page : pages()) {
            for (Matcher m = set.matcher(read(page)); m.find(); ) {
                String key = m.group(1).replaceAll("\\[\\d+\\].*$", "");
                JsonNode node = values;
                for (String part : key.split("\\.")) {
                    node = node.path(part);
                }
                if (node.isMissingNode()) {
                    missing.add(page + " sets " + key);
                }
            }
        }
        assertThat(missing)
                .as("chart values set in the documentation that values.yaml does not have")
                .isEmpty();
    }

    @Test
    void everyEnvironmentVariableThePagesNameIsRead() {
        Set<String> read = new TreeSet<>();
        Pattern variable = Pattern.compile("DYNAMOSYNC_[A-Z0-9_]*[A-Z0-9]");
        for (String module : List.of("operator", "worker", "front", "crds", "demo", "bench", "testkit")) {
            // Java sources and the launch scripts of the runnable applications (src/main/dist/bin).
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main"))) {
                files.filter(f ->
                                f.toString().endsWith(".java") || f.getParent().endsWith("bin"))
                        .forEach(f -> {
                            for (Matcher m = variable.matcher(read(f)); m.find(); ) {
                                read.add(m.group());
                            }
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> missing = new ArrayList<>();
        for (Path page : pages()) {
            for (Matcher m = variable.matcher(read(page)); m.find(); ) {
                if (!read.contains(m.group()) && read.stream().noneMatch(r -> r.startsWith(m.group() + "_"))) {
                    missing.add(page + " names " + m.group());
                }
            }
        }
        assertThat(missing)
                .as("DYNAMOSYNC_* variables the documentation names that no program reads")
                .isEmpty();
    }

    @Test
    void everyResourceFieldThePagesNameExists() throws IOException {
        List<JsonNode> schemas = new ArrayList<>();
        try (Stream<Path> crds = Files.list(ROOT.resolve("crds/generated"))) {
            for (Path crd : crds.filter(
                            f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .toList()) {
                schemas.add(YAML.readTree(crd.toFile())
                        .path("spec")
                        .path("versions")
                        .get(0)
                        .path("schema")
                        .path("openAPIV3Schema"));
            }
        }
        assertThat(schemas).isNotEmpty();
        Pattern field = Pattern.compile("`((?:spec|status)(?:\\.[a-zA-Z][a-zA-Z0-9]*)+)");
        // Fields of other tools' resources that the pages name: Argo CD's Application.
        Set<String> others = Set.of("spec.source", "spec.sources", "spec.syncPolicy", "spec.destination");
        List<String> missing = new ArrayList<>();
        for (Path page : pages()) {
            for (Matcher m = field.matcher(read(page)); m.find(); ) {
                if (!others.contains(m.group(1))
                        && schemas.stream()
                                .noneMatch(schema -> exists(schema, m.group(1).split("\\.")))) {
                    missing.add(page + " names " + m.group(1));
                }
            }
        }
        assertThat(missing)
                .as("resource fields the documentation names that neither CRD has")
                .isEmpty();
    }

    private static boolean exists(JsonNode schema, String[] path) {
        JsonNode node = schema;
        for (String part : path) {
            JsonNode properties = node.path("properties");
            if (properties.has(part)) {
                node = properties.path(part);
            } else if (node.path("items").path("properties").has(part)) {
                node = node.path("items").path("properties").path(part);
            } else if (node.path("additionalProperties").isObject()) {
                node = node.path("additionalProperties");
            } else if (node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                return true;
            } else {
                return false;
            }
        }
        return true;
    }

    /** README.md, docs/, and every module's README. */
    private static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Stream.concat(Files.list(ROOT.resolve("docs")), Files.list(ROOT))) {
            files.forEach(f -> {
                if (f.toString().endsWith(".md") && f.getParent().endsWith("docs")) {
                    pages.add(f);
                } else if (Files.isRegularFile(f.resolve("README.md"))) {
                    pages.add(f.resolve("README.md"));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pages.add(ROOT.resolve("charts/dynamo-sync/README.md"));
        return pages;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
