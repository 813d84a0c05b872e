package io.dynamosync.worker.store;

import io.dynamosync.api.worker.WorkerStatus;
import java.util.Locale;

/**
 * The store's space: its file, its write-ahead log, the part of the file free for reuse, and the filesystem holding
 * them (its capacity and what is left of it; both 0 when it cannot be read).
 */
public record StoreSpace(long fileBytes, long walBytes, long freeBytes, long volumeBytes, long volumeUsableBytes) {

    /** File and log together, as {@link Store#bytes()}. */
    public long bytes() {
        return fileBytes + walBytes;
    }

    /** The share of the file's blocks that are free, 0 to 1. */
    public double reclaimableShare() {
        return fileBytes == 0 ? 0 : (double) freeBytes / fileBytes;
    }

    /**
     * The volume as the status shows it, or null when its size is unknown: nearly full once more than
     * {@link WorkerStatus.Volume#NEARLY_FULL_SHARE} of it is used, or once what is left is less than the store
     * itself, since a checkpoint may write about as much again before it frees the blocks it replaced.
     */
    public WorkerStatus.Volume volume() {
        if (volumeBytes <= 0) {
            return null;
        }
        long used = volumeBytes - volumeUsableBytes;
        boolean nearlyFull = used > WorkerStatus.Volume.NEARLY_FULL_SHARE * volumeBytes || volumeUsableBytes < bytes();
        String warning = !nearlyFull
                ? null
                : String.format(
                        Locale.ROOT,
                        "the volume holding the store is %.0f%% used (%s of %s, %s left); the store takes %s, %s of its "
                                + "file free for reuse: give the collection more storage (spec.storage.size) before "
                                + "the volume fills, since a full volume stops every commit",
                        100.0 * used / volumeBytes,
                        gib(used),
                        gib(volumeBytes),
                        gib(volumeUsableBytes),
                        gib(bytes()),
                        gib(freeBytes));
        return new WorkerStatus.Volume(volumeBytes, volumeUsableBytes, nearlyFull, warning);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
