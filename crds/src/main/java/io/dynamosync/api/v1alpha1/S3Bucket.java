package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** The S3 bucket a DynamoIntegration's table exports are written to, and how to talk to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Bucket {

    @Required
    @Pattern(Patterns.S3_BUCKET)
    @JsonPropertyDescription(
            "Bucket name. The integration's identity needs s3:PutObject, s3:GetObject and s3:ListBucket on it, and "
                    + "s3:DeleteObject where a collection sets cleanupExport.")
    private String bucket;

    @JsonPropertyDescription(
            "Key prefix under which exports are written, for example dynamo-sync/. Each collection's export gets its "
                    + "own folder below it. Optional.")
    private String prefix;

    @JsonPropertyDescription(
            "Address the bucket as endpoint/bucket instead of bucket.endpoint, as most S3-compatible stores need. "
                    + "Default false.")
    private Boolean forcePathStyle;

    @JsonPropertyDescription(
            "Compute and check S3 request and response checksums only where the operation requires them, instead of "
                    + "always. Set true for S3-compatible stores, such as S3Proxy or older MinIO, that reject the "
                    + "checksums newer AWS SDKs send by default. Default false.")
    private Boolean checksumWhenRequired;

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public Boolean getForcePathStyle() {
        return forcePathStyle;
    }

    public void setForcePathStyle(Boolean forcePathStyle) {
        this.forcePathStyle = forcePathStyle;
    }

    public Boolean getChecksumWhenRequired() {
        return checksumWhenRequired;
    }

    public void setChecksumWhenRequired(Boolean checksumWhenRequired) {
        this.checksumWhenRequired = checksumWhenRequired;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof S3Bucket)) {
            return false;
        }
        S3Bucket that = (S3Bucket) o;
        return Objects.equals(bucket, that.bucket)
                && Objects.equals(prefix, that.prefix)
                && Objects.equals(forcePathStyle, that.forcePathStyle)
                && Objects.equals(checksumWhenRequired, that.checksumWhenRequired);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, prefix, forcePathStyle, checksumWhenRequired);
    }

    @Override
    public String toString() {
        return "S3Bucket{bucket=" + bucket + ", prefix=" + prefix + ", forcePathStyle=" + forcePathStyle
                + ", checksumWhenRequired=" + checksumWhenRequired + "}";
    }
}
