package io.dynamosync.worker.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemIdTest {

    private static final ItemId COMPOSITE = new ItemId(List.of("pk", "sk"));

    private static Map<String, AttributeValue> key(String pk, AttributeValue sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", sk);
    }

    @Test
    void aPartitionKeyAloneIsTheIdAsItIs() {
        assertThat(new ItemId(List.of("pk"))
                        .of(Map.of("pk", AttributeValue.fromS("user|1"), "x", AttributeValue.fromS("y"))))
                .isEqualTo("user|1");
    }

    @Test
    void compositeKeysNeverCollideEvenWithSeparatorsInside() {
        Set<String> ids = new HashSet<>();
        ids.add(COMPOSITE.of(key("a|b", AttributeValue.fromS("c"))));
        ids.add(COMPOSITE.of(key("a", AttributeValue.fromS("b|c"))));
        ids.add(COMPOSITE.of(key("a\\", AttributeValue.fromS("|c"))));
        ids.add(COMPOSITE.of(key("a\\|", AttributeValue.fromS("c"))));
        ids.add(COMPOSITE.of(key("", AttributeValue.fromS("a|b|c"))));
        assertThat(ids).hasSize(5);
        assertThat(COMPOSITE.of(key("user-1", AttributeValue.fromS("2024")))).isEqualTo("user-1|2024");
    }

    @Test
    void numbersAreCanonicalSoTheSameNumberGivesTheSameId() {
        assertThat(COMPOSITE.of(key("a", AttributeValue.fromN("1.50"))))
                .isEqualTo(COMPOSITE.of(key("a", AttributeValue.fromN("1.5"))));
        assertThat(COMPOSITE.of(key("a", AttributeValue.fromN("1.5E+2")))).isEqualTo("a|150");
        assertThat(COMPOSITE.of(key("a", AttributeValue.fromN("-0.0")))).isEqualTo("a|0");
    }

    @Test
    void binaryKeysAreBase64AndMissingKeysAreNamed() {
        assertThat(COMPOSITE.of(key("a", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1})))))
                .isEqualTo("a|AAE=");
        assertThat(COMPOSITE.describeKey(Map.of("pk", AttributeValue.fromS("u"))))
                .isEqualTo("pk=u, sk=(missing)");
    }

    @Test
    void anIdGivesBackTheKeyItWasMadeFrom() {
        for (String pk : List.of("a|b", "a\\", "a\\|", "", "plain")) {
            for (AttributeValue sk : List.of(
                    AttributeValue.fromS("b|c\\"),
                    AttributeValue.fromN("150"),
                    AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1})))) {
                Map<String, AttributeValue> key = key(pk, sk);
                String type = sk.s() != null ? "S" : sk.n() != null ? "N" : "B";
                assertThat(COMPOSITE.key(COMPOSITE.of(key), List.of("S", type))).isEqualTo(key);
            }
        }
    }
}
