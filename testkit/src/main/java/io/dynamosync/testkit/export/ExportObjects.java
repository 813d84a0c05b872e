package io.dynamosync.testkit.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** Writes an export's objects to S3 as DynamoDB does: small ones in one PUT, data files of any size in parts. */
final class ExportObjects {

    private final S3Client s3;
    private final int partBytes;

    ExportObjects(S3Client s3, int partBytes) {
        this.s3 = s3;
        this.partBytes = partBytes;
    }

    /** Uploads a data file: in one PUT when small, else in parts, as S3 itself takes files of any size. */
    void upload(String bucket, String key, Path file) throws IOException {
        long size = Files.size(file);
        if (size <= partBytes) {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
            return;
        }
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (int number = 1; ; number++) {
                byte[] part = in.readNBytes(partBytes);
                if (part.length == 0) {
                    break;
                }
                int n = number;
                String etag = s3.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(n),
                                RequestBody.fromBytes(part))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            throw e;
        }
    }

    void put(String bucket, String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    static byte[] md5(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return ((DigestInputStream) in).getMessageDigest().digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
