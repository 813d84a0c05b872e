package io.dynamosync.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml has a comment saying what it does, and the chart's README lists it: a value added
 * without either fails the build.
 */
class ValuesDocumentedTest {

    private static final Path CHART = Path.of(System.getProperty("chart.dir", "dynamo-sync"));
    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):(.*)$");

    /** A value of values.yaml: its dotted path and whether a comment documents it or a value holding it. */
    private record Value(String path, boolean documented) {}

    @Test
    void everyValueHasAComment() throws IOException {
        assertThat(values())
                .isNotEmpty()
                .filteredOn(v -> !v.documented())
                .extracting(Value::path)
                .as("values in values.yaml without a comment above them (or above the value holding them)")
                .isEmpty();
    }

    @Test
    void theReadmeListsEveryDocumentedValue() throws IOException {
        String readme = Files.readString(CHART.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (Value value : values()) {
            if (value.documented() && !readme.contains("`" + value.path() + "`")) {
                missing.add(value.path());
            }
        }
        assertThat(missing)
                .as("values missing from %s's table", CHART.resolve("README.md"))
                .isEmpty();
    }

    /**
     * The keys of values.yaml with a value on their line (leaves) or a comment above (documented maps such as
     * {@code resources}); a key is documented when the line above it is a comment, or a key holding it is.
     */
    private static List<Value> values() throws IOException {
        List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
        List<Value> values = new ArrayList<>();
        Deque<Object[]> parents = new ArrayDeque<>(); // {indent, path, documented}
        String previous = "";
        for (String line : lines) {
            Matcher m = KEY.matcher(line);
            if (m.matches()) {
                int indent = m.group(1).length();
                while (!parents.isEmpty() && (int) parents.peek()[0] >= indent) {
                    parents.pop();
                }
                String path = parents.isEmpty() ? m.group(2) : parents.peek()[1] + "." + m.group(2);
                boolean inherited = !parents.isEmpty() && (boolean) parents.peek()[2];
                boolean commented = previous.strip().startsWith("#");
                boolean leaf = !m.group(3).isBlank();
                if (!inherited && (leaf || commented)) {
                    values.add(new Value(path, commented));
                }
                parents.push(new Object[] {indent, path, inherited || commented});
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
        return values;
    }
}
