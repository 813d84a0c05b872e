package io.dynamosync.worker.stream;

import java.util.List;

/** Records one reader read in one call, whether the shard ended with them, and the progress's ticket for them. */
record ShardPage(String shard, List<ChangeRecord> records, boolean closed, long ticket) {}
