package io.dynamosync.worker.query;

import io.dynamosync.worker.sql.SqlText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A request's parameters, by name, each declared once with a name usable as {@code :name}. */
final class DeclaredParameters {

    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DeclaredParameters() {}

    /** The request's parameters by name; a parameter without a usable name, or declared twice, is refused. */
    static Map<String, QueryParameter> of(List<QueryParameter> parameters) {
        Map<String, QueryParameter> declared = new LinkedHashMap<>();
        if (parameters == null) {
            return declared;
        }
        for (QueryParameter parameter : parameters) {
            if (parameter == null
                    || parameter.name() == null
                    || !PARAMETER_NAME.matcher(parameter.name()).matches()) {
                throw QueryFailure.badRequest(
                        QueryFailure.INVALID_INPUT,
                        "each parameter needs a name of letters, digits and _ " + "(used as :name in the query), was "
                                + (parameter == null ? "null" : "'" + parameter.name() + "'"));
            }
            if (declared.put(parameter.name(), parameter) != null) {
                throw QueryFailure.badRequest(
                        QueryFailure.INVALID_INPUT, "parameter :" + parameter.name() + " is declared twice");
            }
        }
        return declared;
    }

    /** A syntax error next to an undeclared {@code :name} most likely comes from it; say so. */
    static QueryFailure withHint(QueryFailure failure, SqlText text, Map<String, QueryParameter> declared) {
        Set<String> undeclared = text.undeclared(declared);
        if (!failure.reason().equals(QueryFailure.PARSE_ERROR) || undeclared.isEmpty()) {
            return failure;
        }
        return new QueryFailure(
                failure.status(),
                failure.reason(),
                failure.getMessage() + " (the query uses :" + String.join(", :", undeclared)
                        + ", which sql.parameters does not declare)",
                failure.line(),
                failure.column());
    }
}
