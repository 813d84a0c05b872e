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
        BigDecimal value = new BigDecimal(number).stripTrailingZeros();
        int scale = Math.max(0, value.scale());
        int integerDigits = Math.max(0, value.precision() - value.scale());
        boolean integer = scale == 0;
        boolean fitsLong = integer && value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0;
        return new NumberShape(fitsLong, integer, integerDigits, scale);
    }

    NumberShape join(NumberShape other) {
        return new NumberShape(allLong && other.allLong, allInteger && other.allInteger,
                Math.max(integerDigits, other.integerDigits), Math.max(scale, other.scale));
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
            return Long.parseLong(number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0
                    ? number : new BigDecimal(number).toBigIntegerExact().toString());
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
