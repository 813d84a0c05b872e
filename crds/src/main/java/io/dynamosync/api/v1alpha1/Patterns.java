package io.dynamosync.api.v1alpha1;

/**
 * Regular expressions the CRD schema checks fields against, named once so the annotations and their tests
 * agree.
 *
 * <p>The API server evaluates them with Go's RE2, so they use no backreferences or lookaround, and no
 * repetition count above 1000 (lengths beyond that are checked with minLength/maxLength instead).
 */
public final class Patterns {

    /** An AWS region name such as {@code us-east-1}, {@code eu-central-2} or {@code us-gov-west-1}. */
    public static final String REGION = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";

    /** An IAM role ARN in any partition, with or without a path: {@code arn:aws:iam::123456789012:role/name}. */
    public static final String ROLE_ARN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9+=,.@_/-]+$";

    /** The characters STS allows in an external ID; its length, 2 to 1224, is checked apart. */
    public static final String EXTERNAL_ID = "^[a-zA-Z0-9+=,.@:/_-]+$";

    /** A DynamoDB table, by name (3 to 255 of {@code [a-zA-Z0-9_.-]}) or by table ARN in any partition. */
    public static final String TABLE = "^([a-zA-Z0-9_.-]{3,255}"
            + "|arn:aws[a-z-]*:dynamodb:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255})$";

    /** An http or https URL with a host. */
    public static final String URL = "^https?://[^\\s/?#]+[^\\s]*$";

    /** An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
    public static final String S3_BUCKET = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

    /** A Kubernetes object name (DNS subdomain), such as a Secret's or a DynamoIntegration's. */
    public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** A key in a Secret's data. */
    public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

    /** A storage quantity in bytes, such as {@code 10Gi}, {@code 500M} or {@code 1.5Ti}. */
    public static final String STORAGE_SIZE = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

    /**
     * A retention: a whole number of seconds, minutes, hours or days, such as {@code 30d} or {@code 12h}; read by
     * {@link io.dynamosync.api.worker.WorkerSettings#retentionDuration()}.
     */
    public static final String RETENTION = "^[1-9][0-9]{0,8}[smhd]$";
    /** An Iceberg table identifier, {@code namespace.table}: lowercase letters, digits and underscores. */
    public static final String ICEBERG_TABLE = "^[a-z_][a-z0-9_]{0,127}\\.[a-z_][a-z0-9_]{0,127}$";

    /** An S3 location an Iceberg warehouse lives under: {@code s3://bucket} and an optional prefix. */
    public static final String ICEBERG_WAREHOUSE = "^s3a?://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\\s]*)?$";

    /** A duration of seconds, minutes or hours, such as {@code 30s}, {@code 1m} or {@code 2h}. */
    public static final String DURATION = "^[0-9]{1,6}(s|m|h)$";

    private Patterns() {}
}
