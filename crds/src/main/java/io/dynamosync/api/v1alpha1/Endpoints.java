package io.dynamosync.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Endpoint URLs that replace the public AWS ones for a DynamoIntegration, one per service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoints {

    @Pattern(Patterns.URL)
    @JsonPropertyDescription("DynamoDB endpoint URL, for example https://dynamodb.us-east-1.amazonaws.com.")
    private String dynamodb;

    @Pattern(Patterns.URL)
    @JsonPropertyDescription(
            "DynamoDB Streams endpoint URL, for example https://streams.dynamodb.us-east-1.amazonaws.com.")
    private String streams;

    @Pattern(Patterns.URL)
    @JsonPropertyDescription("S3 endpoint URL, used to read table exports.")
    private String s3;

    @Pattern(Patterns.URL)
    @JsonPropertyDescription("STS endpoint URL, used to assume roleArn and to check the caller identity.")
    private String sts;

    public String getDynamodb() {
        return dynamodb;
    }

    public void setDynamodb(String dynamodb) {
        this.dynamodb = dynamodb;
    }

    public String getStreams() {
        return streams;
    }

    public void setStreams(String streams) {
        this.streams = streams;
    }

    public String getS3() {
        return s3;
    }

    public void setS3(String s3) {
        this.s3 = s3;
    }

    public String getSts() {
        return sts;
    }

    public void setSts(String sts) {
        this.sts = sts;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Endpoints)) {
            return false;
        }
        Endpoints that = (Endpoints) o;
        return Objects.equals(dynamodb, that.dynamodb)
                && Objects.equals(streams, that.streams)
                && Objects.equals(s3, that.s3)
                && Objects.equals(sts, that.sts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dynamodb, streams, s3, sts);
    }

    @Override
    public String toString() {
        return "Endpoints{dynamodb=" + dynamodb + ", streams=" + streams + ", s3=" + s3 + ", sts=" + sts + "}";
    }
}
