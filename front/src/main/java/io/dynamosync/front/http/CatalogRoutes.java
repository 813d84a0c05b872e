package io.dynamosync.front.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.catalog.Catalog;
import io.javalin.http.Context;

/**
 * Collections and workspaces as the hosted service's API lists them, in its shapes ({@link CollectionShapes}): only
 * those the request's key may read.
 */
final class CatalogRoutes {

    private final Catalog catalog;

    CatalogRoutes(Catalog catalog) {
        this.catalog = catalog;
    }

    void collections(Context ctx, String workspace) throws JsonProcessingException {
        if (workspace != null && !catalog.hasWorkspace(workspace)) {
            throw ApiError.notFound("workspace " + workspace + " does not exist; GET /v1/orgs/self/ws lists them");
        }
        FrontKey caller = FrontServer.caller(ctx);
        if (workspace != null) {
            FrontServer.mayRead(caller, workspace);
        }
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        for (DynamoCollection c : workspace == null ? catalog.all() : catalog.in(workspace)) {
            // Listing every collection lists those the key may read.
            if (caller.allows(catalog.workspace(c))) {
                data.add(CollectionShapes.collection(c, catalog.workspace(c)));
            }
        }
        FrontServer.json(ctx, answer);
    }

    void collection(Context ctx) throws JsonProcessingException {
        String workspace = ctx.pathParam("ws");
        String name = ctx.pathParam("collection");
        FrontServer.mayRead(FrontServer.caller(ctx), workspace);
        DynamoCollection c = catalog.find(workspace, name)
                .orElseThrow(() -> ApiError.notFound("collection " + workspace + "." + name
                        + " does not exist; GET /v1/orgs/self/ws/" + workspace + "/collections lists them"));
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", CollectionShapes.collection(c, catalog.workspace(c)));
        FrontServer.json(ctx, answer);
    }

    void workspaces(Context ctx) throws JsonProcessingException {
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        for (String name : catalog.workspaceNames()) {
            if (FrontServer.caller(ctx).allows(name)) {
                data.add(CollectionShapes.workspace(name, catalog.in(name).size()));
            }
        }
        FrontServer.json(ctx, answer);
    }

    void workspace(Context ctx) throws JsonProcessingException {
        String name = ctx.pathParam("ws");
        if (!catalog.hasWorkspace(name)) {
            throw ApiError.notFound("workspace " + name + " does not exist; GET /v1/orgs/self/ws lists them");
        }
        FrontServer.mayRead(FrontServer.caller(ctx), name);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set("data", CollectionShapes.workspace(name, catalog.in(name).size()));
        FrontServer.json(ctx, answer);
    }
}
