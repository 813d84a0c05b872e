package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the front admits: the key of every workspace from {@code DYNAMOSYNC_API_KEY}, and the keys of a Secret,
 * each with a name and a scope, replaced whenever the Secret changes ({@link #replace}). A request presents one as
 * {@code Authorization: ApiKey <key>}, as the hosted service's clients send it, or {@code Bearer <key>}; without any
 * key configured the API is open. Keys never appear in a log or a message.
 *
 * <p>In the Secret, each entry is one key: its name is the entry's, its value JSON such as
 * {@code {"key": "...", "workspaces": ["commons", "crm"], "role": "manage"}} (no {@code workspaces}: every workspace;
 * {@code role} {@code query}, the default, or {@code manage}), or the bare key for every workspace, to query.
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an open API (no key configured) admits requests as. */
    static final FrontKey OPEN = FrontKey.scoped("open", null, Set.of());

    private final FrontKey fixed;
    private volatile List<FrontKey> fromSecret = List.of();

    private ApiKeys(FrontKey fixed) {
        this.fixed = fixed;
    }

    /** The keys: {@code fixed} (none when blank), until a Secret's are added. */
    public static ApiKeys of(FrontKey fixed) {
        return new ApiKeys(fixed);
    }

    /** Replaces the Secret's keys with those of {@code data} (the Secret's entries, decoded). */
    public void replace(Map<String, String> data) {
        fromSecret = parse(data);
    }

    /** The keys of a Secret's entries; an entry that is not a key is left out, named in a warning. */
    static List<FrontKey> parse(Map<String, String> data) {
        List<FrontKey> keys = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(data).entrySet()) {
            String value = entry.getValue() == null ? "" : entry.getValue().strip();
            if (!value.startsWith("{")) {
                if (!value.isEmpty()) {
                    keys.add(FrontKey.scoped(entry.getKey(), value, Set.of()));
                }
                continue;
            }
            try {
                JsonNode node = JSON.readTree(value);
                String key = node.path("key").asText("");
                Set<String> workspaces = new LinkedHashSet<>();
                node.path("workspaces").forEach(w -> workspaces.add(w.asText()));
                String role = node.path("role").asText("query");
                if (key.isBlank()
                        || !node.path("workspaces").isMissingNode()
                                && !node.path("workspaces").isArray()
                        || !role.equals("query") && !role.equals("manage")) {
                    LOG.warn(
                            "API key entry {} left out: it needs \"key\" and, optionally, \"workspaces\" as a list"
                                    + " and \"role\" as query or manage",
                            entry.getKey());
                    continue;
                }
                keys.add(
                        role.equals("manage")
                                ? FrontKey.managing(entry.getKey(), key, workspaces)
                                : FrontKey.scoped(entry.getKey(), key, workspaces));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // The message could quote the value: only the entry's name is said.
                LOG.warn("API key entry {} left out: its value is not JSON", entry.getKey());
            }
        }
        return List.copyOf(keys);
    }

    /** Whether requests must present a key. */
    public boolean required() {
        return fixed.present() || !fromSecret.isEmpty();
    }

    /**
     * The key an {@code Authorization} header value presents; {@link #OPEN} when no key is configured; empty when
     * the header presents none of them.
     */
    public Optional<FrontKey> admit(String authorization) {
        if (!required()) {
            return Optional.of(OPEN);
        }
        if (authorization == null) {
            return Optional.empty();
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        if (!scheme.equals("apikey") && !scheme.equals("bearer")) {
            return Optional.empty();
        }
        byte[] presented = header.substring(space + 1).strip().getBytes(StandardCharsets.UTF_8);
        // Every key is compared, so that the time taken does not say which one nearly matched.
        FrontKey found = fixed.matches(presented) ? fixed : null;
        for (FrontKey key : fromSecret) {
            if (key.matches(presented) && found == null) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }
}
