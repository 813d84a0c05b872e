package io.dynamosync.worker.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The type of one attribute across a batch, as DynamoDB types map onto SQL: S to VARCHAR, N to
 * an exact number type (see {@link NumberShape}), B to BLOB, BOOL to BOOLEAN, M and L to JSON,
 * SS to VARCHAR[], NS to a number list, BS to BLOB[]. NULL carries no type. Two different types
 * in one attribute join to JSON, which holds any value without loss.
 */
record StagedType(Kind kind, NumberShape numbers) {

    enum Kind {
        NULL,
        BOOLEAN,
        NUMBER,
        VARCHAR,
        BLOB,
        JSON,
        VARCHAR_LIST,
        NUMBER_LIST,
        BLOB_LIST
    }

    static final StagedType NULL = new StagedType(Kind.NULL, NumberShape.NONE);
    // The types that carry no number shape, made once: the writer learns a type from every value it writes.
    private static final StagedType VARCHAR = new StagedType(Kind.VARCHAR, NumberShape.NONE);
    private static final StagedType BLOB = new StagedType(Kind.BLOB, NumberShape.NONE);
    private static final StagedType BOOLEAN = new StagedType(Kind.BOOLEAN, NumberShape.NONE);
    private static final StagedType JSON = new StagedType(Kind.JSON, NumberShape.NONE);
    private static final StagedType VARCHAR_LIST = new StagedType(Kind.VARCHAR_LIST, NumberShape.NONE);
    private static final StagedType BLOB_LIST = new StagedType(Kind.BLOB_LIST, NumberShape.NONE);

    static StagedType of(AttributeValue value) {
        return switch (value.type()) {
            case S -> VARCHAR;
            case N -> new StagedType(Kind.NUMBER, NumberShape.of(value.n()));
            case B -> BLOB;
            case BOOL -> BOOLEAN;
            case NUL -> NULL;
            case M, L -> JSON;
            case SS -> VARCHAR_LIST;
            case NS -> {
                NumberShape shape = NumberShape.NONE;
                for (String n : value.ns()) {
                    shape = shape.join(NumberShape.of(n));
                }
                yield new StagedType(Kind.NUMBER_LIST, shape);
            }
            case BS -> BLOB_LIST;
            default -> throw new IllegalArgumentException("unsupported DynamoDB type " + value.type());
        };
    }

    StagedType join(StagedType other) {
        if (kind == Kind.NULL) {
            return other;
        }
        if (other.kind == Kind.NULL) {
            return this;
        }
        if (kind != other.kind) {
            return JSON;
        }
        NumberShape joined = numbers.join(other.numbers);
        return joined.equals(numbers) ? this : new StagedType(kind, joined);
    }

    /** The SQL type of the column in {@code _input}. */
    String sqlType() {
        return switch (kind) {
            case NULL, VARCHAR -> "VARCHAR";
            case BOOLEAN -> "BOOLEAN";
            case NUMBER -> numbers.sqlType();
            case BLOB -> "BLOB";
            case JSON -> "JSON";
            case VARCHAR_LIST -> "VARCHAR[]";
            case NUMBER_LIST -> numbers.sqlType() + "[]";
            case BLOB_LIST -> "BLOB[]";
        };
    }

    /** The SQL type of the column's exact companion, or null when the column's own type is exact. */
    String exactType() {
        if (numbers.exact()) {
            return null;
        }
        return switch (kind) {
            case NUMBER -> "VARCHAR";
            case NUMBER_LIST -> "VARCHAR[]";
            default -> null;
        };
    }
}
