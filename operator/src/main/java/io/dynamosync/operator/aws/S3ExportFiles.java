package io.dynamosync.operator.aws;

import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link ExportFiles} in S3, one object at a time so that S3-compatible stores without batch delete work too. */
public final class S3ExportFiles implements ExportFiles {

    @Override
    public int deleteAll(AwsAccount account, String bucket, String prefix) {
        if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/")) {
            // A collection's files live in its own folder; anything else would delete other collections' files.
            throw new IllegalArgumentException("refusing to delete outside a collection's folder: '" + prefix + "'");
        }
        int deleted = 0;
        try {
            String token = null;
            do {
                String continuation = token;
                ListObjectsV2Response page = account.s3()
                        .listObjectsV2(r -> r.bucket(bucket).prefix(prefix).continuationToken(continuation));
                List<S3Object> objects = page.contents();
                for (S3Object object : objects) {
                    account.s3().deleteObject(r -> r.bucket(bucket).key(object.key()));
                    deleted++;
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            return deleted;
        } catch (AwsServiceException e) {
            throw new AwsUnavailableException(
                    "deleting the export files under s3://" + bucket + "/" + prefix + " failed: "
                            + StsIdentityCheck.message(e),
                    e);
        } catch (SdkException e) {
            throw new AwsUnavailableException(
                    "deleting the export files under s3://" + bucket + "/" + prefix + " failed: " + e.getMessage(), e);
        }
    }
}
