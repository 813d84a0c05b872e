package io.dynamosync.operator.aws;

import io.dynamosync.api.v1alpha1.CallerIdentity;

/** Asks AWS whom an account's credentials belong to (STS GetCallerIdentity), which proves they are valid. */
public interface IdentityCheck {

    /**
     * The identity the credentials resolve to.
     *
     * @throws CredentialsException when AWS refuses them: the role cannot be assumed, or the keys are unknown or wrong
     * @throws AwsUnavailableException when AWS could not be asked
     */
    CallerIdentity callerIdentity(AwsAccount account) throws CredentialsException;
}
