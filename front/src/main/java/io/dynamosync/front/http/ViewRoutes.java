package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.api.v1alpha1.QueryViewSpec;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.ResourceWrites;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;

/**
 * Views as the hosted service's API serves them: listed and read. They are {@code QueryView} resources, managed with
 * {@code kubectl} or GitOps; where the front allows writes, keys with role {@code manage} also create, change and
 * delete them through the API, which writes the resources; otherwise the API's writes are refused with
 * {@code FORBIDDEN}, saying so. Queries use them as
 * {@code workspace.view} ({@link io.dynamosync.front.plan.ViewExpansion}).
 */
final class ViewRoutes {

    private final WorkspaceResources<QueryView> views;
    private final Function<String, List<String>> collectionsOf;

    private static final String READ_ONLY = "views here are QueryView resources in the workspace's namespace, managed"
            + " with kubectl or GitOps (kubectl -n <namespace> apply -f view.yaml)";

    private final java.util.function.Consumer<String> checkSql;

    /** @param checkSql throws the query's error when SQL to save cannot run (a parse error, an unknown collection) */
    ViewRoutes(
            WorkspaceResources<QueryView> views,
            Function<String, List<String>> collectionsOf,
            java.util.function.Consumer<String> checkSql) {
        this.checkSql = checkSql;
        this.views = views;
        this.collectionsOf = collectionsOf;
    }

    /** {@code GET /views} and {@code GET /ws/{ws}/views}. */
    Listing<QueryView> listing() {
        return new Listing<>(views, v -> v.getSpec() != null, this::viewJson);
    }

    void get(Context ctx) throws Exception {
        String workspace = ctx.pathParam("ws");
        String name = ctx.pathParam("view");
        FrontServer.mayRead(FrontServer.caller(ctx), workspace);
        QueryView view = views.find(workspace, name)
                .filter(v -> v.getSpec() != null)
                .orElseThrow(() -> ApiError.notFound("view " + workspace + "." + name + " does not exist; "
                        + "GET /v1/orgs/self/ws/" + workspace + "/views lists them"));
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", viewJson(view));
        FrontServer.json(ctx, answer);
    }

    /** {@code POST /ws/{ws}/views}: a new view. */
    void create(Context ctx) {
        ResourceWrites<QueryView> writes = Manage.writes(ctx, views, READ_ONLY);
        JsonNode body = Manage.body(ctx);
        String name = Manage.name(body, "the view's");
        QueryViewSpec spec = new QueryViewSpec();
        spec.setSql(query(body));
        spec.setDescription(body.path("description").asText(null));
        QueryView view = new QueryView();
        view.setMetadata(new ObjectMetaBuilder().withName(name).build());
        view.setSpec(spec);
        Manage.data(ctx, viewJson(writes.create(ctx.pathParam("ws"), view)));
    }

    /** {@code POST /ws/{ws}/views/{view}}: the view's new SQL (and description). */
    void update(Context ctx) {
        ResourceWrites<QueryView> writes = Manage.writes(ctx, views, READ_ONLY);
        JsonNode body = Manage.body(ctx);
        String sql = query(body);
        QueryView edited = writes.edit(ctx.pathParam("ws"), ctx.pathParam("view"), view -> {
            if (view.getSpec() == null) {
                view.setSpec(new QueryViewSpec());
            }
            view.getSpec().setSql(sql);
            if (body.hasNonNull("description")) {
                view.getSpec().setDescription(body.get("description").asText());
            }
            return view;
        });
        Manage.data(ctx, viewJson(edited));
    }

    /** {@code DELETE /ws/{ws}/views/{view}}: the view goes; answers it as it was. */
    void delete(Context ctx) {
        ResourceWrites<QueryView> writes = Manage.writes(ctx, views, READ_ONLY);
        QueryView deleted = writes.delete(ctx.pathParam("ws"), ctx.pathParam("view"));
        Manage.data(ctx, deleted.getSpec() == null ? FrontServer.JSON.createObjectNode() : viewJson(deleted));
    }

    private String query(JsonNode body) {
        String sql = Manage.text(body, "query", "{\"name\": \"paid\", \"query\": \"SELECT ...\"}");
        checkSql.accept(sql);
        return sql;
    }

    private ObjectNode viewJson(QueryView view) {
        ObjectNode v = FrontServer.JSON.createObjectNode();
        String workspace = views.workspace(view);
        v.put("workspace", workspace);
        v.put("name", view.getMetadata().getName());
        v.put("path", workspace + "." + view.getMetadata().getName());
        v.put(
                "description",
                view.getSpec().getDescription() == null ? "" : view.getSpec().getDescription());
        v.put("query_sql", view.getSpec().getSql());
        v.put("state", "CREATED");
        v.put("created_at", view.getMetadata().getCreationTimestamp());
        ArrayNode entities = v.putArray("entities");
        collectionsOf.apply(view.getSpec().getSql()).forEach(entities::add);
        return v;
    }
}
