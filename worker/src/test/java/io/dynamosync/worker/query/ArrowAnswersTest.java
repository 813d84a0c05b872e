package io.dynamosync.worker.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dynamosync.worker.store.Batch;
import io.dynamosync.worker.store.Store;
import io.dynamosync.worker.store.Transformation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Answers as Arrow streams, as the query front pulls them: read back into another DuckDB, the rows equal the
 * collection's value for value, every type included; a statement that fails before its first row is still a
 * {@link QueryFailure}, answered as JSON; and the stream ends with Arrow's end-of-stream marker.
 */
class ArrowAnswersTest {

    private static final byte[] END_OF_STREAM = {-1, -1, -1, -1, 0, 0, 0, 0};

    @TempDir
    Path directory;

    @Test
    void rowsOfEveryTypeReadBackEqualTheCollectionsAndTheStreamEndsWithItsMarker() throws Exception {
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY);
                QueryRunner runner = runner(store)) {
            load(store, 1_000);

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long rows = runner.run(request("SELECT * FROM orders", null), "q-all", runner.arrow(() -> body));

            assertThat(rows).isEqualTo(1_000);
            byte[] bytes = body.toByteArray();
            assertThat(Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length))
                    .isEqualTo(END_OF_STREAM);
            try (Connection stored = store.newConnection();
                    Connection pulled = DriverManager.getConnection("jdbc:duckdb:")) {
                pull(pulled, bytes);
                String columns = "_id, id, name, amount, big, tags, attrs, blob, paid";
                assertThat(texts(pulled, "SELECT " + columns + " FROM pulled ORDER BY _id"))
                        .hasSize(1_000)
                        .isEqualTo(texts(stored, "SELECT " + columns + " FROM orders ORDER BY _id"));
            }
        }
    }

    @Test
    void aRowLimitEndsTheStreamAfterTheBatchThatReachesItAndAFailureBeforeTheFirstRowIsAQueryFailure()
            throws Exception {
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY);
                QueryRunner runner = runner(store)) {
            load(store, 1_000);

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long rows = runner.run(request("SELECT _id FROM orders", 301), "q-cut", runner.arrow(() -> body));
            assertThat(rows).isGreaterThan(301).isLessThan(1_000);

            ArrowOutput failing = runner.arrow(() -> {
                throw new AssertionError("a failing statement opens no body");
            });
            assertThatThrownBy(() -> runner.run(request("SELECT nope FROM orders", null), "q-bad", failing))
                    .isInstanceOfSatisfying(
                            QueryFailure.class, f -> assertThat(f.reason()).isEqualTo(QueryFailure.QUERY_ERROR));
            assertThat(failing.opened()).isFalse();
        }
    }

    @Test
    void aFailureAfterTheFirstBatchEndsTheStreamSoThatReadingItFails() throws Exception {
        try (Store store = Store.open(directory, "orders", Transformation.IDENTITY);
                QueryRunner runner = runner(store)) {
            load(store, 1_000);

            // The statement fails at a row far past the first batch, after the body opened.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ArrowOutput output = runner.arrow(() -> body);
            assertThatThrownBy(() -> runner.run(
                            request(
                                    "SELECT CASE WHEN r.range < 500000 THEN r.range ELSE error('row ' || r.range)"
                                            + " END AS n FROM range(1000000) r",
                                    null),
                            "q-cut-short",
                            output))
                    .isInstanceOf(RuntimeException.class);
            assertThat(output.opened()).isTrue();
            byte[] bytes = body.toByteArray();
            assertThat(Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length))
                    .isNotEqualTo(END_OF_STREAM);
            try (Connection pulled = DriverManager.getConnection("jdbc:duckdb:")) {
                assertThatThrownBy(() -> pull(pulled, bytes)).isInstanceOf(SQLException.class);
            }

            // Cancelled once the first batch went out (so is a query at its time limit): the stream ends there too.
            ByteArrayOutputStream cancelledBody = new ByteArrayOutputStream();
            ArrowOutput cancelled = runner.arrow(() -> {
                runner.cancel("q-cancelled");
                return cancelledBody;
            });
            assertThatThrownBy(() -> runner.run(
                            request("SELECT o._id, r.range FROM orders o, range(1000) r", null),
                            "q-cancelled",
                            cancelled))
                    .isInstanceOfSatisfying(
                            QueryFailure.class, f -> assertThat(f.reason()).isEqualTo(QueryFailure.CANCELLED));
            byte[] cut = cancelledBody.toByteArray();
            assertThat(Arrays.copyOfRange(cut, cut.length - 8, cut.length)).isNotEqualTo(END_OF_STREAM);
        }
    }

    private static void load(Store store, int items) {
        Batch batch = new Batch();
        for (int i = 0; i < items; i++) {
            batch.upsert("o" + i, item(i), Instant.now(), "id=" + i);
        }
        store.commit(batch.checkpoint(
                Store.LOAD_CHECKPOINT, JsonNodeFactory.instance.objectNode().put("complete", true)));
    }

    private static QueryRunner runner(Store store) {
        return new QueryRunner(store, Duration.ofSeconds(60), 100, QueryAdmission.forProcessors(2), (o, e) -> {});
    }

    private static QueryRequest request(String sql, Integer limit) {
        return new QueryRequest(new QueryRequest.Sql(sql, List.of(), limit));
    }

    private static Map<String, AttributeValue> item(int i) {
        return Map.of(
                "id", AttributeValue.fromN(Integer.toString(i)),
                "name", AttributeValue.fromS("name " + i + " é"),
                "amount", AttributeValue.fromN(i + ".25"),
                // 38 digits: only DECIMAL(38) or its text holds it exactly.
                "big", AttributeValue.fromN("1234567890123456789012345678901234567" + (i % 10)),
                "tags", AttributeValue.fromSs(List.of("a" + i, "b")),
                "attrs", AttributeValue.fromM(Map.of("k", AttributeValue.fromN(Integer.toString(i)))),
                "blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {(byte) i, 0, 1})),
                "paid", AttributeValue.fromBool(i % 2 == 0));
    }

    /** Registers the stream in {@code connection} and copies it into table {@code pulled}, as the front does. */
    private static void pull(Connection connection, byte[] stream) throws SQLException, java.io.IOException {
        try (BufferAllocator memory = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(stream), memory);
                ArrowArrayStream exported = ArrowArrayStream.allocateNew(memory)) {
            Data.exportArrayStream(memory, reader, exported);
            connection.unwrap(DuckDBConnection.class).registerArrowStream("answer", exported);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE pulled AS SELECT * FROM answer");
            }
        }
    }

    private static List<String> texts(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= n; c++) {
                    row.append(rs.getString(c)).append(" | ");
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
