package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A Secret holding AWS access keys for a DynamoIntegration, and the keys to read within it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccessKeySecretRef {

    /** The key read for the access key ID unless the spec names another. */
    public static final String DEFAULT_ACCESS_KEY_ID_KEY = "accessKeyId";

    /** The key read for the secret access key unless the spec names another. */
    public static final String DEFAULT_SECRET_ACCESS_KEY_KEY = "secretAccessKey";

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the integration's namespace.")
    private String name;

    @Default(DEFAULT_ACCESS_KEY_ID_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret whose value is the access key ID.")
    private String accessKeyIdKey = DEFAULT_ACCESS_KEY_ID_KEY;

    @Default(DEFAULT_SECRET_ACCESS_KEY_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret whose value is the secret access key.")
    private String secretAccessKeyKey = DEFAULT_SECRET_ACCESS_KEY_KEY;

    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret whose value is a session token, for temporary credentials. Optional.")
    private String sessionTokenKey;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getAccessKeyIdKey() {
        return accessKeyIdKey;
    }

    public void setAccessKeyIdKey(String accessKeyIdKey) {
        this.accessKeyIdKey = accessKeyIdKey;
    }

    public String getSecretAccessKeyKey() {
        return secretAccessKeyKey;
    }

    public void setSecretAccessKeyKey(String secretAccessKeyKey) {
        this.secretAccessKeyKey = secretAccessKeyKey;
    }

    public String getSessionTokenKey() {
        return sessionTokenKey;
    }

    public void setSessionTokenKey(String sessionTokenKey) {
        this.sessionTokenKey = sessionTokenKey;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AccessKeySecretRef)) {
            return false;
        }
        AccessKeySecretRef that = (AccessKeySecretRef) o;
        return Objects.equals(name, that.name)
                && Objects.equals(accessKeyIdKey, that.accessKeyIdKey)
                && Objects.equals(secretAccessKeyKey, that.secretAccessKeyKey)
                && Objects.equals(sessionTokenKey, that.sessionTokenKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, accessKeyIdKey, secretAccessKeyKey, sessionTokenKey);
    }

    @Override
    public String toString() {
        return "AccessKeySecretRef{name=" + name + ", accessKeyIdKey=" + accessKeyIdKey + ", secretAccessKeyKey="
                + secretAccessKeyKey + ", sessionTokenKey=" + sessionTokenKey + "}";
    }
}
