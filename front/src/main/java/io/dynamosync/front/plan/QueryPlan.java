package io.dynamosync.front.plan;

import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which collections a statement reads, and so where it runs: nowhere but the front when it reads none, on the
 * collection's worker when it reads one, in the front's own DuckDB over columns pulled from each worker when it
 * reads several.
 *
 * @param statement the statement as DuckDB parsed it
 * @param collections each collection read, with the references to it, in the order of the text
 */
public record QueryPlan(ParsedStatement statement, List<Target> collections) {

    /**
     * One collection the statement reads.
     *
     * @param name its qualified name, {@code workspace.collection}
     * @param resource its {@code DynamoCollection}
     * @param references where the statement names it
     */
    public record Target(String name, DynamoCollection resource, List<TableReference> references) {

        /** The workspace part of {@link #name}. */
        public String workspace() {
            return name.substring(0, name.indexOf('.'));
        }

        /** The collection's own name, which is also its worker's table name. */
        public String collection() {
            return resource.getMetadata().getName();
        }
    }

    /** Resolves each table the statement reads to a collection; an unknown one fails with {@code NOTFOUND}. */
    public static QueryPlan of(ParsedStatement statement, Catalog catalog) {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (TableReference reference : statement.tables()) {
            DynamoCollection resource = catalog.find(reference.workspace(), reference.table())
                    .orElseThrow(() -> ApiError.notFound("collection "
                            + (reference.bare() ? "commons." + reference.table() : reference.shown())
                            + " does not exist; GET /v1/orgs/self/collections lists them"));
            String name = catalog.qualifiedName(resource);
            targets.computeIfAbsent(name, n -> new Target(n, resource, new ArrayList<>()))
                    .references()
                    .add(reference);
        }
        return new QueryPlan(statement, List.copyOf(targets.values()));
    }

    /** The qualified names of the collections read. */
    public List<String> names() {
        return collections.stream().map(Target::name).toList();
    }
}
