package io.dynamosync.front.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The key clients of the front present, from {@code DYNAMOSYNC_API_KEY}; without one the API is open. The scheme
 * is the worker's: {@code Authorization: ApiKey <key>} as the hosted service's clients send it, or
 * {@code Bearer <key>}, compared in constant time. The key never appears in a log or a message.
 */
public final class FrontKey {

    /** The environment variable holding the key. */
    public static final String ENVIRONMENT = "DYNAMOSYNC_API_KEY";

    private final byte[] key;

    private FrontKey(String key) {
        this.key = key == null || key.isBlank() ? null : key.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code key}, or none when it is null or blank. */
    public static FrontKey of(String key) {
        return new FrontKey(key);
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
        return MessageDigest.isEqual(header.substring(space + 1).strip().getBytes(StandardCharsets.UTF_8), key);
    }

    @Override
    public String toString() {
        return key == null ? "FrontKey(none)" : "FrontKey(set)";
    }
}
