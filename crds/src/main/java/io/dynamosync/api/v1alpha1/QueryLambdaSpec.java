package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A query lambda's versions, oldest first, and its tags. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueryLambdaSpec {

    @JsonPropertyDescription("What the query lambda is for.")
    private String description;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The versions, oldest first; the last is the newest, which the tag 'latest' names. A "
            + "version's SQL never changes once clients call it: add a version instead.")
    private List<QueryLambdaVersionSpec> versions;

    @JsonPropertyDescription("Tags, each naming a version, for example {prod: \"3\"}; 'latest' is implicit.")
    private Map<String, String> tags;

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public List<QueryLambdaVersionSpec> getVersions() {
        return versions;
    }

    public void setVersions(List<QueryLambdaVersionSpec> versions) {
        this.versions = versions;
    }

    public Map<String, String> getTags() {
        return tags;
    }

    public void setTags(Map<String, String> tags) {
        this.tags = tags;
    }

    /** The version named {@code version}. */
    public Optional<QueryLambdaVersionSpec> version(String version) {
        return versions == null
                ? Optional.empty()
                : versions.stream().filter(v -> version.equals(v.getVersion())).findFirst();
    }

    /** The version {@code tag} names; {@code latest} names the newest. */
    public Optional<QueryLambdaVersionSpec> tagged(String tag) {
        if (QueryLambda.LATEST.equals(tag) && (tags == null || !tags.containsKey(tag))) {
            return versions == null || versions.isEmpty()
                    ? Optional.empty()
                    : Optional.of(versions.get(versions.size() - 1));
        }
        String version = tags == null ? null : tags.get(tag);
        return version == null ? Optional.empty() : version(version);
    }
}
