package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A Secret holding an Iceberg catalog's user and password, and the keys to read within it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CatalogCredentialsRef {

    /** The key read for the user unless the spec names another. */
    public static final String DEFAULT_USERNAME_KEY = "username";

    /** The key read for the password unless the spec names another. */
    public static final String DEFAULT_PASSWORD_KEY = "password";

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the integration's namespace.")
    private String name;

    @Default(DEFAULT_USERNAME_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret whose value is the catalog's user.")
    private String usernameKey = DEFAULT_USERNAME_KEY;

    @Default(DEFAULT_PASSWORD_KEY)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret whose value is the catalog's password.")
    private String passwordKey = DEFAULT_PASSWORD_KEY;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getUsernameKey() {
        return usernameKey;
    }

    public void setUsernameKey(String usernameKey) {
        this.usernameKey = usernameKey;
    }

    public String getPasswordKey() {
        return passwordKey;
    }

    public void setPasswordKey(String passwordKey) {
        this.passwordKey = passwordKey;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CatalogCredentialsRef)) {
            return false;
        }
        CatalogCredentialsRef that = (CatalogCredentialsRef) o;
        return Objects.equals(name, that.name)
                && Objects.equals(usernameKey, that.usernameKey)
                && Objects.equals(passwordKey, that.passwordKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, usernameKey, passwordKey);
    }

    @Override
    public String toString() {
        return "CatalogCredentialsRef{name=" + name + ", usernameKey=" + usernameKey + ", passwordKey=" + passwordKey
                + "}";
    }
}
