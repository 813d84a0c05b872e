package io.dynamosync.worker.stream;

/** A shard as the follower knows it; shared by discovery, its reader and the committer. */
final class ShardState {
    final String id;
    volatile String parent;
    volatile boolean reading;
    volatile boolean finished;
    volatile String committedSequence;
    /** The last sequence number handed to the committer, so a restarted reader skips what is queued. */
    volatile String queuedSequence;

    ShardState(String id, String parent) {
        this.id = id;
        this.parent = parent;
    }
}
