package io.dynamosync.worker.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A number attribute no exact SQL type holds (38 digits beside 1E-130 and 9.99E+125) is a DOUBLE
 * column with a text companion inside the store; through the query runner, every way of showing
 * it gives its exact digits as a JSON number, the companion never shows, and what is computed
 * from it says it is approximate.
 */
class ExactAnswersTest {

    /** The wire format, as the worker's server writes it and a careful client reads it. */
    private static final ObjectMapper WIRE = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final ObjectMapper CLIENT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    /** Item id to its amount; a loads first (a DECIMAL then), the others widen the column to DOUBLE. */
    private static final Map<String, String> AMOUNTS = Map.of(
            "a", "12345678901234567890.123456789012345678",
            "b", "1E-130",
            "c", "9.9999999999999999999999999999999999999E+125",
            "d", "-1.2345678901234567890123456789012345678E-130",
            "e", "12345678901234567890123456789012345678");

    private static final Map<String, List<String>> SETS = Map.of(
            "a", List.of("1.25", "-7"),
            "b", List.of("1E-130", "2.5"),
            "c", List.of("9.9999999999999999999999999999999999999E+125"),
            "d", List.of("0.1"),
            "e", List.of("12345678901234567890123456789012345678", "1"));

    @TempDir
    Path directory;

    private Store store;
    private QueryRunner runner;

    @BeforeEach
    void load() {
        store = Store.open(directory, "orders", Transformation.of(null));
        store.commit(upsert("a"));
        Batch rest = new Batch();
        for (String id : List.of("b", "c", "d", "e")) {
            rest.upsert(id, item(id), NOW, "id=" + id);
        }
        store.commit(rest);
        runner = new QueryRunner(
                store, Duration.ofSeconds(10), 1000, QueryAdmission.forProcessors(2), (outcome, elapsed) -> {});
    }

    @AfterEach
    void close() {
        runner.close();
        store.close();
    }

    private static Batch upsert(String id) {
        return new Batch().upsert(id, item(id), NOW, "id=" + id);
    }

    private static Map<String, AttributeValue> item(String id) {
        return Map.of(
                "id",
                AttributeValue.fromS(id),
                "amount",
                AttributeValue.fromN(AMOUNTS.get(id)),
                "ns",
                AttributeValue.fromNs(SETS.get(id)),
                "doc",
                AttributeValue.fromM(Map.of(
                        "x",
                        AttributeValue.fromN(AMOUNTS.get(id)),
                        "l",
                        AttributeValue.fromL(List.of(AttributeValue.fromN(AMOUNTS.get(id)))))));
    }

    private JsonNode query(String sql, QueryParameter... parameters) throws Exception {
        QueryResponse response =
                runner.run(new QueryRequest(new QueryRequest.Sql(sql, Arrays.asList(parameters), null)), "q");
        return CLIENT.readTree(WIRE.writeValueAsString(response));
    }

    private static List<String> fieldNames(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.get("column_fields").forEach(f -> names.add(f.get("name").asText()));
        return names;
    }

    private static JsonNode field(JsonNode answer, String name) {
        for (JsonNode f : answer.get("column_fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no column " + name + " in " + answer);
    }

    private static TreeSet<BigDecimal> decimals(JsonNode list) {
        TreeSet<BigDecimal> set = new TreeSet<>();
        list.forEach(n -> set.add(n.decimalValue()));
        return set;
    }

    private static TreeSet<BigDecimal> decimals(List<String> numbers) {
        TreeSet<BigDecimal> set = new TreeSet<>();
        numbers.forEach(n -> set.add(new BigDecimal(n)));
        return set;
    }

    @Test
    void selectStarShowsEveryNumberWithEveryDigitAndNoCompanion() throws Exception {
        JsonNode answer = query("SELECT * FROM orders");

        assertThat(fieldNames(answer)).containsExactlyInAnyOrder("_id", "_event_time", "id", "amount", "ns", "doc");
        assertThat(field(answer, "amount").get("type").asText()).isEqualTo("DOUBLE");
        assertThat(field(answer, "amount").has("approximate")).isFalse();
        assertThat(field(answer, "ns").has("approximate")).isFalse();
        assertThat(answer.get("results")).hasSize(AMOUNTS.size());
        int wrong = 0;
        for (JsonNode row : answer.get("results")) {
            String id = row.get("id").asText();
            assertThat(row.get("amount").isNumber())
                    .as("amount of %s is a JSON number", id)
                    .isTrue();
            BigDecimal expected = new BigDecimal(AMOUNTS.get(id));
            wrong += row.get("amount").decimalValue().compareTo(expected) == 0 ? 0 : 1;
            wrong += decimals(row.get("ns")).equals(decimals(SETS.get(id))) ? 0 : 1;
            wrong += row.get("doc").get("x").decimalValue().compareTo(expected) == 0 ? 0 : 1;
            wrong += row.get("doc").get("l").get(0).decimalValue().compareTo(expected) == 0 ? 0 : 1;
            assertThat(row.fieldNames()).toIterable().noneMatch(name -> name.contains("__exact"));
        }
        assertThat(wrong).as("values that differ from what DynamoDB holds").isZero();
        assertThat(answer.has("warnings")).isFalse();
    }

    @Test
    void aRenamedQualifiedColumnFilteredAndSortedKeepsItsDigitsAndSaysTheFilterIsApproximate() throws Exception {
        JsonNode answer =
                query("SELECT t.amount AS a, id FROM orders t WHERE amount > 1e100 OR amount < 0 ORDER BY amount DESC");

        assertThat(fieldNames(answer)).containsExactly("a", "id");
        assertThat(answer.get("results")).extracting(r -> r.get("id").asText()).containsExactly("c", "d");
        assertThat(answer.get("results").get(0).get("a").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("c")));
        assertThat(answer.get("results").get(1).get("a").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("d")));
        assertThat(answer.get("warnings").toString()).contains("computes with amount");
    }

    @Test
    void arithmeticAndAggregatesWorkAndAreFlaggedApproximate() throws Exception {
        JsonNode answer = query("SELECT amount * 2 AS twice, id FROM orders WHERE id = 'e'");
        assertThat(answer.get("results").get(0).get("twice").doubleValue())
                .isEqualTo(2 * 12345678901234567890123456789012345678.0);
        assertThat(field(answer, "twice").get("approximate").asBoolean()).isTrue();
        assertThat(answer.get("warnings").toString()).contains("twice is a floating-point result");

        JsonNode sum = query("SELECT sum(amount) AS total, count(*) AS n FROM orders WHERE abs(amount) < 1");
        assertThat(sum.get("results").get(0).get("n").asLong()).isEqualTo(2);
        assertThat(field(sum, "total").get("approximate").asBoolean()).isTrue();
        assertThat(field(sum, "n").has("approximate")).isFalse();
    }

    @Test
    void groupedAndParameterisedProjectionsKeepTheirDigits() throws Exception {
        JsonNode grouped = query("SELECT amount, count(*) AS n FROM orders GROUP BY amount ORDER BY amount");
        assertThat(grouped.get("results"))
                .extracting(r -> r.get("amount").decimalValue().stripTrailingZeros())
                .containsExactly(Stream.of("d", "b", "a", "e", "c")
                        .map(id -> new BigDecimal(AMOUNTS.get(id)).stripTrailingZeros())
                        .toArray(BigDecimal[]::new));

        JsonNode rollup =
                query("SELECT amount, count(*) AS n FROM orders GROUP BY ROLLUP (amount) ORDER BY n DESC, amount");
        assertThat(rollup.get("results").get(0).get("amount").isNull())
                .as("the total row")
                .isTrue();
        assertThat(rollup.get("results").get(1).get("amount").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("d")));
        assertThat(field(rollup, "amount").has("approximate")).isFalse();

        JsonNode bound = query(
                "SELECT amount, ns FROM orders WHERE id = :id",
                new QueryParameter("id", "string", TextNode.valueOf("d")));
        assertThat(bound.get("results").get(0).get("amount").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("d")));
        assertThat(field(bound, "amount").has("approximate")).isFalse();
    }

    @Test
    void subqueriesCtesAndJoinsPassTheDigitsThroughAndHideTheCompanions() throws Exception {
        for (String sql : List.of(
                "SELECT * FROM (SELECT * FROM orders WHERE id = 'c') s",
                "WITH x AS (SELECT * FROM orders) SELECT x.* FROM x WHERE id = 'c'",
                "SELECT s.amount FROM (SELECT * FROM orders) AS s WHERE s.id = 'c'",
                "SELECT * FROM orders o1 JOIN orders o2 USING (_id) WHERE o1.id = 'c'")) {
            JsonNode answer = query(sql);
            assertThat(fieldNames(answer)).as(sql).noneMatch(name -> name.contains("__exact"));
            JsonNode row = answer.get("results").get(0);
            row.fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("amount")) {
                    assertThat(e.getValue().decimalValue())
                            .as("%s in %s", e.getKey(), sql)
                            .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("c")));
                }
            });
            assertThat(fieldNames(answer)).as(sql).anyMatch(name -> name.startsWith("amount"));
        }
    }

    @Test
    void starModifiersDistinctAndDecimalParametersBehave() throws Exception {
        JsonNode excluded = query("SELECT * EXCLUDE (amount) FROM orders WHERE id = 'c'");
        assertThat(fieldNames(excluded)).doesNotContain("amount").noneMatch(name -> name.contains("__exact"));

        JsonNode replaced = query("SELECT * REPLACE (amount * 2 AS amount) FROM orders WHERE id = 'c'");
        assertThat(fieldNames(replaced)).noneMatch(name -> name.contains("__exact"));
        assertThat(replaced.get("results").get(0).get("amount").doubleValue()).isEqualTo(2e126);
        assertThat(field(replaced, "amount").get("approximate").asBoolean()).isTrue();

        JsonNode twice = query("SELECT amount, * FROM orders WHERE id = 'c'");
        assertThat(twice.get("results").get(0).get("amount").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("c")));
        assertThat(twice.get("results").get(0).get("amount_2").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("c")));

        JsonNode distinct = query("SELECT DISTINCT amount FROM orders ORDER BY ALL");
        assertThat(distinct.get("results")).hasSize(AMOUNTS.size());
        assertThat(distinct.get("results").get(4).get("amount").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("c")));

        JsonNode bound = query(
                "SELECT id, amount FROM orders WHERE amount = :v",
                new QueryParameter("v", "decimal", TextNode.valueOf("-1.2345678901234567890123456789012345678E-130")));
        assertThat(bound.get("results")).extracting(r -> r.get("id").asText()).containsExactly("d");
        assertThat(bound.get("results").get(0).get("amount").decimalValue())
                .isEqualByComparingTo(new BigDecimal(AMOUNTS.get("d")));
        assertThat(bound.get("warnings").toString()).contains("parameter :v");

        JsonNode large = query(
                "SELECT id FROM orders WHERE amount >= :v",
                new QueryParameter("v", "decimal", TextNode.valueOf("9.9999999999999999999999999999999999999E+125")));
        assertThat(large.get("results")).extracting(r -> r.get("id").asText()).containsExactly("c");
    }

    @Test
    void aRewrittenStatementStillMeansWhatItSaid() throws Exception {
        JsonNode answer = query("WITH picked AS (SELECT * FROM orders WHERE id IN ('b', 'e'))\n"
                + "SELECT amount, list_transform(ns, x -> x * 2) AS doubled, 'it''s' AS s, {'a': [1, 2]} AS st, "
                + "row_number() OVER (ORDER BY amount DESC) AS r, amount::DECIMAL(38,0) > 1 AS big, "
                + "doc->>'$.x' AS text -- a comment\nFROM picked ORDER BY r");

        JsonNode rows = answer.get("results");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("amount").decimalValue()).isEqualByComparingTo(new BigDecimal(AMOUNTS.get("e")));
        assertThat(rows.get(0).get("r").asInt()).isEqualTo(1);
        assertThat(rows.get(0).get("big").asBoolean()).isTrue();
        assertThat(rows.get(1).get("amount").decimalValue()).isEqualByComparingTo(new BigDecimal(AMOUNTS.get("b")));
        assertThat(rows.get(1).get("doubled").get(1).doubleValue()).isEqualTo(5.0);
        assertThat(rows.get(1).get("s").asText()).isEqualTo("it's");
        assertThat(rows.get(1).get("st").get("a").get(1).asInt()).isEqualTo(2);
        assertThat(fieldNames(answer)).containsExactly("amount", "doubled", "s", "st", "r", "big", "text");
        assertThat(field(answer, "doubled").get("approximate").asBoolean()).isTrue();
    }

    @Test
    void namingACompanionIsAClearQueryError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> query("SELECT id,\n  amount__exact FROM orders"))
                .isInstanceOfSatisfying(QueryFailure.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo(QueryFailure.QUERY_ERROR);
                    assertThat(e.getMessage())
                            .contains("no column amount__exact", "amount itself comes back with every digit");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(3);
                });
    }

    @Test
    void setOperationsAndDescriptionsNeverShowACompanion() throws Exception {
        JsonNode union = query("SELECT * FROM orders UNION ALL SELECT * FROM orders");
        assertThat(fieldNames(union)).noneMatch(name -> name.contains("__exact"));
        assertThat(field(union, "amount").get("approximate").asBoolean()).isTrue();

        JsonNode described = query("DESCRIBE orders");
        assertThat(described.get("results"))
                .extracting(r -> r.get("column_name").asText())
                .contains("amount", "ns")
                .noneMatch(name -> name.contains("__exact"));
        assertThat(runner.schema().columns())
                .extracting(CollectionSchema.Column::name)
                .contains("amount", "ns")
                .noneMatch(name -> name.contains("__exact"));
    }
}
