package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** What a DynamoIntegration asks for: the AWS region, one way to authenticate, and optional overrides. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.roleArn) != has(self.accessKeySecretRef)",
        message = "set exactly one of roleArn and accessKeySecretRef")
@ValidationRule(value = "!has(self.externalId) || has(self.roleArn)", message = "externalId applies only with roleArn")
public class DynamoIntegrationSpec {

    @Required
    @Pattern(Patterns.REGION)
    @JsonPropertyDescription("AWS region of the tables this integration reaches, for example us-east-1.")
    private String region;

    @Pattern(Patterns.ROLE_ARN)
    @JsonPropertyDescription("IAM role to assume with STS from the operator's own identity, for example "
            + "arn:aws:iam::123456789012:role/dynamo-sync. The role's trust policy must allow the operator's "
            + "identity with the external ID; status.trustPolicy and status.permissionsPolicy show the policies to "
            + "paste into IAM. Set exactly one of roleArn and accessKeySecretRef.")
    private String roleArn;

    @Pattern(Patterns.EXTERNAL_ID)
    @Size(min = 2, max = 1224)
    @JsonPropertyDescription(
            "External ID to pass to AssumeRole; only with roleArn. When omitted, the operator generates one and "
                    + "publishes it in status.externalId and status.trustPolicy.")
    private String externalId;

    @JsonPropertyDescription(
            "Secret in this namespace holding long-lived access keys. Deprecated: prefer roleArn, as AWS does, since "
                    + "keys do not expire and are easily leaked. Set exactly one of roleArn and accessKeySecretRef.")
    private AccessKeySecretRef accessKeySecretRef;

    @JsonPropertyDescription(
            "URLs to use instead of the public AWS endpoints, for VPC endpoints or local testing. Each is optional.")
    private Endpoints endpoints;

    @JsonPropertyDescription(
            "S3 bucket that table exports are written to. Required by collections whose initial load uses an "
                    + "export (loadMethod Export, or Auto on a large table).")
    private S3Bucket s3;

    @JsonPropertyDescription("The Iceberg catalog and S3 warehouse that collections of this integration publish "
            + "their tables to (a collection opts in with spec.iceberg). Optional.")
    private IcebergCatalog icebergCatalog;

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public String getRoleArn() {
        return roleArn;
    }

    public void setRoleArn(String roleArn) {
        this.roleArn = roleArn;
    }

    public String getExternalId() {
        return externalId;
    }

    public void setExternalId(String externalId) {
        this.externalId = externalId;
    }

    public AccessKeySecretRef getAccessKeySecretRef() {
        return accessKeySecretRef;
    }

    public void setAccessKeySecretRef(AccessKeySecretRef accessKeySecretRef) {
        this.accessKeySecretRef = accessKeySecretRef;
    }

    public Endpoints getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    public S3Bucket getS3() {
        return s3;
    }

    public void setS3(S3Bucket s3) {
        this.s3 = s3;
    }

    public IcebergCatalog getIcebergCatalog() {
        return icebergCatalog;
    }

    public void setIcebergCatalog(IcebergCatalog icebergCatalog) {
        this.icebergCatalog = icebergCatalog;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DynamoIntegrationSpec)) {
            return false;
        }
        DynamoIntegrationSpec that = (DynamoIntegrationSpec) o;
        return Objects.equals(region, that.region)
                && Objects.equals(roleArn, that.roleArn)
                && Objects.equals(externalId, that.externalId)
                && Objects.equals(accessKeySecretRef, that.accessKeySecretRef)
                && Objects.equals(endpoints, that.endpoints)
                && Objects.equals(s3, that.s3)
                && Objects.equals(icebergCatalog, that.icebergCatalog);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, roleArn, externalId, accessKeySecretRef, endpoints, s3, icebergCatalog);
    }

    @Override
    public String toString() {
        // No secret values live in the spec, only references, so every field may be printed.
        return "DynamoIntegrationSpec{region=" + region + ", roleArn=" + roleArn + ", externalId=" + externalId
                + ", accessKeySecretRef=" + accessKeySecretRef + ", endpoints=" + endpoints + ", s3=" + s3
                + ", icebergCatalog=" + icebergCatalog + "}";
    }
}
