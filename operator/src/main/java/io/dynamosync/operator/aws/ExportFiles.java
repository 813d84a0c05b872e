package io.dynamosync.operator.aws;

/** The export files a collection left in S3, deleted when the collection goes with deletionPolicy Delete. */
public interface ExportFiles {

    /** Deletes every object under {@code prefix} in {@code bucket}; returns how many it deleted. */
    int deleteAll(AwsAccount account, String bucket, String prefix);
}
