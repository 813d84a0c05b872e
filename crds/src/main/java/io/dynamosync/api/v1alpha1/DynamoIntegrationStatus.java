package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the operator found for a DynamoIntegration: whom its credentials resolve to and the IAM policies to grant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DynamoIntegrationStatus extends Status {

    @JsonPropertyDescription("Whom the credentials belong to, as STS GetCallerIdentity answered.")
    private CallerIdentity identity;

    @JsonPropertyDescription(
            "External ID the operator passes to AssumeRole: spec.externalId, or one it generated. The role's trust "
                    + "policy must require it.")
    private String externalId;

    @JsonPropertyDescription(
            "Trust policy (JSON) to attach to spec.roleArn so that the operator's identity may assume it with the "
                    + "external ID.")
    private String trustPolicy;

    @JsonPropertyDescription(
            "Permissions policy (JSON) the integration's identity needs for the tables its collections use, their "
                    + "streams and the export bucket.")
    private String permissionsPolicy;

    public CallerIdentity getIdentity() {
        return identity;
    }

    public void setIdentity(CallerIdentity identity) {
        this.identity = identity;
    }

    public String getExternalId() {
        return externalId;
    }

    public void setExternalId(String externalId) {
        this.externalId = externalId;
    }

    public String getTrustPolicy() {
        return trustPolicy;
    }

    public void setTrustPolicy(String trustPolicy) {
        this.trustPolicy = trustPolicy;
    }

    public String getPermissionsPolicy() {
        return permissionsPolicy;
    }

    public void setPermissionsPolicy(String permissionsPolicy) {
        this.permissionsPolicy = permissionsPolicy;
    }

    @Override
    public boolean equals(Object o) {
        if (!super.equals(o)) {
            return false;
        }
        DynamoIntegrationStatus that = (DynamoIntegrationStatus) o;
        return Objects.equals(identity, that.identity)
                && Objects.equals(externalId, that.externalId)
                && Objects.equals(trustPolicy, that.trustPolicy)
                && Objects.equals(permissionsPolicy, that.permissionsPolicy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), identity, externalId, trustPolicy, permissionsPolicy);
    }

    @Override
    public String toString() {
        return "DynamoIntegrationStatus{conditions=" + getConditions() + ", observedGeneration="
                + getObservedGeneration() + ", identity=" + identity + ", externalId=" + externalId + "}";
    }
}
