package io.dynamosync.worker.store;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a run of DynamoDB numbers needs to be stored without loss, and the SQL type that holds
 * them: {@code BIGINT} when every one is an integer that fits 64 bits; {@code HUGEINT} for
 * integers of up to 38 digits; {@code DECIMAL(38, s)} when integer digits plus scale fit in 38;
 * otherwise {@code DOUBLE}, which cannot hold every digit of DynamoDB's 38 from 1E-130 to 1E+126,
 * so such a column has a companion ({@link #EXACT_SUFFIX}) holding each value's exact text.
 */
record NumberShape(boolean allLong, boolean allInteger, int integerDigits, int scale) {

    static final NumberShape NONE = new NumberShape(true, true, 0, 0);
    /** Appended to a {@code DOUBLE} number column's name to name the column of its exact values. */
    static final String EXACT_SUFFIX = "__exact";

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    static NumberShape of(String number) {
        NumberShape plain = ofPlain(number);
        return plain != null ? plain : ofDecimal(number);
    }

    /**
     * The shape of a number written plainly ({@code -12.50}: a sign, digits, a point and digits, at most 18
     * integer digits), read from its characters, as {@link #ofDecimal} would give it; null for any other
     * spelling. Most numbers are written so, and the writer learns the shape of every number it writes.
     */
    static NumberShape ofPlain(String number) {
        int length = number.length();
        int start = length > 0 && number.charAt(0) == '-' ? 1 : 0;
        int point = -1;
        for (int i = start; i < length; i++) {
            char c = number.charAt(i);
            if (c == '.' && point < 0) {
                point = i;
            } else if (c < '0' || c > '9') {
                return null;
            }
        }
        int integerEnd = point < 0 ? length : point;
        if (integerEnd == start || point == length - 1) {
            return null;
        }
        int firstDigit = start;
        while (firstDigit < integerEnd && number.charAt(firstDigit) == '0') {
            firstDigit++;
        }
        int lastDigit = length - 1;
        while (point >= 0 && lastDigit > point && number.charAt(lastDigit) == '0') {
            lastDigit--;
        }
        int scale = point < 0 ? 0 : lastDigit - point;
        int integerDigits = integerEnd - firstDigit;
        if (integerDigits > 18) {
            return null;
        }
        if (integerDigits == 0 && scale == 0) {
            // Zero: one integer digit, as BigDecimal counts it.
            integerDigits = 1;
        }
        return new NumberShape(scale == 0, scale == 0, integerDigits, scale);
    }

    /** The shape of any number DynamoDB takes, through {@link BigDecimal}. */
    static NumberShape ofDecimal(String number) {
        BigDecimal value = new BigDecimal(number).stripTrailingZeros();
        int scale = Math.max(0, value.scale());
        int integerDigits = Math.max(0, value.precision() - value.scale());
        boolean integer = scale == 0;
        boolean fitsLong = integer && value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0;
        return new NumberShape(fitsLong, integer, integerDigits, scale);
    }

    NumberShape join(NumberShape other) {
        if (equals(other)) {
            return this;
        }
        return new NumberShape(
                allLong && other.allLong,
                allInteger && other.allInteger,
                Math.max(integerDigits, other.integerDigits),
                Math.max(scale, other.scale));
    }

    String sqlType() {
        if (allLong) {
            return "BIGINT";
        }
        if (allInteger && integerDigits <= 38) {
            return "HUGEINT";
        }
        if (integerDigits + scale <= 38) {
            return "DECIMAL(38," + scale + ")";
        }
        return "DOUBLE";
    }

    /** Whether the SQL type holds every value exactly; if not, the column has an exact companion. */
    boolean exact() {
        return !sqlType().equals("DOUBLE");
    }

    /** A number as the Java value the appender writes into a column of {@link #sqlType()}. */
    Object value(String number) {
        if (allLong) {
            return Long.parseLong(
                    number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0
                            ? number
                            : new BigDecimal(number).toBigIntegerExact().toString());
        }
        if (allInteger && integerDigits <= 38) {
            return new BigDecimal(number).toBigIntegerExact();
        }
        if (integerDigits + scale <= 38) {
            // Exact: the column's scale is at least the value's, so no digit is rounded away.
            return new BigDecimal(number).setScale(scale, RoundingMode.UNNECESSARY);
        }
        return Double.parseDouble(number);
    }

    /** A number's exact text: every significant digit, no trailing zeros, as DynamoDB keeps it. */
    static String exactText(String number) {
        BigDecimal value = new BigDecimal(number);
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        String plain = stripped.toPlainString();
        return plain.length() <= 45 ? plain : stripped.toString();
    }
}
