package io.dynamosync.front.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.front.api.ApiError;
import io.dynamosync.front.async.QueryBook;
import io.javalin.http.Context;

/**
 * The queries the front keeps, as the hosted service's API serves them: those of the request's key that are queued
 * or running, one's information, its cancellation, and pages of its results.
 */
final class KeptQueryRoutes {

    private final QueryBook book;

    KeptQueryRoutes(QueryBook book) {
        this.book = book;
    }

    /** {@code GET /queries}. */
    void active(Context ctx) throws JsonProcessingException {
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        book.active(FrontServer.caller(ctx).name()).forEach(q -> data.add(book.info(q)));
        FrontServer.json(ctx, answer);
    }

    /** {@code GET /queries/{id}/pages}. */
    void page(Context ctx) throws JsonProcessingException {
        QueryBook.Kept kept =
                book.get(ctx.pathParam("id"), FrontServer.caller(ctx).name());
        FrontServer.json(
                ctx, book.page(kept, ctx.queryParam("cursor"), intParam(ctx, "docs"), intParam(ctx, "offset")));
    }

    /** {@code GET /queries/{id}}. */
    void info(Context ctx) throws JsonProcessingException {
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set(
                "data",
                book.info(book.get(ctx.pathParam("id"), FrontServer.caller(ctx).name())));
        FrontServer.json(ctx, answer);
    }

    /** {@code DELETE /queries/{id}}. */
    void cancel(Context ctx) throws JsonProcessingException {
        ObjectNode answer = FrontServer.JSON.createObjectNode();
        answer.set(
                "data",
                book.info(
                        book.cancel(ctx.pathParam("id"), FrontServer.caller(ctx).name())));
        FrontServer.json(ctx, answer);
    }

    private static Integer intParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalidInput(name + " must be a whole number, was '" + value + "'");
        }
    }
}
