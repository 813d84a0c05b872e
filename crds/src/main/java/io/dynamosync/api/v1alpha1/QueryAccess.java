package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dynamosync.api.worker.WorkerSettings;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Who may send queries to a DynamoCollection's query endpoint, and the limits every query runs under. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.apiKeySecretRef) || has(self.timeoutSeconds) || has(self.maxRows)",
        message = "set apiKeySecretRef, timeoutSeconds or maxRows; an empty query section requires no API key")
public class QueryAccess {

    /** The worker's query time limit when the spec sets none, in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = WorkerSettings.Http.DEFAULT_QUERY_TIMEOUT_SECONDS;

    /** The most rows a query answers when the spec sets no limit. */
    public static final int DEFAULT_MAX_ROWS = WorkerSettings.Http.DEFAULT_QUERY_MAX_ROWS;

    @JsonPropertyDescription(
            "Secret key holding the API key that query requests must present in their Authorization header, as "
                    + "'ApiKey <key>'. When omitted, any client that can reach the collection's Service may query it.")
    private SecretKeyRef apiKeySecretRef;

    @Min(1)
    @JsonPropertyDescription(
            "Seconds a query may run before it is cancelled and answered with QUERY_TIMEOUT; " + "30 by default.")
    private Integer timeoutSeconds;

    @Min(1)
    @JsonPropertyDescription("The most rows a query answers; a request's default_row_limit may lower it, not raise it. "
            + "10000 by default.")
    private Integer maxRows;

    public SecretKeyRef getApiKeySecretRef() {
        return apiKeySecretRef;
    }

    public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) {
        this.apiKeySecretRef = apiKeySecretRef;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getMaxRows() {
        return maxRows;
    }

    public void setMaxRows(Integer maxRows) {
        this.maxRows = maxRows;
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof QueryAccess that
                        && Objects.equals(apiKeySecretRef, that.apiKeySecretRef)
                        && Objects.equals(timeoutSeconds, that.timeoutSeconds)
                        && Objects.equals(maxRows, that.maxRows));
    }

    @Override
    public int hashCode() {
        return Objects.hash(apiKeySecretRef, timeoutSeconds, maxRows);
    }

    @Override
    public String toString() {
        return "QueryAccess{apiKeySecretRef=" + apiKeySecretRef + ", timeoutSeconds=" + timeoutSeconds + ", maxRows="
                + maxRows + "}";
    }
}
