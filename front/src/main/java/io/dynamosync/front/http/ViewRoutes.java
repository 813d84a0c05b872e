package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.QueryView;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;

/**
 * Views as the hosted service's API serves them: listed and read. They are {@code QueryView} resources, managed with
 * {@code kubectl} or GitOps: the API's writes are refused with {@code FORBIDDEN}, saying so. Queries use them as
 * {@code workspace.view} ({@link io.dynamosync.front.plan.ViewExpansion}).
 */
final class ViewRoutes {

    private final WorkspaceResources<QueryView> views;
    private final Function<String, List<String>> collectionsOf;

    ViewRoutes(WorkspaceResources<QueryView> views, Function<String, List<String>> collectionsOf) {
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

    /** Every write of the API: refused, since GitOps owns the resources. */
    void write(Context ctx) {
        throw new ApiError(
                403,
                ApiError.FORBIDDEN,
                "views here are QueryView resources in the workspace's namespace, managed with kubectl or GitOps "
                        + "(kubectl -n <namespace> apply -f view.yaml); the front does not change them");
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
