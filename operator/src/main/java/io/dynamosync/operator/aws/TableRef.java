package io.dynamosync.operator.aws;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DynamoDB table as a collection names it (a name in the integration's region, or a table ARN), with the ARNs
 * IAM policies and messages need.
 *
 * @param partition {@code aws}, {@code aws-cn} or {@code aws-us-gov}
 * @param region the table's region
 * @param account the table's account, or {@code *} while the integration's account is unknown
 * @param name the table's name
 */
public record TableRef(String partition, String region, String account, String name) {

    private static final Pattern ARN =
            Pattern.compile("^arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):([0-9]{12}):table/([a-zA-Z0-9_.-]+)$");

    /**
     * The table {@code table} names, read in {@code region} of {@code account} when it is a plain name.
     *
     * @param account the integration's account ID, or null when not known yet
     */
    public static TableRef of(String table, String region, String account) {
        Matcher arn = ARN.matcher(table);
        if (arn.matches()) {
            return new TableRef(arn.group(1), arn.group(2), arn.group(3), arn.group(4));
        }
        return new TableRef(partitionOf(region), region, account == null ? "*" : account, table);
    }

    /** The partition a region belongs to. */
    public static String partitionOf(String region) {
        String r = region.toLowerCase(Locale.ROOT);
        if (r.startsWith("cn-")) {
            return "aws-cn";
        }
        if (r.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        return "aws";
    }

    /** The table's ARN. */
    public String arn() {
        return "arn:" + partition + ":dynamodb:" + region + ":" + account + ":table/" + name;
    }

    /** ARNs of every stream the table has had or will have. */
    public String streamsArn() {
        return arn() + "/stream/*";
    }

    /** ARNs of every export of the table. */
    public String exportsArn() {
        return arn() + "/export/*";
    }

    /** Identifies the table across integrations: same partition, region, account and name. */
    public String key() {
        return arn();
    }
}
