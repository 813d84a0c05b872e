package io.dynamosync.worker.store;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a collection column's SQL type widens when a batch brings values of another type, so no
 * value is lost: integers widen to wider integers, exact numbers to {@code DECIMAL(38, s)} while
 * their digits fit and to {@code DOUBLE} beyond, lists widen by element, and any other pair
 * meets in {@code JSON}, which holds every value.
 */
final class ColumnTypes {

    private static final List<String> INTEGERS = List.of(
            "TINYINT", "UTINYINT", "SMALLINT", "USMALLINT", "INTEGER", "UINTEGER", "BIGINT", "UBIGINT", "HUGEINT");
    private static final List<String> SIGNED = List.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT");
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

    private ColumnTypes() {}

    static boolean isInteger(String type) {
        return INTEGERS.contains(type);
    }

    static boolean isExactNumber(String type) {
        return isInteger(type) || DECIMAL.matcher(type).matches();
    }

    static boolean isNumber(String type) {
        return isExactNumber(type) || type.equals("FLOAT") || type.equals("DOUBLE");
    }

    /** Whether {@code type} is a floating-point number or a list of them. */
    static boolean isFloating(String type) {
        String element = element(type.toUpperCase(Locale.ROOT));
        return element.equals("DOUBLE") || element.equals("FLOAT");
    }

    static boolean isList(String type) {
        return type.endsWith("[]");
    }

    /** Whether widening {@code a} and {@code b} needs the integer digits of the stored values. */
    static boolean needsDigits(String a, String b) {
        String x = element(a);
        String y = element(b);
        return isExactNumber(x)
                && isExactNumber(y)
                && (DECIMAL.matcher(x).matches()
                        || DECIMAL.matcher(y).matches()
                        || x.equals("HUGEINT")
                        || y.equals("HUGEINT")
                        || x.equals("UBIGINT")
                        || y.equals("UBIGINT"));
    }

    /**
     * The narrowest type that holds every value of both types.
     *
     * @param integerDigits the most integer digits among the values of both columns, used where
     *                      exact numbers meet a decimal ({@link #needsDigits})
     */
    static String widen(String a, String b, int integerDigits) {
        a = a.toUpperCase(Locale.ROOT);
        b = b.toUpperCase(Locale.ROOT);
        if (a.equals(b)) {
            return a;
        }
        if (isList(a) && isList(b)) {
            String element = widen(element(a), element(b), integerDigits);
            return element.equals("JSON") ? "JSON" : element + "[]";
        }
        if (isNumber(a) && isNumber(b)) {
            return widenNumbers(a, b, integerDigits);
        }
        if (isTime(a) && isTime(b)) {
            return a.contains("TIME ZONE") || b.contains("TIME ZONE") ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
        }
        return "JSON";
    }

    private static String widenNumbers(String a, String b, int integerDigits) {
        if (!isExactNumber(a) || !isExactNumber(b)) {
            return "DOUBLE";
        }
        if (isInteger(a) && isInteger(b)) {
            return SIGNED.get(Math.max(SIGNED.indexOf(signed(a)), SIGNED.indexOf(signed(b))));
        }
        int scale = Math.max(scaleOf(a), scaleOf(b));
        int digits = Math.max(integerDigits, 1);
        return digits + scale <= 38 ? "DECIMAL(38," + scale + ")" : "DOUBLE";
    }

    /** The smallest signed integer type holding every value of {@code type}. */
    private static String signed(String type) {
        return switch (type) {
            case "UTINYINT" -> "SMALLINT";
            case "USMALLINT" -> "INTEGER";
            case "UINTEGER" -> "BIGINT";
            case "UBIGINT" -> "HUGEINT";
            default -> type;
        };
    }

    private static int scaleOf(String type) {
        Matcher m = DECIMAL.matcher(type);
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    private static boolean isTime(String type) {
        return type.equals("DATE") || type.startsWith("TIMESTAMP");
    }

    static String element(String type) {
        return isList(type) ? type.substring(0, type.length() - 2) : type;
    }

    /** An expression turning {@code column} of {@code type} into JSON without losing a value. */
    static String toJson(String column, String type) {
        String t = type.toUpperCase(Locale.ROOT);
        if (t.equals("JSON")) {
            return column;
        }
        if (t.equals("BLOB")) {
            return "to_json(base64(" + column + "))";
        }
        if (t.equals("BLOB[]")) {
            return "to_json(list_transform(" + column + ", x -> base64(x)))";
        }
        if (DECIMAL.matcher(element(t)).matches()) {
            // to_json writes a DECIMAL(38,38) as -.5000..., which is no JSON number: through DynamoDB's form instead.
            return isList(t)
                    ? exactJson("list_transform(" + column + ", x -> " + exactText("x") + ")", "VARCHAR[]")
                    : exactJson(exactText(column), "VARCHAR");
        }
        return "to_json(" + column + ")";
    }

    /**
     * An expression giving an exact number's text as DynamoDB writes it: DuckDB writes a decimal with its
     * scale's trailing zeros ({@code -7.00}) and, at scale 38, without its leading zero ({@code -.5}), which
     * is no JSON number; both go.
     */
    static String exactText(String column) {
        return "regexp_replace(regexp_replace(CAST(" + column + " AS VARCHAR), '(\\.[0-9]*[1-9])0+$|\\.0*$', '\\1'), "
                + "'^(-?)\\.', '\\10.')";
    }

    /**
     * An expression turning an exact companion {@code column} (text, or a list of texts, of
     * {@code type}) into JSON numbers with every digit: the texts are JSON numbers already.
     */
    static String exactJson(String column, String type) {
        return isList(type)
                ? "CAST('[' || array_to_string(" + column + ", ',') || ']' AS JSON)"
                : "CAST(" + column + " AS JSON)";
    }

    /** An expression turning {@code column} of type {@code from} into type {@code to}. */
    static String convert(String column, String from, String to) {
        if (from.equalsIgnoreCase(to)) {
            return column;
        }
        if (to.equalsIgnoreCase("JSON")) {
            return toJson(column, from);
        }
        if (isExactNumber(element(from.toUpperCase(Locale.ROOT))) && isFloating(to)) {
            // Through the exact text, which DuckDB parses to the nearest double; a decimal's own cast may round twice.
            String text = isList(from) ? "VARCHAR[]" : "VARCHAR";
            return "CAST(CAST(" + column + " AS " + text + ") AS " + to + ")";
        }
        return "CAST(" + column + " AS " + to + ")";
    }
}
