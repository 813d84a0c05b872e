package io.dynamosync.worker.load.scan;

import io.dynamosync.worker.load.LoadException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns a failed Scan into a {@link LoadException} whose reason and message a user can act on. */
final class ScanErrors {

    private ScanErrors() {}

    static LoadException explain(String table, SdkException e) {
        if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            String code = aws.awsErrorDetails().errorCode();
            if ("AccessDeniedException".equals(code)) {
                return new LoadException(
                        "AccessDenied",
                        "the worker may not scan table " + table + ": grant dynamodb:Scan on it. AWS said: "
                                + aws.awsErrorDetails().errorMessage(),
                        e);
            }
            if ("ResourceNotFoundException".equals(code)) {
                return new LoadException("TableNotFound", "table " + table + " disappeared during the scan", e);
            }
            return new LoadException(
                    "ScanFailed",
                    "scanning " + table + " failed after retries: " + code + ": "
                            + aws.awsErrorDetails().errorMessage(),
                    e);
        }
        return new LoadException("ScanFailed", "scanning " + table + " failed after retries: " + e.getMessage(), e);
    }
}
