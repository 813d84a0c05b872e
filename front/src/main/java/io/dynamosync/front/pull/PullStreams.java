package io.dynamosync.front.pull;

import io.dynamosync.front.api.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The workers' answers one query's pulls are reading, so that a failed query can end the others' at once. */
final class PullStreams {

    private final Set<InputStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean abandoned;

    /** Keeps {@code answer} until it is closed; refused (and closed) when the query was given up already. */
    InputStream opened(String collection, InputStream answer) {
        InputStream kept = new java.io.FilterInputStream(answer) {
            @Override
            public void close() throws IOException {
                open.remove(this);
                super.close();
            }
        };
        open.add(kept);
        if (abandoned) {
            closeQuietly(kept);
            throw ApiError.notReady(collection, "another collection's pull failed first");
        }
        return kept;
    }

    /** Closes every answer still being read: their loading fails at once. */
    void abandon() {
        abandoned = true;
        for (InputStream in : open) {
            closeQuietly(in);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closed already, or broken: either way it is done
        }
    }
}
