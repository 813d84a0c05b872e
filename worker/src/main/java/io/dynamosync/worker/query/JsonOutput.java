package io.dynamosync.worker.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosted service's answer: the rows as JSON objects, each stored number with its exact digits, cut at the row
 * limit with a warning saying so.
 */
public final class JsonOutput implements QueryOutput<QueryResponse> {

    /** The one instance; it holds nothing. */
    public static final JsonOutput INSTANCE = new JsonOutput();

    private JsonOutput() {}

    @Override
    public boolean rowLimited() {
        return true;
    }

    @Override
    public boolean exactNumbers() {
        return true;
    }

    @Override
    public QueryResponse write(Result result) throws SQLException {
        Answer answer = new Answer(result.rows().getMetaData(), result.plan().hidden());
        List<ObjectNode> rows = new ArrayList<>();
        boolean truncated = false;
        while (result.rows().next()) {
            if (rows.size() == result.limit()) {
                truncated = true;
                break;
            }
            rows.add(answer.row(result.rows()));
        }
        List<String> warnings = new ArrayList<>();
        if (truncated) {
            warnings.add("the results were cut at " + result.limit()
                    + " rows, the row limit; add a LIMIT or narrow the query to see the rest");
        }
        warnings.addAll(answer.approximations(result.plan().computedWith()));
        result.declared().values().stream()
                .filter(QueryParameter::approximate)
                .forEach(
                        p -> warnings.add(
                                "approximate: parameter :" + p.name()
                                        + " has more digits or a wider exponent than DECIMAL(38) holds, so it binds as the nearest DOUBLE"));
        return new QueryResponse(
                result.queryId(),
                result.collections(),
                rows,
                answer.fields(),
                rows.size(),
                new QueryResponse.Stats(
                        Duration.ofNanos(System.nanoTime() - result.start()).toMillis()),
                warnings.isEmpty() ? null : warnings,
                "COMPLETED");
    }
}
