package io.dynamosync.worker.document;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it for read capacity: attribute names and values in bytes,
 * numbers at about one byte per two digits, three bytes of overhead per map or list and one per
 * element. Used where a response carries no {@code ConsumedCapacity}.
 */
public final class ItemSize {

    private ItemSize() {}

    /** The item's size in bytes. */
    public static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + of(attribute.getValue());
        }
        return size;
    }

    private static long of(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> number(value.n());
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case M -> 3 + of(value.m()) + value.m().size();
            case L -> 3 + value.l().stream().mapToLong(v -> of(v) + 1).sum();
            case SS -> value.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS -> value.ns().stream().mapToLong(ItemSize::number).sum();
            case BS -> sum(value.bs());
            default -> 0;
        };
    }

    private static long sum(List<SdkBytes> bytes) {
        return bytes.stream().mapToLong(b -> b.asByteArray().length).sum();
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long number(String number) {
        long digits = number.chars().filter(Character::isDigit).count();
        return (digits + 1) / 2 + 1;
    }

    /** Read capacity units of a strongly consistent read of {@code bytes}: one per 4 KB, rounded up. */
    public static double consistentReadUnits(long bytes) {
        return Math.max(1, Math.ceil(bytes / 4096.0));
    }
}
