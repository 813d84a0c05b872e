package io.dynamosync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamosync.testkit.sts.StsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

@ExtendWith(LocalAwsExtension.class)
class StsIT {

    @Test
    void getCallerIdentityNamesTheKeysOwner(LocalAws aws) {
        StsService.Identity alice = aws.sts().addUser("123456789012", "alice");

        GetCallerIdentityResponse identity =
                withSts(aws, keys(alice.accessKeyId(), alice.secretAccessKey()), StsClient::getCallerIdentity);

        assertThat(identity.account()).isEqualTo("123456789012");
        assertThat(identity.arn()).isEqualTo("arn:aws:iam::123456789012:user/alice");
        assertThat(identity.userId()).isEqualTo(alice.userId());
    }

    @Test
    void unknownKeyIsAnInvalidClientTokenId(LocalAws aws) {
        assertThatThrownBy(() -> withSts(aws, keys("AKIAUNKNOWN", "x"), StsClient::getCallerIdentity))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
    }

    @Test
    void wrongSecretDoesNotMatchTheSignature(LocalAws aws) {
        StsService.Identity bob = aws.sts().addUser("123456789012", "bob");

        assertThatThrownBy(() -> withSts(aws, keys(bob.accessKeyId(), "not-the-secret"), StsClient::getCallerIdentity))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
    }

    @Test
    void assumeRoleWithTheExternalIdGivesCredentialsOfTheRole(LocalAws aws) {
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("reader");
        aws.sts().addRole(role, "ext-1", LocalAws.IDENTITY_ARN);

        GetCallerIdentityResponse identity = withSts(aws, assumed(aws, role, "ext-1"), StsClient::getCallerIdentity);

        assertThat(identity.account()).isEqualTo("210987654321");
        assertThat(identity.arn())
                .startsWith(
                        "arn:aws:sts::210987654321:assumed-role/" + role.substring(role.lastIndexOf('/') + 1) + "/");
    }

    @Test
    void wrongExternalIdOrUntrustedCallerIsAccessDenied(LocalAws aws) {
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("reader");
        aws.sts().addRole(role, "ext-1", "arn:aws:iam::000000000000:user/someone-else");
        String open = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("open");
        aws.sts().addRole(open, "ext-1", LocalAws.IDENTITY_ARN);

        for (AwsCredentialsProvider refused : new AwsCredentialsProvider[] {
            assumed(aws, role, "ext-1"), assumed(aws, open, "ext-2"), assumed(aws, open + "-missing", "ext-1")
        }) {
            assertThatThrownBy(() -> withSts(aws, refused, StsClient::getCallerIdentity))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .contains("is not authorized to perform: sts:AssumeRole");
                    });
        }
    }

    private static AwsCredentialsProvider keys(String id, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    private static AwsCredentialsProvider assumed(LocalAws aws, String role, String externalId) {
        StsClient base = client(aws, LocalAws.CREDENTIALS);
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(base)
                .asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> r.roleArn(role).roleSessionName("test").externalId(externalId))
                .build();
    }

    private static <T> T withSts(
            LocalAws aws, AwsCredentialsProvider credentials, java.util.function.Function<StsClient, T> call) {
        try (StsClient sts = client(aws, credentials)) {
            return call.apply(sts);
        }
    }

    private static StsClient client(LocalAws aws, AwsCredentialsProvider credentials) {
        return StsClient.builder()
                .endpointOverride(aws.stsEndpoint())
                .region(LocalAws.REGION)
                .credentialsProvider(credentials)
                .build();
    }
}
