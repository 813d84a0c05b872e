package io.dynamosync.worker.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, AttributeValue> streamed(String line) throws IOException {
        try (JsonParser parser = JSON.getFactory().createParser(line)) {
            return DynamoJson.exportLine(parser);
        }
    }

    @Test
    void anExportLineReadsAsTheTreeReaderReadsIt() throws IOException {
        Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
        item.put("id", AttributeValue.fromS("a\"b\u00e9"));
        item.put("n", AttributeValue.fromN("-12345678901234567890.000000000000000001"));
        item.put("bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, -1, 7})));
        item.put("yes", AttributeValue.fromBool(true));
        item.put("no", AttributeValue.fromBool(false));
        item.put("nothing", AttributeValue.fromNul(true));
        AttributeValue inner = AttributeValue.fromL(
                List.of(AttributeValue.fromN("1"), AttributeValue.fromM(Map.of()), AttributeValue.fromL(List.of())));
        item.put("map", AttributeValue.fromM(Map.of("inner", inner)));
        item.put("ss", AttributeValue.fromSs(List.of("x", "y")));
        item.put("ns", AttributeValue.fromNs(List.of("1", "2.5")));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {1}))));
        String line = "{\"Item\":" + JSON.writeValueAsString(DynamoJson.write(item)) + ",\"Other\":{\"x\":[1,2]}}";

        Map<String, AttributeValue> streamed = streamed(line);

        assertThat(streamed)
                .isEqualTo(DynamoJson.item(JSON.readTree(line).get("Item")))
                .isEqualTo(item);
        assertThat(streamed.keySet()).containsExactlyElementsOf(item.keySet());
    }

    @Test
    void aMalformedLineIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> streamed("{\"NotItem\":{}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"Item\"");
        assertThatThrownBy(() -> streamed("{\"Item\":{\"a\":{\"Q\":\"1\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown DynamoDB type 'Q'");
        assertThatThrownBy(() -> streamed("{\"Item\":{\"a\":{\"S\":\"1\",\"N\":\"2\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one type key");
        assertThatThrownBy(() -> streamed("{\"Item\":{\"a\":{\"SS\":\"x\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is an array");
        assertThatThrownBy(() -> streamed("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> streamed("{\"Item\":{\"a\":{\"S\":")).isInstanceOf(IOException.class);
    }
}
