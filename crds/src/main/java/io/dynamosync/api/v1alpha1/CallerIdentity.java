package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Whom a DynamoIntegration's credentials belong to, as STS GetCallerIdentity answered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CallerIdentity {

    @JsonPropertyDescription("AWS account ID the credentials belong to.")
    private String account;

    @JsonPropertyDescription(
            "ARN of the identity, for an assumed role arn:aws:sts::<account>:assumed-role/<role>/<session>.")
    private String arn;

    @JsonPropertyDescription("Unique ID of the identity, as STS reports it.")
    private String userId;

    /** An empty identity, for Jackson. */
    public CallerIdentity() {}

    /** The identity STS reported. */
    public CallerIdentity(String account, String arn, String userId) {
        this.account = account;
        this.arn = arn;
        this.userId = userId;
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getArn() {
        return arn;
    }

    public void setArn(String arn) {
        this.arn = arn;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CallerIdentity)) {
            return false;
        }
        CallerIdentity that = (CallerIdentity) o;
        return Objects.equals(account, that.account)
                && Objects.equals(arn, that.arn)
                && Objects.equals(userId, that.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(account, arn, userId);
    }

    @Override
    public String toString() {
        return "CallerIdentity{account=" + account + ", arn=" + arn + ", userId=" + userId + "}";
    }
}
