package io.dynamosync.operator.aws;

/** Turns a table's stream on with {@code NEW_AND_OLD_IMAGES}, or says why it may not. */
public interface StreamEnabler {

    /** The view type the worker needs: the new image to upsert, the old to tell TTL deletes apart. */
    String VIEW_TYPE = "NEW_AND_OLD_IMAGES";

    /**
     * The outcome of UpdateTable.
     *
     * @param enabled whether the stream is on now
     * @param streamArn the new stream's ARN when enabled
     * @param deniedMessage AWS's message when UpdateTable was denied
     */
    record StreamChange(boolean enabled, String streamArn, String deniedMessage) {}

    /** Calls UpdateTable to turn the stream on. */
    StreamChange enable(AwsAccount account, String table);

    /** The AWS CLI command that turns the stream on, for a user whose operator may not. */
    static String command(String region, String table) {
        return "aws dynamodb update-table --region " + region + " --table-name " + table
                + " --stream-specification StreamEnabled=true,StreamViewType=" + VIEW_TYPE;
    }
}
