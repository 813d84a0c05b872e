package io.dynamosync.front.plan;

import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.Catalog;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.dynamosync.front.catalog.Workspaces;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Views in a statement: each reference to a view ({@code workspace.view}, or a bare name in {@code commons}) that
 * is not a collection is replaced by the view's SQL as a subquery under the view's name (or the reference's own
 * alias), over and over while views name views. What remains names collections only, and runs as any statement
 * does; the positions of an error then point into the expanded text.
 */
public final class ViewExpansion {

    /** How deeply views may name views; deeper is taken for a view that names itself. */
    static final int MAX_DEPTH = 8;

    private ViewExpansion() {}

    /** {@code sql} with its views expanded; the same text when it names none. */
    public static String expand(
            String sql, Function<String, ParsedStatement> parse, Catalog catalog, WorkspaceResources<QueryView> views) {
        String text = sql;
        for (int depth = 0; ; depth++) {
            List<Expansion> found = new ArrayList<>();
            for (TableReference reference : parse.apply(text).tables()) {
                view(reference, catalog, views).ifPresent(v -> found.add(new Expansion(reference, v)));
            }
            if (found.isEmpty()) {
                return text;
            }
            if (depth == MAX_DEPTH) {
                throw ApiError.invalidInput("views nest more than " + MAX_DEPTH + " deep here (does view "
                        + found.get(0).reference().shown() + " name itself?)");
            }
            StringBuilder out = new StringBuilder(text);
            found.sort(Comparator.comparingInt((Expansion e) -> e.reference().start())
                    .reversed());
            for (Expansion expansion : found) {
                TableReference reference = expansion.reference();
                if (reference.start() < 0) {
                    throw new IllegalArgumentException("DuckDB gave no position for " + reference.shown());
                }
                String body = expansion.view().getSpec().getSql().strip();
                while (body.endsWith(";")) {
                    body = body.substring(0, body.length() - 1).strip();
                }
                String subquery = "(" + body + ")"
                        + (reference.alias().isEmpty() ? " AS " + WorkerSql.quoted(reference.table()) : "");
                out.replace(reference.start(), WorkerSql.endOfName(text, reference.start()), subquery);
            }
            text = out.toString();
        }
    }

    /** The view a reference names, when it names no collection. */
    private static Optional<QueryView> view(
            TableReference reference, Catalog catalog, WorkspaceResources<QueryView> views) {
        if (catalog.find(reference.workspace(), reference.table()).isPresent()) {
            return Optional.empty();
        }
        String workspace = reference.bare() ? Workspaces.COMMONS : reference.workspace();
        return views.find(workspace, reference.table())
                .filter(v -> v.getSpec() != null && v.getSpec().getSql() != null);
    }

    private record Expansion(TableReference reference, QueryView view) {}
}
