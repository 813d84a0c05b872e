package io.dynamosync.front.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.front.catalog.WorkspaceResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hosted service's list answers of resources in workspaces ({@code {"data": [...]}}): every one, or those of the
 * request's {@code {ws}}, showing only what the request's key may read.
 */
final class Listing<T extends HasMetadata> {

    private final WorkspaceResources<T> resources;
    private final Predicate<T> shown;
    private final Function<T, ObjectNode> json;

    Listing(WorkspaceResources<T> resources, Predicate<T> shown, Function<T, ObjectNode> json) {
        this.resources = resources;
        this.shown = shown;
        this.json = json;
    }

    /** {@code GET /...}: every one the key may read. */
    void all(Context ctx) throws Exception {
        answer(ctx, resources.all());
    }

    /** {@code GET /ws/{ws}/...}: those of the workspace, which the key must be allowed. */
    void inWorkspace(Context ctx) throws Exception {
        String workspace = ctx.pathParam("ws");
        FrontServer.mayRead(FrontServer.caller(ctx), workspace);
        answer(ctx, resources.in(workspace));
    }

    private void answer(Context ctx, List<T> found) throws Exception {
        FrontKey caller = FrontServer.caller(ctx);
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        for (T resource : found) {
            if (caller.allows(resources.workspace(resource)) && shown.test(resource)) {
                data.add(json.apply(resource));
            }
        }
        FrontServer.json(ctx, answer);
    }
}
