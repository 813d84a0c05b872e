package io.dynamosync.worker.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The optional key the query API asks for, from {@code DYNAMOSYNC_API_KEY}; without one the
 * API is open. Requests present it as {@code Authorization: ApiKey <key>}, as the hosted
 * service's clients do, or as {@code Authorization: Bearer <key>}. The key itself never
 * appears in a log or a message.
 */
public final class ApiKey {

    /** The environment variable holding the key (the operator fills it from the collection's Secret). */
    public static final String ENVIRONMENT = "DYNAMOSYNC_API_KEY";

    private final byte[] key;

    private ApiKey(String key) {
        this.key = key == null || key.isBlank() ? null : key.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** The key in {@code DYNAMOSYNC_API_KEY}; none when it is unset or blank. */
    public static ApiKey fromEnvironment() {
        return new ApiKey(System.getenv(ENVIRONMENT));
    }

    /** {@code key}, or none when it is null or blank. */
    public static ApiKey of(String key) {
        return new ApiKey(key);
    }

    /** Whether requests must present a key. */
    public boolean required() {
        return key != null;
    }

    /** Whether an {@code Authorization} header value lets a request in. */
    public boolean admits(String authorization) {
        if (key == null) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        if (!scheme.equals("apikey") && !scheme.equals("bearer")) {
            return false;
        }
        byte[] presented = header.substring(space + 1).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time, so response timing tells nothing about how much of a guess was right.
        return MessageDigest.isEqual(presented, key);
    }

    @Override
    public String toString() {
        return key == null ? "ApiKey(none)" : "ApiKey(set)";
    }
}
