package io.dynamosync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the run ran on: CPU, cores, memory, OS and Java, as the report states them. */
public final class Machine {

    private Machine() {}

    /** The machine's description; {@code summary} is one line of it. */
    public static Map<String, String> describe() {
        Map<String, String> machine = new LinkedHashMap<>();
        String cpu = procLine("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
        int cores = Runtime.getRuntime().availableProcessors();
        String memory = procLine("/proc/meminfo", "MemTotal")
                .map(m -> Math.round(Long.parseLong(m.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB")
                .orElse("unknown");
        machine.put("cpu", cpu);
        machine.put("cores", Integer.toString(cores));
        machine.put("memory", memory);
        machine.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put(
                "summary",
                cores + " cores (" + cpu + "), " + memory + ", " + machine.get("os") + ", Java "
                        + System.getProperty("java.version"));
        return machine;
    }

    private static Optional<String> procLine(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
