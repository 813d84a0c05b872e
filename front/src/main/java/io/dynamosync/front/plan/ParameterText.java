package io.dynamosync.front.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hosted service's {@code :name} parameters in query text. DuckDB's parser knows {@code $name}, not
 * {@code :name}; since both are as long, writing one for the other keeps every position of the text, so DuckDB's
 * errors and table locations still point into the user's own text. Only a lexer: quoted strings, quoted
 * identifiers, comments and {@code ::} casts are stepped over, and nothing else of SQL is read.
 */
public final class ParameterText {

    private ParameterText() {}

    /** The text with each {@code :name} written as {@code $name}. */
    public static String asDuckDb(String sql) {
        StringBuilder out = new StringBuilder(sql);
        for (int at : positions(sql)) {
            out.setCharAt(at, '$');
        }
        return out.toString();
    }

    /**
     * The text with each {@code :name} written as DuckDB's numbered {@code $n}, {@code n} being the name's place in
     * {@link #names}, padded with spaces to the name's length where it fits so that positions stay put.
     */
    public static String asNumbered(String sql) {
        List<String> names = names(sql);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at : positions(sql)) {
            int end = at + 1;
            while (end < sql.length() && isNamePart(sql.charAt(end))) {
                end++;
            }
            String number = "$" + (names.indexOf(sql.substring(at + 1, end)) + 1);
            out.append(sql, from, at).append(number);
            out.append(" ".repeat(Math.max(0, end - at - number.length())));
            from = end;
        }
        return out.append(sql.substring(from)).toString();
    }

    /** DuckDB's {@code $name} parameters (as {@code json_deserialize_sql} writes them) back as {@code :name}. */
    public static String fromDuckDb(String sql) {
        StringBuilder out = new StringBuilder(sql);
        for (int at : positions(sql, '$')) {
            out.setCharAt(at, ':');
        }
        return out.toString();
    }

    /** The names of the parameters the text uses, in the order they first appear. */
    public static List<String> names(String sql) {
        Set<String> names = new LinkedHashSet<>();
        for (int at : positions(sql)) {
            int end = at + 1;
            while (end < sql.length() && isNamePart(sql.charAt(end))) {
                end++;
            }
            names.add(sql.substring(at + 1, end));
        }
        return new ArrayList<>(names);
    }

    /** Where each parameter's {@code :} is. */
    private static List<Integer> positions(String sql) {
        return positions(sql, ':');
    }

    /** Where each parameter's sign ({@code :} or {@code $}) is. */
    private static List<Integer> positions(String sql, char sign) {
        List<Integer> positions = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = closing(sql, i, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                i += 2; // a cast
            } else if (c == sign
                    && i + 1 < n
                    && isNameStart(sql.charAt(i + 1))
                    && (i == 0 || !isNamePart(sql.charAt(i - 1)))) {
                positions.add(i);
                i++;
            } else {
                i++;
            }
        }
        return positions;
    }

    /** The position after the quote closing the one at {@code start}; a doubled quote is part of the text. */
    private static int closing(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
