package io.dynamosync.worker.query;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns DuckDB's error text into a {@link QueryFailure}: its kind ({@code Parser Error},
 * {@code Binder Error}...) picks the type, and the {@code LINE n:} context with its caret
 * gives the line and column in the user's query.
 */
final class DuckDbErrors {

    /** The JDBC driver wraps errors raised while a result is pending in this sentence. */
    private static final Pattern PENDING_WRAPPER = Pattern.compile(
            "^Invalid Input Error: Attempting to execute an unsuccessful or closed pending query result\\s*Error: ",
            Pattern.DOTALL);

    private static final Pattern KIND = Pattern.compile("^([A-Za-z ]+?) Error: ");
    private static final Pattern CONTEXT = Pattern.compile("\\n\\s*LINE (\\d+): ([^\\n]*)\\n( *)\\^");
    private static final String ELLIPSIS = "...";

    private DuckDbErrors() {}

    /** The failure a DuckDB error message describes; {@code sql} is the text DuckDB ran, which has the user's positions. */
    static QueryFailure of(String duckDbMessage, String sql) {
        String text = PENDING_WRAPPER
                .matcher(duckDbMessage == null ? "" : duckDbMessage)
                .replaceFirst("");
        Integer line = null;
        Integer column = null;
        Matcher context = CONTEXT.matcher(text);
        String message = text;
        if (context.find()) {
            message = text.substring(0, context.start());
            line = Integer.valueOf(context.group(1));
            String prefix = "LINE " + context.group(1) + ": ";
            column = column(sql, line, context.group(2), context.group(3).length() - prefix.length());
        }
        Matcher kind = KIND.matcher(message);
        String type = QueryFailure.QUERY_ERROR;
        if (kind.find()) {
            switch (kind.group(1)) {
                case "Parser" -> type = QueryFailure.PARSE_ERROR;
                // Files, extensions and settings are locked away; say so in the query API's words.
                case "Permission", "Extension Autoloading", "TransactionContext" -> type = QueryFailure.NOT_ALLOWED;
                default -> type = QueryFailure.QUERY_ERROR;
            }
        }
        return new QueryFailure(400, type, message.strip(), line, column);
    }

    /**
     * The caret's column in the query's own line. DuckDB shows long lines cut, with {@code ...}
     * at either end, so the shown piece is looked up in the real line rather than trusted.
     */
    private static Integer column(String sql, int line, String shown, int caret) {
        String[] lines = sql.split("\n", -1);
        if (caret < 0 || line < 1 || line > lines.length) {
            return null;
        }
        String real = lines[line - 1];
        int cut = 0;
        String piece = shown;
        if (piece.startsWith(ELLIPSIS)) {
            cut = ELLIPSIS.length();
            piece = piece.substring(cut);
        }
        if (piece.endsWith(ELLIPSIS)) {
            piece = piece.substring(0, piece.length() - ELLIPSIS.length());
        }
        int at = real.indexOf(piece);
        if (at < 0) {
            return cut == 0 ? caret + 1 : null;
        }
        return at + (caret - cut) + 1;
    }
}
