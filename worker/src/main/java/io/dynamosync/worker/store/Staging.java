package io.dynamosync.worker.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes a batch's documents into the temporary table {@code _input} through DuckDB's
 * appender, one typed column per known attribute (and an exact companion beside each number
 * column whose type cannot hold every digit), so values reach DuckDB as typed values rather
 * than text parsed back. Also writes the ids a batch touches into {@code _changed}.
 */
final class Staging {

    private static final JsonFactory JSON = new JsonFactory();

    private final DuckDBConnection connection;
    private final Catalog catalog;

    Staging(DuckDBConnection connection, Catalog catalog) {
        this.connection = connection;
        this.catalog = catalog;
    }

    /** Stages the upserts as {@code _input}; the catalog must know every attribute already. */
    void stage(List<Batch.Change> upserts) throws SQLException {
        List<Catalog.Column> columns = new ArrayList<>(catalog.columns().values());
        StringBuilder create = new StringBuilder(
                "CREATE OR REPLACE TEMP TABLE _input (_id VARCHAR, _event_time TIMESTAMP WITH TIME ZONE");
        for (Catalog.Column column : columns) {
            create.append(", ")
                    .append(SqlNames.quote(column.name()))
                    .append(' ')
                    .append(column.type().sqlType());
            if (column.type().exactType() != null) {
                create.append(", ")
                        .append(SqlNames.quote(column.exactName()))
                        .append(' ')
                        .append(column.type().exactType());
            }
        }
        execute(create.append(')').toString());
        // Each column's position in the row, found once per batch rather than per document.
        List<String> attributes = new ArrayList<>(catalog.columns().keySet());
        try (DuckDBAppender appender = connection.createAppender("temp", "main", "_input")) {
            for (Batch.Change change : upserts) {
                Map<String, AttributeValue> item = change.item();
                appender.beginRow();
                appender.append(change.id());
                appender.append(change.eventTime().atOffset(ZoneOffset.UTC));
                for (int i = 0; i < columns.size(); i++) {
                    Catalog.Column column = columns.get(i);
                    AttributeValue value = item.get(attributes.get(i));
                    append(appender, value, column.type());
                    if (column.type().exactType() != null) {
                        appendExact(appender, value);
                    }
                }
                appender.endRow();
            }
        }
    }

    /** Stages every id the batch touches, upserted or deleted, as {@code _changed}. */
    void stageIds(List<String> ids) throws SQLException {
        execute("CREATE OR REPLACE TEMP TABLE _changed (_id VARCHAR)");
        try (DuckDBAppender appender = connection.createAppender("temp", "main", "_changed")) {
            for (String id : ids) {
                appender.beginRow();
                appender.append(id);
                appender.endRow();
            }
        }
    }

    private static void append(DuckDBAppender out, AttributeValue value, StagedType type) throws SQLException {
        if (value == null || value.type() == AttributeValue.Type.NUL) {
            out.appendNull();
            return;
        }
        switch (type.kind()) {
            case VARCHAR -> out.append(value.s());
            case BOOLEAN -> out.append(value.bool().booleanValue());
            case NUMBER -> appendNumber(out, type.numbers().value(value.n()));
            case BLOB -> out.append(value.b().asByteArrayUnsafe());
            case VARCHAR_LIST -> out.append(value.ss());
            case NUMBER_LIST -> {
                List<Object> numbers = new ArrayList<>(value.ns().size());
                for (String n : value.ns()) {
                    numbers.add(type.numbers().value(n));
                }
                out.append(numbers);
            }
            case BLOB_LIST -> {
                List<byte[]> blobs = new ArrayList<>(value.bs().size());
                for (SdkBytes b : value.bs()) {
                    blobs.add(b.asByteArrayUnsafe());
                }
                out.append(blobs);
            }
            case JSON -> out.append(jsonText(value));
            case NULL -> out.appendNull();
        }
    }

    private static void appendNumber(DuckDBAppender out, Object number) throws SQLException {
        if (number instanceof Long l) {
            out.append(l.longValue());
        } else if (number instanceof Double d) {
            out.append(d.doubleValue());
        } else if (number instanceof java.math.BigInteger big) {
            out.append(big);
        } else {
            out.append((java.math.BigDecimal) number);
        }
    }

    private static void appendExact(DuckDBAppender out, AttributeValue value) throws SQLException {
        if (value == null || value.type() == AttributeValue.Type.NUL) {
            out.appendNull();
        } else if (value.type() == AttributeValue.Type.N) {
            out.append(NumberShape.exactText(value.n()));
        } else {
            List<String> texts = new ArrayList<>(value.ns().size());
            for (String n : value.ns()) {
                texts.add(NumberShape.exactText(n));
            }
            out.append(texts);
        }
    }

    /**
     * A DynamoDB value as JSON text: maps and lists as objects and arrays, numbers with all
     * their digits, binaries in base64, sets as arrays.
     */
    static String jsonText(AttributeValue value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            writeJson(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void writeJson(JsonGenerator out, AttributeValue value) throws IOException {
        switch (value.type()) {
            case S -> out.writeString(value.s());
            case N -> out.writeNumber(value.n());
            case B -> out.writeString(base64(value.b()));
            case BOOL -> out.writeBoolean(value.bool());
            case NUL -> out.writeNull();
            case M -> {
                out.writeStartObject();
                for (Map.Entry<String, AttributeValue> e : new TreeMap<>(value.m()).entrySet()) {
                    out.writeFieldName(e.getKey());
                    writeJson(out, e.getValue());
                }
                out.writeEndObject();
            }
            case L -> {
                out.writeStartArray();
                for (AttributeValue v : value.l()) {
                    writeJson(out, v);
                }
                out.writeEndArray();
            }
            case SS -> {
                out.writeStartArray();
                for (String s : value.ss()) {
                    out.writeString(s);
                }
                out.writeEndArray();
            }
            case NS -> {
                out.writeStartArray();
                for (String n : value.ns()) {
                    out.writeNumber(n);
                }
                out.writeEndArray();
            }
            case BS -> {
                out.writeStartArray();
                for (SdkBytes b : value.bs()) {
                    out.writeString(base64(b));
                }
                out.writeEndArray();
            }
            default -> throw new IllegalArgumentException("unsupported DynamoDB type " + value.type());
        }
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
