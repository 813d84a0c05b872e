package io.dynamosync.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The files of gitops/ and examples/ as the tests read them: paths, text and YAML documents. */
final class GitopsFiles {

    static final YAMLMapper YAML = new YAMLMapper();

    private GitopsFiles() {}

    /** The gitops module's directory. */
    static Path gitopsDir() {
        return Path.of(property("gitops.dir"));
    }

    /** The repository's root. */
    static Path repositoryDir() {
        return Path.of(property("repository.dir")).normalize();
    }

    /** Where the Argo CD health checks live, one directory per kind, laid out as Argo CD keeps its own. */
    static Path customizationsDir() {
        return gitopsDir().resolve("argocd/resource_customizations");
    }

    /** Each {@code <group>/<Kind>} directory holding a health.lua. */
    static List<Path> kindDirs() {
        try (Stream<Path> files = Files.walk(customizationsDir(), 2)) {
            return files.filter(p -> Files.isRegularFile(p.resolve("health.lua")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every testdata file of every kind. */
    static List<Path> testdataFiles() {
        return kindDirs().stream().flatMap(dir -> list(dir.resolve("testdata"))).toList();
    }

    /** The YAML files directly in {@code dir}, sorted by name. */
    static Stream<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document in a YAML file, in order. */
    static List<JsonNode> documents(Path file) {
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(read(file))) {
            return documents.readAll().stream()
                    .filter(d -> d != null && !d.isNull() && !d.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** The one document in a YAML file. */
    static JsonNode document(Path file) {
        List<JsonNode> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one document, found " + documents.size());
        }
        return documents.get(0);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run the tests through Maven");
        }
        return value;
    }
}
