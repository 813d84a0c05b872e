package io.dynamosync.worker.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A query's text as DuckDB's lexer sees it: which characters are code, and which are inside
 * string literals, quoted identifiers or comments. Enough to find {@code :name} parameters,
 * the leading keyword, a second statement and the words a text mentions without ever touching
 * what the user quoted. The one lexer for queries and ingest transformations alike.
 */
public final class SqlText {

    /** A parameter reference found in code: {@code :name} at {@code start}, {@code length} characters long. */
    public record Reference(String name, int start, int length) {}

    private final String sql;
    /** For each character: true when it is code (not in a literal, quoted identifier or comment). */
    private final boolean[] code;
    /** Start and end (exclusive, quotes included) of each quoted identifier. */
    private final List<int[]> quotedIdentifiers = new ArrayList<>();

    public SqlText(String sql) {
        this.sql = sql;
        this.code = new boolean[sql.length()];
        classify();
    }

    private void classify() {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                // E'...' strings take backslash escapes; plain ones only double the quote.
                boolean escapes = i > 0
                        && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isWord(sql.charAt(i - 2)));
                i = skipQuoted(i, '\'', escapes);
            } else if (c == '"') {
                int end = skipQuoted(i, '"', false);
                quotedIdentifiers.add(new int[] {i, end});
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(i);
            } else if (c == '$' && dollarTag(i) != null) {
                String tag = dollarTag(i);
                int end = sql.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
            } else {
                code[i] = true;
                i++;
            }
        }
    }

    private int skipQuoted(int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** Block comments nest, as in PostgreSQL, whose grammar DuckDB's parser shares. */
    private int skipBlockComment(int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** {@code $$} or {@code $tag$} opening a dollar-quoted string at {@code i}; null when {@code $} is something else ({@code $1}, {@code $name}). */
    private String dollarTag(int i) {
        if (i > 0 && isWord(sql.charAt(i - 1))) {
            return null;
        }
        int j = i + 1;
        while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
    }

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Every {@code :name} in code, casts ({@code ::}) excluded. */
    public List<Reference> references() {
        List<Reference> found = new ArrayList<>();
        for (int i = 0; i < sql.length(); i++) {
            if (!code[i] || sql.charAt(i) != ':') {
                continue;
            }
            if ((i > 0 && sql.charAt(i - 1) == ':') || (i + 1 < sql.length() && sql.charAt(i + 1) == ':')) {
                continue;
            }
            int j = i + 1;
            if (j >= sql.length() || !(Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
                continue;
            }
            while (j < sql.length() && code[j] && isWord(sql.charAt(j))) {
                j++;
            }
            found.add(new Reference(sql.substring(i + 1, j), i, j - i));
        }
        return found;
    }

    /**
     * The text with each declared {@code :name} replaced by {@code ?} padded with spaces to the
     * same length, so every position DuckDB reports in an error is a position in the user's text.
     *
     * @return the rewritten text and the parameter names in the order of their {@code ?}
     */
    public Rewritten bind(Set<String> declared) {
        StringBuilder out = new StringBuilder(sql);
        List<String> order = new ArrayList<>();
        for (Reference reference : references()) {
            if (declared.contains(reference.name())) {
                out.replace(
                        reference.start(),
                        reference.start() + reference.length(),
                        "?" + " ".repeat(reference.length() - 1));
                order.add(reference.name());
            }
        }
        return new Rewritten(out.toString(), order);
    }

    /** A query with {@code ?} in place of its parameters, and which parameter each {@code ?} is. */
    public record Rewritten(String sql, List<String> order) {}

    /** Names used as {@code :name} but not declared: a likely reason for a syntax error. */
    public Set<String> undeclared(Map<String, ?> declared) {
        Set<String> names = new TreeSet<>();
        for (Reference reference : references()) {
            if (!declared.containsKey(reference.name())) {
                names.add(reference.name());
            }
        }
        return names;
    }

    /** The first word of code, upper-case ({@code SELECT}, {@code INSERT}...); empty when there is none. */
    public String firstKeyword() {
        int i = 0;
        while (i < sql.length() && (!code[i] || Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        int j = i;
        while (j < sql.length() && code[j] && isWord(sql.charAt(j))) {
            j++;
        }
        return sql.substring(i, j).toUpperCase(Locale.ROOT);
    }

    /** Where the text after the first keyword starts (for {@code EXPLAIN <query>}). */
    public int afterFirstKeyword() {
        String keyword = firstKeyword();
        int i = 0;
        while (i < sql.length() && (!code[i] || Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        return keyword.isEmpty() ? i : i + keyword.length();
    }

    /** The offset of a {@code ;} followed by more code (a second statement); -1 when there is none. */
    public int secondStatement() {
        for (int i = 0; i < sql.length(); i++) {
            if (code[i] && sql.charAt(i) == ';') {
                for (int j = i + 1; j < sql.length(); j++) {
                    if (code[j] && !Character.isWhitespace(sql.charAt(j)) && sql.charAt(j) != ';') {
                        return i;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    /**
     * The text with the hosted service's {@code * EXCEPT (a, b)} (and {@code t.* EXCEPT (...)})
     * spelt as DuckDB's {@code * EXCLUDE (a, b)}; a set operation's {@code EXCEPT} never follows
     * a {@code *}, and quoted text is left alone.
     */
    public String exceptAsExclude() {
        StringBuilder out = new StringBuilder(sql.length() + 4);
        int copied = 0;
        for (int i = 0; i < sql.length(); i++) {
            if (!code[i] || sql.charAt(i) != '*') {
                continue;
            }
            int word = skipBlank(i + 1);
            int end = word + "EXCEPT".length();
            if (end <= sql.length()
                    && code[word]
                    && code[end - 1]
                    && sql.regionMatches(true, word, "EXCEPT", 0, 6)
                    && (end == sql.length() || !isWord(sql.charAt(end)))) {
                int open = skipBlank(end);
                if (open < sql.length() && code[open] && sql.charAt(open) == '(') {
                    out.append(sql, copied, word).append("EXCLUDE");
                    copied = end;
                }
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /**
     * Whether {@code identifier} appears, ignoring case, as a word of code or as a quoted identifier
     * ({@code "_item_id"}); never inside a string literal or a comment.
     */
    public boolean mentions(String identifier) {
        for (int[] span : quotedIdentifiers) {
            if (sql.substring(span[0], span[1]).replace("\"", "").equalsIgnoreCase(identifier)) {
                return true;
            }
        }
        int i = 0;
        while (i < sql.length()) {
            if (!code[i] || !isWord(sql.charAt(i))) {
                i++;
                continue;
            }
            int j = i;
            while (j < sql.length() && code[j] && isWord(sql.charAt(j))) {
                j++;
            }
            if (sql.substring(i, j).equalsIgnoreCase(identifier)) {
                return true;
            }
            i = j;
        }
        return false;
    }

    /** The first offset from {@code from} that is code and not white space. */
    private int skipBlank(int from) {
        int i = from;
        while (i < sql.length() && (!code[i] || Character.isWhitespace(sql.charAt(i)))) {
            i++;
        }
        return i;
    }

    /** Line and column (both from 1) of an offset into the text. */
    public static int[] lineAndColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }
}
