package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.http.ApiKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries that would write, reach files or the network, or unlock the database are refused with
 * a 400 and leave the store exactly as it was.
 */
@ExtendWith(LocalAwsExtension.class)
class QueryConfinementIT {

    @TempDir
    static Path data;

    @TempDir
    static Path outside;

    private static ServedWorker served;
    private static String before;

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        served = ServedWorker.start(aws, data, 100, Map.of(), ApiKey.of(null));
        before = served.fingerprint();
    }

    @AfterAll
    static void stop() {
        if (served != null) {
            served.close();
        }
    }

    static Stream<Arguments> hostileQueries() {
        String file = outside.resolve("stolen.csv").toString();
        String other = outside.resolve("other.duckdb").toString();
        return Stream.of(
                Arguments.of("INSERT INTO orders (_id) VALUES ('forged')", "QueryNotAllowed"),
                Arguments.of("UPDATE orders SET status = 'hacked'", "QueryNotAllowed"),
                Arguments.of("DELETE FROM orders", "QueryNotAllowed"),
                Arguments.of("DROP TABLE orders", "QueryNotAllowed"),
                Arguments.of("CREATE TABLE copied AS SELECT * FROM orders", "QueryNotAllowed"),
                Arguments.of("CREATE TEMP TABLE scratch AS SELECT 1", "QueryNotAllowed"),
                Arguments.of("ALTER TABLE orders DROP COLUMN customer", "QueryNotAllowed"),
                Arguments.of("SELECT * FROM read_csv('/etc/passwd')", "QueryNotAllowed"),
                Arguments.of("SELECT * FROM read_text('/etc/hostname')", "QueryNotAllowed"),
                Arguments.of("SELECT * FROM 'https://example.com/data.csv'", "QueryNotAllowed"),
                Arguments.of("COPY orders TO '" + file + "'", "QueryNotAllowed"),
                Arguments.of("COPY (SELECT * FROM orders) TO '" + file + "'", "QueryNotAllowed"),
                Arguments.of("EXPORT DATABASE '" + outside + "'", "QueryNotAllowed"),
                Arguments.of("ATTACH '" + other + "' AS other", "QueryNotAllowed"),
                Arguments.of("DETACH store", "QueryNotAllowed"),
                Arguments.of("INSTALL httpfs", "QueryNotAllowed"),
                Arguments.of("LOAD httpfs", "QueryNotAllowed"),
                Arguments.of("SET enable_external_access = true", "QueryNotAllowed"),
                Arguments.of("RESET lock_configuration", "QueryNotAllowed"),
                Arguments.of("PRAGMA disable_checkpoint_on_shutdown", "QueryNotAllowed"),
                Arguments.of("SELECT 1; DROP TABLE orders", "QueryNotAllowed"),
                Arguments.of("SELECT 1 /* ; */; DELETE FROM orders", "QueryNotAllowed"),
                Arguments.of("CREATE MACRO evil(a) AS a", "QueryNotAllowed"),
                Arguments.of("CALL checkpoint()", "QueryNotAllowed"),
                Arguments.of("SELECT * FROM force_checkpoint()", "QueryNotAllowed"),
                Arguments.of("CHECKPOINT", "QueryNotAllowed"),
                Arguments.of("VACUUM orders", "QueryNotAllowed"),
                Arguments.of("BEGIN TRANSACTION", "QueryNotAllowed"),
                Arguments.of("EXPLAIN ANALYZE DELETE FROM orders", "QueryNotAllowed"),
                Arguments.of("INSERT INTO orders (_id) SELECT 'x' RETURNING *", "QueryNotAllowed"),
                Arguments.of("SELECT * FROM query('DROP TABLE orders')", "QueryParseError"));
    }

    @ParameterizedTest
    @MethodSource("hostileQueries")
    void isRefusedWithA400AndTheStoreUnchanged(String sql, String type) throws Exception {
        ServedWorker.Answer answer = served.query(sql);

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode body = answer.json();
        assertThat(body.get("reason").asText()).as(body.toString()).isEqualTo(type);
        assertThat(body.get("type").asText()).as(body.toString()).isEqualTo("QUERY_ERROR");
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("query_id").asText()).isNotBlank();
        assertThat(served.fingerprint()).isEqualTo(before);
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).as("files written outside the store").isEmpty();
        }
    }

    @Test
    void readOnlyQueriesOfEveryKindStillRun() throws Exception {
        for (String sql : new String[] {
            "SELECT count(*) FROM orders",
            "WITH c AS (SELECT customer FROM orders) SELECT count(*) FROM c",
            "FROM orders LIMIT 1",
            "VALUES (1, 'a')",
            "DESCRIBE orders",
            "SHOW TABLES",
            "SUMMARIZE orders",
            "EXPLAIN SELECT * FROM orders",
            "SELECT * FROM _sync_state",
            "SELECT * FROM _columns",
            "(SELECT 1) UNION ALL (SELECT 2)",
            "-- a comment first\nSELECT 1;"
        }) {
            ServedWorker.Answer answer = served.query(sql);
            assertThat(answer.status()).as(sql + " -> " + answer.body()).isEqualTo(200);
        }
        assertThat(served.fingerprint()).isEqualTo(before);
    }
}
