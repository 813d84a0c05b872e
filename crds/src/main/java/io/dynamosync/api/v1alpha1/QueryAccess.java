package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** Who may send queries to a DynamoCollection's query endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryAccess {

  @Required
  @JsonPropertyDescription(
      "Secret key holding the API key that query requests must present in their Authorization header, as "
          + "'ApiKey <key>'.")
  private SecretKeyRef apiKeySecretRef;

  public SecretKeyRef getApiKeySecretRef() {
    return apiKeySecretRef;
  }

  public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) {
    this.apiKeySecretRef = apiKeySecretRef;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof QueryAccess && Objects.equals(apiKeySecretRef, ((QueryAccess) o).apiKeySecretRef));
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(apiKeySecretRef);
  }

  @Override
  public String toString() {
    return "QueryAccess{apiKeySecretRef=" + apiKeySecretRef + "}";
  }
}
