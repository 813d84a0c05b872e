package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** The persistent volume a DynamoCollection's store lives on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Storage {

    /** The volume size when the spec names none. */
    public static final String DEFAULT_SIZE = "10Gi";

    @Default(DEFAULT_SIZE)
    @Pattern(Patterns.STORAGE_SIZE)
    @JsonPropertyDescription(
            "Size of the volume, as a Kubernetes quantity such as 10Gi or 500G. Allow room for the documents, their "
                    + "indexes and the journal of changes made during the initial load.")
    private String size = DEFAULT_SIZE;

    @JsonPropertyDescription("StorageClass of the volume. When omitted, the cluster's default StorageClass is used.")
    private String storageClassName;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Storage)) {
            return false;
        }
        Storage that = (Storage) o;
        return Objects.equals(size, that.size) && Objects.equals(storageClassName, that.storageClassName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, storageClassName);
    }

    @Override
    public String toString() {
        return "Storage{size=" + size + ", storageClassName=" + storageClassName + "}";
    }
}
