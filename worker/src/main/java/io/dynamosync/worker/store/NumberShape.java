package io.dynamosync.worker.store;

import java.math.BigDecimal;

/**
 * What a run of DynamoDB numbers needs to be stored without loss, and the SQL type that holds
 * them: {@code BIGINT} when every one is an integer that fits 64 bits; {@code HUGEINT} for
 * integers of up to 38 digits; {@code DECIMAL(38, s)} when integer digits plus scale fit in 38;
 * otherwise {@code DOUBLE}, the one case where digits may be lost (DynamoDB allows exponents from
 * -130 to +125, which no decimal type holds).
 */
record NumberShape(boolean allLong, boolean allInteger, int integerDigits, int scale) {

    static final NumberShape NONE = new NumberShape(true, true, 0, 0);
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

    /** How a number is written for the staging cast: plain digits where the type is exact. */
    String text(String number) {
        return sqlType().equals("DOUBLE") ? number : new BigDecimal(number).toPlainString();
    }
}
