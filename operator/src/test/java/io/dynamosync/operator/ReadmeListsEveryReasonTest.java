package io.dynamosync.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * operator/README.md is where users look up a condition, a reason or an Event: each one the code can set must be
 * there, in backquotes, so a new constant or Event reason fails the build until it is documented.
 */
class ReadmeListsEveryReasonTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final String README = read(MODULE.resolve("README.md"));

    @Test
    void everyConditionTypeIsDocumented() {
        assertThat(undocumented(constants(Conditions.Type.class))).isEmpty();
    }

    @Test
    void everyConditionReasonIsDocumented() {
        assertThat(undocumented(constants(Conditions.Reason.class))).isEmpty();
    }

    @Test
    void everyEventReasonTheOperatorRecordsIsDocumented() {
        // events.record(resource, EventRecorder.NORMAL|WARNING, "Reason", ...): the literal reasons; the rest are
        // condition reasons, checked above.
        Set<String> reasons = matches(
                MODULE.resolve("src/main/java"), Pattern.compile("EventRecorder\\.(?:NORMAL|WARNING),\\s*\"(\\w+)\""));
        assertThat(reasons).contains("Rebuilding", "VolumeDeleted");
        assertThat(undocumented(reasons)).isEmpty();
    }

    @Test
    void everyReasonAStoppedWorkerReportsIsDocumented() {
        // The worker's error reasons pass through to the collection's Ready and Stalled conditions.
        Set<String> reasons = new TreeSet<>();
        Pattern camelCase = Pattern.compile("\"([A-Z][a-z]+(?:[A-Z][a-z]*)+)\"");
        for (Path file : javaFiles(MODULE.resolve("../worker/src/main/java").normalize())) {
            // LoadException("Reason", ...) anywhere; Worker.fail(reason, ...) where the worker stops.
            boolean worker = file.getFileName().toString().equals("Worker.java");
            read(file)
                    .lines()
                    .filter(line -> line.contains("LoadException(\"") || worker && line.contains("fail("))
                    .forEach(line -> {
                        Matcher m = camelCase.matcher(line);
                        while (m.find()) {
                            reasons.add(m.group(1));
                        }
                    });
        }
        assertThat(reasons).contains("ScanFailed", "TransformationFailed", "StoreFailed");
        assertThat(undocumented(reasons)).isEmpty();
    }

    private static Set<String> undocumented(Set<String> names) {
        return names.stream()
                .filter(n -> !README.contains("`" + n + "`"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> constants(Class<?> holder) {
        return Arrays.stream(holder.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(ReadmeListsEveryReasonTest::value)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> matches(Path dir, Pattern pattern) {
        Set<String> found = new TreeSet<>();
        for (Path file : javaFiles(dir)) {
            Matcher m = pattern.matcher(read(file));
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    private static java.util.List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
