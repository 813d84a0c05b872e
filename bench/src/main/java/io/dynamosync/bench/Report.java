package io.dynamosync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run's figures as one Markdown table and as JSON, with when, at which commit and on what machine. */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Instant date;
    private final String commit;
    private final Map<String, String> machine;
    private final Map<String, Object> parameters;
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A report of a run at {@code date}, of {@code commit}, on {@code machine}, with the sizes in {@code parameters}. */
    public Report(Instant date, String commit, Map<String, String> machine, Map<String, Object> parameters) {
        this.date = date;
        this.commit = commit;
        this.machine = new LinkedHashMap<>(machine);
        this.parameters = new LinkedHashMap<>(parameters);
    }

    /** Adds a figure. */
    public synchronized void add(Figure figure) {
        figures.add(figure);
    }

    /** Adds a line said under the table, e.g. a benchmark that failed and why. */
    public synchronized void note(String note) {
        notes.add(note);
    }

    /** The figures so far. */
    public synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** The Markdown: a heading line, the table, and the notes. */
    public synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("Benchmarks of ")
                .append(commit)
                .append(", ")
                .append(date)
                .append(", on ")
                .append(machine.getOrDefault("summary", "an unknown machine"))
                .append("\n\n");
        out.append("| benchmark | figure | ours | reference | ratio | the reference is |\n");
        out.append("| --- | --- | ---: | ---: | ---: | --- |\n");
        for (Figure f : figures) {
            out.append("| ")
                    .append(cell(f.benchmark()))
                    .append(" | ")
                    .append(cell(f.figure()))
                    .append(" | ")
                    .append(value(f.ours(), f.unit()))
                    .append(" | ")
                    .append(value(f.reference(), f.unit()))
                    .append(" | ")
                    .append(ratio(f.ratio()))
                    .append(" | ")
                    .append(cell(f.referenceIs()))
                    .append(" |\n");
        }
        for (String note : notes) {
            out.append("\n").append(note).append('\n');
        }
        return out.toString();
    }

    /** The same as JSON: date, commit, machine, parameters, figures (with their ratios) and notes. */
    public synchronized String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("date", date.toString());
        root.put("commit", commit);
        root.set("machine", JSON.valueToTree(machine));
        root.set("parameters", JSON.valueToTree(parameters));
        ArrayNode list = root.putArray("figures");
        for (Figure f : figures) {
            ObjectNode node = list.addObject();
            node.put("benchmark", f.benchmark());
            node.put("figure", f.figure());
            number(node, "ours", f.ours());
            number(node, "reference", f.reference());
            number(node, "ratio", f.ratio());
            node.put("unit", f.unit());
            node.put("referenceIs", f.referenceIs());
        }
        root.set("notes", JSON.valueToTree(notes));
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #json()} to {@code file}, creating its folder. */
    public void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json() + "\n");
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** A value with three significant digits or so, and its unit. */
    static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double abs = Math.abs(v);
        String number;
        if (abs >= 1000) {
            number = String.format(Locale.ROOT, "%,.0f", v);
        } else if (abs >= 100) {
            number = String.format(Locale.ROOT, "%.0f", v);
        } else if (abs >= 10) {
            number = String.format(Locale.ROOT, "%.1f", v);
        } else {
            number = String.format(Locale.ROOT, "%.2f", v);
        }
        return unit.isEmpty() ? number : number + " " + unit;
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f×", r);
    }
}
