package io.dynamosync.operator.aws;

import io.dynamosync.api.v1alpha1.CallerIdentity;
import io.dynamosync.api.v1alpha1.Conditions;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** {@link IdentityCheck} with STS GetCallerIdentity, telling a refused role from refused keys. */
public final class StsIdentityCheck implements IdentityCheck {

    /** STS error codes that mean the keys themselves are wrong, as opposed to AWS being unreachable. */
    private static final Set<String> INVALID_KEYS = Set.of(
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "ExpiredToken",
            "UnrecognizedClientException",
            "IncompleteSignature",
            "AuthFailure");

    @Override
    public CallerIdentity callerIdentity(AwsAccount account) throws CredentialsException {
        if (account.assumesRole()) {
            // Assume first, so that a refused AssumeRole is told apart from refused keys of the operator.
            try {
                account.credentials().resolveCredentials();
            } catch (AwsServiceException e) {
                throw refusedRole(e);
            } catch (SdkException e) {
                Throwable cause = e.getCause();
                if (cause instanceof AwsServiceException service) {
                    throw refusedRole(service);
                }
                throw new AwsUnavailableException("STS AssumeRole could not be called: " + e.getMessage(), e);
            }
        }
        try {
            GetCallerIdentityResponse identity = account.sts().getCallerIdentity();
            return new CallerIdentity(identity.account(), identity.arn(), identity.userId());
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null
                    && INVALID_KEYS.contains(e.awsErrorDetails().errorCode())) {
                throw new CredentialsException(
                        Conditions.Reason.INVALID_CREDENTIALS,
                        "STS rejected the access keys ("
                                + e.awsErrorDetails().errorCode() + ": "
                                + e.awsErrorDetails().errorMessage()
                                + "); put an active key pair in the Secret.",
                        true);
            }
            throw new AwsUnavailableException("STS GetCallerIdentity failed: " + message(e), e);
        } catch (SdkException e) {
            throw new AwsUnavailableException("STS GetCallerIdentity could not be called: " + e.getMessage(), e);
        }
    }

    private static CredentialsException refusedRole(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        if (e.statusCode() >= 500 || "Throttling".equals(code)) {
            throw new AwsUnavailableException("STS AssumeRole failed: " + message(e), e);
        }
        return new CredentialsException(
                Conditions.Reason.ASSUME_ROLE_DENIED,
                "STS refused AssumeRole (" + code + ": "
                        + message(e)
                        + "); the role's trust policy must allow the operator's identity with the external "
                        + "ID, as status.trustPolicy shows.",
                true);
    }

    static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : e.getMessage();
    }
}
