package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(LocalAwsExtension.class)
class S3IT {

    @Test
    void objectsRoundTripThroughTheKitsS3Client(LocalAws aws) {
        S3Client s3 = aws.s3();
        String bucket = LocalAws.uniqueName("b").toLowerCase();
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("p/one.json"), RequestBody.fromString("{\"a\":1}"));
        s3.putObject(b -> b.bucket(bucket).key("p/two.json"), RequestBody.fromBytes(new byte[] {0, 1, 2}));

        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("p/")).contents())
                .extracting(S3Object::key)
                .containsExactly("p/one.json", "p/two.json");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("p/one.json")).asUtf8String())
                .isEqualTo("{\"a\":1}");

        s3.deleteObject(b -> b.bucket(bucket).key("p/one.json"));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactly("p/two.json");
    }
}
