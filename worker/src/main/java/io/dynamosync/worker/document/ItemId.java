package io.dynamosync.worker.document;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Derives a document's {@code _id} from the table's key attributes: deterministic (the same key
 * gives the same id whether it came from a scan, an export or a stream record) and free of
 * collisions.
 *
 * <ul>
 *   <li>Each key part is written as text: a string as it is, a number in plain canonical form
 *       ({@code 1.50} and {@code 1.5} are the same DynamoDB number, so the same id), a binary in
 *       base64.</li>
 *   <li>A table with only a partition key uses that text as the id, so {@code WHERE _id = 'user-1'}
 *       works as expected.</li>
 *   <li>A composite key joins the parts with {@code |}, after escaping {@code \} as {@code \\} and
 *       {@code |} as {@code \|} in each part, so no two distinct keys give the same id.</li>
 * </ul>
 */
public final class ItemId {

    private final List<String> keyAttributes;

    /** @param keyAttributes the partition key name, then the sort key name if the table has one */
    public ItemId(List<String> keyAttributes) {
        if (keyAttributes.isEmpty() || keyAttributes.size() > 2) {
            throw new IllegalArgumentException("a table key has one or two attributes, not " + keyAttributes);
        }
        this.keyAttributes = List.copyOf(keyAttributes);
    }

    /** The key attribute names, partition key first. */
    public List<String> keyAttributes() {
        return keyAttributes;
    }

    /** The id of an item (or of a stream record's key map). */
    public String of(Map<String, AttributeValue> item) {
        if (keyAttributes.size() == 1) {
            return part(item, keyAttributes.get(0));
        }
        return escape(part(item, keyAttributes.get(0))) + "|" + escape(part(item, keyAttributes.get(1)));
    }

    /** The item's key, for messages: {@code pk=user-1, sk=7}. */
    public String describeKey(Map<String, AttributeValue> item) {
        StringBuilder key = new StringBuilder();
        for (String name : keyAttributes) {
            if (key.length() > 0) {
                key.append(", ");
            }
            AttributeValue value = item.get(name);
            key.append(name).append('=').append(value == null ? "(missing)" : text(value));
        }
        return key.toString();
    }

    /**
     * The key an id was made from, the inverse of {@link #of}: {@code types} gives each key attribute's type
     * ({@code S}, {@code N} or {@code B}, as the table's attribute definitions say), in key order.
     */
    public Map<String, AttributeValue> key(String id, List<String> types) {
        List<String> parts = new java.util.ArrayList<>();
        if (keyAttributes.size() == 1) {
            parts.add(id);
        } else {
            StringBuilder part = new StringBuilder();
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (c == '\\' && i + 1 < id.length()) {
                    part.append(id.charAt(++i));
                } else if (c == '|') {
                    parts.add(part.toString());
                    part.setLength(0);
                } else {
                    part.append(c);
                }
            }
            parts.add(part.toString());
        }
        if (parts.size() != keyAttributes.size() || types.size() != keyAttributes.size()) {
            throw new IllegalArgumentException("'" + id + "' is no id of a key " + keyAttributes);
        }
        Map<String, AttributeValue> key = new java.util.LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String text = parts.get(i);
            AttributeValue value = switch (types.get(i)) {
                case "S" -> AttributeValue.fromS(text);
                case "N" -> AttributeValue.fromN(text);
                case "B" ->
                    AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(
                            Base64.getDecoder().decode(text)));
                default -> throw new IllegalArgumentException("a key attribute is S, N or B, not " + types.get(i));
            };
            key.put(keyAttributes.get(i), value);
        }
        return key;
    }

    private static String part(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            throw new IllegalArgumentException("item has no key attribute '" + name + "'");
        }
        return text(value);
    }

    private static String text(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            return canonicalNumber(value.n());
        }
        if (value.b() != null) {
            return Base64.getEncoder().encodeToString(value.b().asByteArray());
        }
        throw new IllegalArgumentException("a key attribute is a string, number or binary, not " + value.type());
    }

    /** A DynamoDB number in plain notation without trailing zeros: {@code 1.50E+2} gives {@code 150}. */
    static String canonicalNumber(String number) {
        BigDecimal value = new BigDecimal(number);
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }

    private static String escape(String part) {
        return part.replace("\\", "\\\\").replace("|", "\\|");
    }
}
