package io.dynamosync.operator.aws;

/**
 * Why an integration's credentials could not be resolved or were refused, as a condition reason and a message
 * the user can act on; never carries a secret value.
 */
public final class CredentialsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final boolean lasting;

    /**
     * @param reason a {@code Conditions.Reason} constant
     * @param message what happened and what to change
     * @param lasting true when only a change by the user helps (Stalled); false when a retry may (Reconciling)
     */
    public CredentialsException(String reason, String message, boolean lasting) {
        super(message, null, false, false);
        this.reason = reason;
        this.lasting = lasting;
    }

    /** The condition reason. */
    public String reason() {
        return reason;
    }

    /** Whether retrying without a change by the user is pointless. */
    public boolean lasting() {
        return lasting;
    }
}
