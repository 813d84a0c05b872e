package io.dynamosync.worker.query;

import java.util.List;

/**
 * The collection's table as queries see it: each column with its DuckDB type and the DynamoDB
 * attribute it holds (null for {@code _id}, {@code _event_time} and transformation outputs).
 */
public record CollectionSchema(String collection, List<Column> columns) {

    /** One column of the collection's table. */
    public record Column(String name, String type, String attribute) {}
}
