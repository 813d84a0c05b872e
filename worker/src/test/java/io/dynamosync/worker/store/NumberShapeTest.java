package io.dynamosync.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick reading of plainly written numbers gives the shape the decimal reading gives, or leaves the number to it. */
class NumberShapeTest {

    @Test
    void plainNumbersGetTheShapeTheirDecimalValueHas() {
        List<String> numbers = List.of(
                "0",
                "-0",
                "00",
                "0.0",
                "-0.000",
                "7",
                "007",
                "-7",
                "10",
                "100",
                "1500",
                "0.5",
                "-0.05",
                "10.50",
                "9348.60",
                "123456789012345678",
                "-999999999999999999",
                "1.000000000000000000000001",
                "0.00000000000000000000000000000000000001",
                "12345678901234567.8901234567890123456789");
        for (String number : numbers) {
            assertThat(NumberShape.ofPlain(number)).as(number).isEqualTo(NumberShape.ofDecimal(number));
            assertThat(NumberShape.of(number)).as(number).isEqualTo(NumberShape.ofDecimal(number));
        }
        Random random = new Random(12);
        for (int i = 0; i < 10_000; i++) {
            BigDecimal value =
                    new BigDecimal(random.nextLong() / (1L << random.nextInt(40))).movePointLeft(random.nextInt(25));
            String number = random.nextBoolean()
                    ? value.toPlainString()
                    : value.toPlainString() + "0".repeat(random.nextInt(3));
            if (number.indexOf('.') < 0 && number.endsWith("0") && random.nextBoolean()) {
                number = number + ".00";
            }
            assertThat(NumberShape.of(number)).as(number).isEqualTo(NumberShape.ofDecimal(number));
        }
    }

    @Test
    void otherSpellingsAreLeftToTheDecimalReading() {
        for (String number : List.of(
                "1E+3",
                "1.5e2",
                "+4",
                ".5",
                "5.",
                "-",
                "",
                "1.2.3",
                "1234567890123456789",
                "-99999999999999999999999999999999999999",
                "12a")) {
            assertThat(NumberShape.ofPlain(number)).as(number).isNull();
        }
        assertThat(NumberShape.of("1E+3")).isEqualTo(new NumberShape(true, true, 4, 0));
        assertThat(NumberShape.of("9223372036854775808")).isEqualTo(new NumberShape(false, true, 19, 0));
        assertThat(NumberShape.of("-9223372036854775808")).isEqualTo(new NumberShape(true, true, 19, 0));
    }
}
