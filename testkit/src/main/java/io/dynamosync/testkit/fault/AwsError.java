package io.dynamosync.testkit.fault;

/**
 * An error the fault proxy can answer with, in the exact wire form DynamoDB and DynamoDB Streams
 * use (AWS JSON 1.0: {@code __type} and {@code message}), so the AWS SDK raises the same exception
 * type it raises against AWS.
 */
public enum AwsError {
    /** The table's provisioned throughput was exceeded; the SDK retries it as throttling. */
    PROVISIONED_THROUGHPUT_EXCEEDED(
            400,
            "com.amazonaws.dynamodb.v20120810",
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."),
    /** Request rate too high for the account or the control plane. */
    THROTTLING(400, "com.amazon.coral.availability", "ThrottlingException", "Rate exceeded"),
    /** Too many concurrent control-plane calls, or a stream shard read too often. */
    LIMIT_EXCEEDED(
            400,
            "com.amazonaws.dynamodb.v20120810",
            "LimitExceededException",
            "Too many requests for this shard; slow down and try again."),
    /** IAM denied the call; the message names the action and resource as AWS does. */
    ACCESS_DENIED(400, "com.amazon.coral.service", "AccessDeniedException", null),
    /** A shard iterator older than 15 minutes. */
    EXPIRED_ITERATOR(
            400,
            "com.amazonaws.dynamodb.v20120810",
            "ExpiredIteratorException",
            "Iterator expired. The iterator was created more than 15 minutes ago."),
    /** Asked for stream records older than the trim point (24 hours). */
    TRIMMED_DATA_ACCESS(
            400,
            "com.amazonaws.dynamodb.v20120810",
            "TrimmedDataAccessException",
            "The operation attempted to read past the oldest stream record in a shard."),
    /** The table, stream or shard does not exist (any more). */
    RESOURCE_NOT_FOUND(
            400, "com.amazonaws.dynamodb.v20120810", "ResourceNotFoundException", "Requested resource not found"),
    /** HTTP 500; the SDK retries it. */
    INTERNAL_SERVER_ERROR(500, "com.amazonaws.dynamodb.v20120810", "InternalServerError", "Internal server error");

    private final int httpStatus;
    private final String namespace;
    private final String code;
    private final String defaultMessage;

    AwsError(int httpStatus, String namespace, String code, String defaultMessage) {
        this.httpStatus = httpStatus;
        this.namespace = namespace;
        this.code = code;
        this.defaultMessage = defaultMessage;
    }

    /** The HTTP status AWS answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The error code the SDK reports as {@code awsErrorDetails().errorCode()}. */
    public String code() {
        return code;
    }

    /** The wire {@code __type}, namespace included. */
    public String wireType() {
        return namespace + "#" + code;
    }

    /** The message AWS gives for this error on {@code operation} against {@code table}. */
    public String message(String operation, String table) {
        if (this == ACCESS_DENIED) {
            String resource = "arn:aws:dynamodb:us-east-1:000000000000:table/" + (table == null ? "*" : table);
            return "User: arn:aws:sts::000000000000:assumed-role/dynamo-sync/local is not authorized to perform: dynamodb:"
                    + operation + " on resource: " + resource
                    + " because no identity-based policy allows the dynamodb:" + operation + " action";
        }
        return defaultMessage;
    }
}
