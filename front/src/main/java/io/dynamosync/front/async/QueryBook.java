package io.dynamosync.front.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamosync.front.api.ApiError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries the front keeps: asynchronous ones (run in the background, polled by id, their results read in pages)
 * and synchronous ones asked to paginate. A query's results stay for {@link Limits#keepFor()} after it ends, and all
 * kept results together take at most {@link Limits#maxBytes()}: the oldest ended queries go first, and a single
 * result larger than that fails its query with {@code RESOURCEEXCEEDED} rather than push every other out.
 */
public final class QueryBook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryBook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The documents a page holds when the request names no {@code docs}. */
    public static final int DEFAULT_PAGE_DOCS = 100;
    /** The most documents one page may hold. */
    public static final int MAX_PAGE_DOCS = 10_000;

    /**
     * How much the book keeps.
     *
     * @param keepFor how long a query's results stay after it ends
     * @param maxBytes the most bytes of results kept for all queries together
     * @param concurrent how many kept queries run at once; later ones wait, {@code QUEUED}
     */
    public record Limits(Duration keepFor, long maxBytes, int concurrent) {}

    /** A query's state, as the hosted service names them. */
    public enum Status {
        QUEUED,
        RUNNING,
        COMPLETED,
        ERROR,
        CANCELLED
    }

    /** One kept query. Its fields change on the worker thread and are read by requests. */
    public static final class Kept {
        private final String id;
        private final String sql;
        private final String owner;
        private final Instant submittedAt;
        private volatile Status status = Status.QUEUED;
        private volatile Instant startedAt;
        private volatile Instant endedAt;
        private volatile ObjectNode answer;
        private volatile ApiError error;
        private volatile long bytes;
        private volatile Future<?> task;
        /** What else cancelling stops: the statement sent to a worker. */
        private volatile Runnable onCancel;

        private Kept(String id, String sql, String owner, Instant submittedAt) {
            this.id = id;
            this.sql = sql;
            this.owner = owner;
            this.submittedAt = submittedAt;
        }

        public String id() {
            return id;
        }

        public Status status() {
            return status;
        }

        /** The whole answer once {@link Status#COMPLETED}; null before. */
        public ObjectNode answer() {
            return answer;
        }

        /** Why the query failed, once {@link Status#ERROR}. */
        public ApiError error() {
            return error;
        }

        private boolean ended() {
            return endedAt != null;
        }
    }

    private final Limits limits;
    private final Clock clock;
    private final ExecutorService runners;
    private final ScheduledExecutorService timers;
    /** In submission order, so that the oldest go first. Guarded by itself. */
    private final Map<String, Kept> kept = new LinkedHashMap<>();

    public QueryBook(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.runners = Executors.newFixedThreadPool(limits.concurrent(), r -> daemon(r, "kept-query"));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kept-query-timer"));
        timers.scheduleWithFixedDelay(this::forgetExpired, 1, 1, TimeUnit.MINUTES);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs {@code work} in the background as query {@code id} of the API key named {@code owner}, failing it with {@code QUERY_TIMEOUT} once it has run
     * for {@code timeout} (null for no limit but the work's own); {@code onCancel} (may be null) runs when it is
     * cancelled or times out while running, to stop what the work started elsewhere.
     */
    public Kept submit(
            String id, String sql, String owner, Duration timeout, Runnable onCancel, Callable<ObjectNode> work) {
        Kept query = new Kept(id, sql, owner, clock.instant());
        query.onCancel = onCancel;
        synchronized (kept) {
            kept.put(id, query);
        }
        query.task = runners.submit(() -> run(query, work, timeout));
        return query;
    }

    /** Keeps the answer of a query that already ran (a synchronous one asked to paginate). */
    public Kept completed(String id, String sql, String owner, ObjectNode answer) {
        Kept query = new Kept(id, sql, owner, clock.instant());
        query.startedAt = query.submittedAt;
        synchronized (kept) {
            kept.put(id, query);
        }
        complete(query, answer);
        return query;
    }

    private void run(Kept query, Callable<ObjectNode> work, Duration timeout) {
        if (query.ended()) {
            return; // cancelled while queued
        }
        query.startedAt = clock.instant();
        query.status = Status.RUNNING;
        Future<?> timer = timeout == null
                ? null
                : timers.schedule(
                        () -> timedOut(query, timeout), Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        try {
            ObjectNode answer = work.call();
            complete(query, answer);
        } catch (ApiError e) {
            fail(query, e);
        } catch (CancellationException | InterruptedException e) {
            // cancelled or timed out: already ended
        } catch (Exception e) {
            LOG.error("kept query {} failed unexpectedly", query.id, e);
            fail(query, new ApiError(500, ApiError.INTERNAL, "the query failed: " + e));
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private void complete(Kept query, ObjectNode answer) {
        long bytes;
        try {
            bytes = JSON.writeValueAsBytes(answer.path("results")).length;
        } catch (JsonProcessingException e) {
            fail(query, new ApiError(500, ApiError.INTERNAL, "cannot keep the results: " + e.getMessage()));
            return;
        }
        if (bytes > limits.maxBytes()) {
            fail(
                    query,
                    new ApiError(
                            400,
                            ApiError.RESOURCE_EXCEEDED,
                            "the results take " + bytes + " bytes, more than the " + limits.maxBytes()
                                    + " the front keeps for all queries; select fewer rows or columns"));
            return;
        }
        synchronized (query) {
            if (query.ended()) {
                return;
            }
            answer.put("query_id", query.id);
            query.answer = answer;
            query.bytes = bytes;
            query.endedAt = clock.instant();
            query.status = Status.COMPLETED;
        }
        makeRoom();
    }

    private void fail(Kept query, ApiError error) {
        synchronized (query) {
            if (query.ended()) {
                return;
            }
            query.error = error;
            query.endedAt = clock.instant();
            query.status = Status.ERROR;
        }
    }

    private void timedOut(Kept query, Duration timeout) {
        fail(
                query,
                new ApiError(
                        408,
                        ApiError.QUERY_TIMEOUT,
                        "the query ran longer than its async_options.timeout_ms, " + timeout.toMillis() + " ms"));
        stop(query);
    }

    /** Waits up to {@code wait} for the query to end; returns at once when it has. */
    public void awaitEnd(Kept query, Duration wait) {
        Future<?> task = query.task;
        if (task == null || wait.isZero() || wait.isNegative()) {
            return;
        }
        try {
            task.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | CancellationException | ExecutionException e) {
            // still running, or ended some other way: the status says which
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The query {@code id}, while kept. */
    public Optional<Kept> find(String id) {
        forgetExpired();
        synchronized (kept) {
            return Optional.ofNullable(kept.get(id));
        }
    }

    /** The query {@code id}, or {@code NOTFOUND}; another key's queries are not found either. */
    public Kept get(String id, String owner) {
        return find(id).filter(q -> q.owner.equals(owner))
                .orElseThrow(() -> ApiError.notFound("query " + id + " is not known: it never ran here, or its "
                        + "results were kept for " + limits.keepFor().toMinutes()
                        + " minutes and are gone; queries of one front are not known to another"));
    }

    /** How many queries are kept, ended or not. */
    public int kept() {
        synchronized (kept) {
            return kept.size();
        }
    }

    /** The bytes the kept results take. */
    public long keptBytes() {
        synchronized (kept) {
            return kept.values().stream().mapToLong(q -> q.bytes).sum();
        }
    }

    /** The queries of the key named {@code owner} queued or running. */
    public List<Kept> active(String owner) {
        synchronized (kept) {
            return kept.values().stream()
                    .filter(q -> !q.ended() && q.owner.equals(owner))
                    .toList();
        }
    }

    /** Cancels the query if it has not ended: it stops waiting and its results are not kept. */
    public Kept cancel(String id, String owner) {
        Kept query = get(id, owner);
        boolean stopped = false;
        synchronized (query) {
            if (!query.ended()) {
                query.endedAt = clock.instant();
                query.status = Status.CANCELLED;
                stopped = true;
            }
        }
        if (stopped) {
            stop(query);
        }
        return query;
    }

    /** Stops a query's work here and, through {@code onCancel}, where it was sent. */
    private void stop(Kept query) {
        Future<?> task = query.task;
        if (task != null) {
            task.cancel(true);
        }
        Runnable onCancel = query.onCancel;
        if (onCancel != null) {
            try {
                onCancel.run();
            } catch (RuntimeException e) {
                LOG.warn("query {}: stopping it where it runs failed: {}", query.id, e.getMessage());
            }
        }
    }

    /** The hosted service's {@code QueryInfo} of a kept query. */
    public ObjectNode info(Kept query) {
        ObjectNode info = JSON.createObjectNode();
        info.put("query_id", query.id);
        info.put("status", query.status.name());
        info.put("sql", query.sql);
        info.put("submitted_at", query.submittedAt.toString());
        if (query.endedAt != null) {
            info.put("expires_at", query.endedAt.plus(limits.keepFor()).toString());
        }
        ObjectNode stats = info.putObject("stats");
        Instant started = query.startedAt;
        if (started != null) {
            Instant until = query.endedAt == null ? clock.instant() : query.endedAt;
            stats.put("elapsed_time_ms", Duration.between(started, until).toMillis());
        }
        ObjectNode answer = query.answer;
        if (answer != null) {
            stats.put("result_set_document_count", answer.path("results").size());
            stats.put("result_set_bytes_size", query.bytes);
            info.putObject("pagination").put("start_cursor", cursor(0));
        }
        ApiError error = query.error;
        if (error != null) {
            info.putArray("query_errors").add(errorJson(error));
        }
        return info;
    }

    private static ObjectNode errorJson(ApiError error) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", error.type());
        e.put("message", error.getMessage());
        e.put("status_code", error.status());
        return e;
    }

    /**
     * One page of a completed query's results: {@code docs} documents from {@code offset} past {@code cursor} (the
     * first page when null), with the cursor of the next page while there is one.
     */
    public ObjectNode page(Kept query, String cursor, Integer docs, Integer offset) {
        ObjectNode answer = resultsOf(query);
        int size = docs == null ? DEFAULT_PAGE_DOCS : docs;
        if (size < 1 || size > MAX_PAGE_DOCS) {
            throw ApiError.invalidInput("docs must be 1 to " + MAX_PAGE_DOCS + ", was " + size);
        }
        if (offset != null && offset < 0) {
            throw ApiError.invalidInput("offset must be 0 or more, was " + offset);
        }
        int from = (cursor == null || cursor.isEmpty() ? 0 : position(cursor)) + (offset == null ? 0 : offset);
        return slice(answer, from, size, JSON.createObjectNode());
    }

    /**
     * The answer to return when a query's first results are asked for at once: all of them, or the first
     * {@code first} with the cursor of the rest.
     */
    public ObjectNode firstResults(Kept query, Integer first) {
        ObjectNode answer = resultsOf(query).deepCopy();
        if (first == null) {
            return answer;
        }
        return slice(answer, 0, first, answer);
    }

    private ObjectNode resultsOf(Kept query) {
        switch (query.status) {
            case COMPLETED:
                return query.answer;
            case ERROR:
                throw query.error;
            case CANCELLED:
                throw ApiError.invalidInput("query " + query.id + " was cancelled: it has no results");
            default:
                throw ApiError.invalidInput("query " + query.id + " is " + query.status
                        + ": its results come once GET /v1/orgs/self/queries/" + query.id + " says COMPLETED");
        }
    }

    private static ObjectNode slice(ObjectNode answer, int from, int size, ObjectNode into) {
        JsonNode results = answer.path("results");
        int total = results.size();
        ArrayNode page = JSON.createArrayNode();
        for (int i = from; i < Math.min(total, from + size); i++) {
            page.add(results.get(i));
        }
        into.set("results", page);
        into.put("results_total_doc_count", total);
        ObjectNode pagination = into.putObject("pagination");
        pagination.put("current_page_doc_count", page.size());
        pagination.put("start_cursor", cursor(from));
        if (from + page.size() < total) {
            pagination.put("next_cursor", cursor(from + page.size()));
            pagination.put("next_cursor_offset", from + page.size());
        } else {
            pagination.putNull("next_cursor");
        }
        return into;
    }

    /** A page's cursor: opaque to clients, the position of its first document here. */
    static String cursor(int position) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("p" + position).getBytes(StandardCharsets.US_ASCII));
    }

    static int position(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (text.startsWith("p")) {
                int position = Integer.parseInt(text.substring(1));
                if (position >= 0) {
                    return position;
                }
            }
        } catch (IllegalArgumentException e) {
            // not one of ours: said below
        }
        throw ApiError.invalidInput("cursor " + cursor + " is not one this query's pagination gave");
    }

    /** Forgets ended queries past their time, then the oldest ended ones while the results take too much. */
    private void makeRoom() {
        forgetExpired();
        synchronized (kept) {
            long total = kept.values().stream().mapToLong(q -> q.bytes).sum();
            List<String> gone = new ArrayList<>();
            for (Kept query : kept.values()) {
                if (total <= limits.maxBytes()) {
                    break;
                }
                if (query.ended()) {
                    total -= query.bytes;
                    gone.add(query.id);
                }
            }
            gone.forEach(kept::remove);
        }
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        synchronized (kept) {
            kept.values()
                    .removeIf(q -> q.endedAt != null
                            && q.endedAt.plus(limits.keepFor()).isBefore(now));
        }
    }

    @Override
    public void close() {
        runners.shutdownNow();
        timers.shutdownNow();
    }
}
