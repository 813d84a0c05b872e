package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** YAML manifests as the tests read them: text to JSON trees, and the files in examples/. */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();

    private Manifests() {}

    /** Every document in a YAML text, in order, skipping empty ones. */
    static List<JsonNode> parse(String yaml) {
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return documents.readAll().stream()
                    .filter(d -> d != null && !d.isNull() && !d.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one document in a YAML text. */
    static JsonNode parseOne(String yaml) {
        List<JsonNode> documents = parse(yaml);
        if (documents.size() != 1) {
            throw new IllegalArgumentException("expected one document, found " + documents.size());
        }
        return documents.get(0);
    }

    static Path examplesDir() {
        String dir = System.getProperty("examples.dir");
        if (dir == null) {
            throw new IllegalStateException("system property examples.dir is not set; run the tests through Maven");
        }
        return Path.of(dir);
    }

    /** The example manifests users copy from, sorted by name. */
    static List<Path> exampleFiles() {
        try (Stream<Path> files = Files.list(examplesDir())) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
