package io.dynamosync.operator.integration;

import static io.dynamosync.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationStatus;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.OperatorHarness;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

@EnableKubernetesMockClient(crud = true)
@ExtendWith(LocalAwsExtension.class)
class DynamoIntegrationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    static KubernetesClient client;
    private static OperatorHarness harness;
    private static LocalAws aws;
    private static final String WORKER_ROLE = "arn:aws:iam::000000000000:role/dynamo-sync-worker";

    @BeforeAll
    static void startOperator(LocalAws localAws) {
        aws = localAws;
        // Worker pods run as their own IAM role (IRSA on their ServiceAccount); here a kit role the kit's
        // identity may assume, standing in for the web identity exchange.
        aws.sts().addRole(WORKER_ROLE, null, LocalAws.IDENTITY_ARN);
        harness = new OperatorHarness(client, aws, Duration.ofSeconds(1), s -> s.withWorkerRoleArn(WORKER_ROLE));
    }

    @AfterAll
    static void stopOperator() {
        harness.close();
    }

    @Test
    void validKeysMakeTheIntegrationReadyWithItsIdentityAndPolicy() throws Exception {
        String ns = OperatorHarness.namespace("keys");
        StsService.Identity user = aws.sts().addUser("123456789012", "dynamo-sync");
        harness.keySecret(ns, "aws-keys", user.accessKeyId(), user.secretAccessKey());
        client.resource(Fixtures.collection(ns, "orders", "prod", "Orders")).create();
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();

        DynamoIntegrationStatus status = awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);

        assertThat(status.getIdentity().getArn()).isEqualTo("arn:aws:iam::123456789012:user/dynamo-sync");
        assertThat(status.getIdentity().getAccount()).isEqualTo("123456789012");
        assertThat(condition(status, Conditions.Type.CREDENTIALS_VALID))
                .get()
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly(Conditions.TRUE, Conditions.Reason.VERIFIED);
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        JsonNode policy = JSON.readTree(status.getPermissionsPolicy());
        assertThat(policy.toString())
                .contains("arn:aws:dynamodb:us-east-1:123456789012:table/Orders\"")
                .contains("arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/*")
                .contains("dynamodb:GetRecords");
        assertThat(status.getTrustPolicy()).isNull();
        assertThat(status.getExternalId()).isNull();
        assertNoSecretIn(ns, "prod", user.secretAccessKey());
    }

    @Test
    void missingSecretSaysSoAndItsCreationRevalidates() {
        String ns = OperatorHarness.namespace("missing");
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "not-yet")))
                .create();

        DynamoIntegrationStatus status =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);

        assertThat(condition(status, Conditions.Type.CREDENTIALS_VALID).get().getReason())
                .isEqualTo(Conditions.Reason.SECRET_NOT_FOUND);
        assertThat(condition(status, Conditions.Type.CREDENTIALS_VALID).get().getMessage())
                .contains("not-yet", ns);
        assertThat(condition(status, Conditions.Type.STALLED).get().getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(condition(status, Conditions.Type.READY).get().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(harness.events(ns, "prod"))
                .extracting(Event::getReason)
                .contains(Conditions.Reason.SECRET_NOT_FOUND);

        StsService.Identity user = aws.sts().addUser("123456789012", "late");
        harness.keySecret(ns, "not-yet", user.accessKeyId(), user.secretAccessKey());
        var created = client.secrets().inNamespace(ns).withName("not-yet").get();

        DynamoIntegrationStatus ready = awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);
        assertThat(condition(ready, Conditions.Type.STALLED)).isEmpty();
        assertThat(ready.getIdentity().getArn()).endsWith(":user/late");
        // The operator only reads Secrets (its RBAC grants get alone): neither the one it read nor another changed.
        assertThat(client.secrets()
                        .inNamespace(ns)
                        .withName("not-yet")
                        .get()
                        .getMetadata()
                        .getLabels())
                .isNullOrEmpty();
        assertThat(client.secrets()
                        .inNamespace(ns)
                        .withName("not-yet")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .isEqualTo(created.getMetadata().getResourceVersion());
    }

    @Test
    void changedKeysInAReferencedSecretRevalidateWithinTheStatusPollPeriod() {
        String ns = OperatorHarness.namespace("relabel");
        StsService.Identity first = aws.sts().addUser("123456789012", "first-" + ns);
        harness.keySecret(ns, "aws-keys", first.accessKeyId(), first.secretAccessKey());
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();
        awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);

        StsService.Identity second = aws.sts().addUser("123456789012", "second-" + ns);
        var secret = client.secrets().inNamespace(ns).withName("aws-keys").get();
        secret.setStringData(
                java.util.Map.of("accessKeyId", second.accessKeyId(), "secretAccessKey", second.secretAccessKey()));
        client.resource(secret).update();

        // Well before the 10-minute recheck: an integration with a key Secret reads it again every status poll period
        // (1 s here, 30 s by default), since the operator watches no Secrets.
        await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> harness.integration(ns, "prod").getStatus().getIdentity(),
                        id -> id != null && id.getArn().endsWith(":user/second-" + ns));
    }

    @Test
    void wrongSecretKeyIsInvalidCredentialsWithoutShowingTheKey() {
        String ns = OperatorHarness.namespace("wrong");
        StsService.Identity user = aws.sts().addUser("123456789012", "wrong");
        String wrongSecret = "WRONG" + user.secretAccessKey().substring(5);
        harness.keySecret(ns, "aws-keys", user.accessKeyId(), wrongSecret);
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();

        DynamoIntegrationStatus status =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);

        Condition valid = condition(status, Conditions.Type.CREDENTIALS_VALID).get();
        assertThat(valid.getReason()).isEqualTo(Conditions.Reason.INVALID_CREDENTIALS);
        assertThat(valid.getMessage()).contains("SignatureDoesNotMatch");
        assertThat(status.getIdentity()).isNull();
        assertNoSecretIn(ns, "prod", wrongSecret);
    }

    @Test
    void unknownAccessKeyIsInvalidCredentials() {
        String ns = OperatorHarness.namespace("unknown");
        harness.keySecret(ns, "aws-keys", "AKIAUNKNOWNKEY000000", "whatever");
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();

        DynamoIntegrationStatus status =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);

        assertThat(condition(status, Conditions.Type.CREDENTIALS_VALID).get()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.INVALID_CREDENTIALS);
            assertThat(c.getMessage()).contains("InvalidClientTokenId");
        });
    }

    @Test
    void secretWithoutTheNamedKeyIsSecretKeyMissing() {
        String ns = OperatorHarness.namespace("nokey");
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("aws-keys")
                        .endMetadata()
                        .addToStringData("accessKeyId", "AKIAX")
                        .build())
                .create();
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();

        DynamoIntegrationStatus status =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);

        assertThat(condition(status, Conditions.Type.CREDENTIALS_VALID).get()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.SECRET_KEY_MISSING);
            assertThat(c.getMessage()).contains("secretAccessKey");
        });
    }

    @Test
    void roleAssumedWithTheExternalIdIsReadyAndPublishesTheTrustPolicy() throws Exception {
        String ns = OperatorHarness.namespace("role");
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("sync");
        aws.sts().addRole(role, "ext-" + ns, LocalAws.IDENTITY_ARN);
        client.resource(harness.atLocalAws(Fixtures.roleIntegration(ns, "prod", "us-east-1", role, "ext-" + ns)))
                .create();

        DynamoIntegrationStatus status = awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);

        assertThat(status.getIdentity().getAccount()).isEqualTo("210987654321");
        assertThat(status.getIdentity().getArn()).startsWith("arn:aws:sts::210987654321:assumed-role/");
        assertThat(status.getExternalId()).isEqualTo("ext-" + ns);
        JsonNode trust = JSON.readTree(status.getTrustPolicy()).get("Statement").get(0);
        assertThat(trust.at("/Principal/AWS"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(LocalAws.IDENTITY_ARN, WORKER_ROLE);
        assertThat(trust.at("/Condition/StringEquals/sts:ExternalId").asText()).isEqualTo("ext-" + ns);
    }

    @Test
    void publishedTrustPolicyLetsTheWorkersIdentityAssumeTheRoleWithTheExternalId() throws Exception {
        String ns = OperatorHarness.namespace("workertrust");
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("sync");
        // At first the role trusts only the operator, as users who followed the old trust policy have it.
        aws.sts().addRole(role, "ext-" + ns, LocalAws.IDENTITY_ARN);
        client.resource(harness.atLocalAws(Fixtures.roleIntegration(ns, "prod", "us-east-1", role, "ext-" + ns)))
                .create();
        DynamoIntegrationStatus status = awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);
        try (StsClient worker = workerSts()) {
            assertThatThrownBy(() -> worker.assumeRole(
                            r -> r.roleArn(role).roleSessionName("w").externalId("ext-" + ns)))
                    .hasMessageContaining("dynamo-sync-worker")
                    .hasMessageContaining("not authorized to perform: sts:AssumeRole");

            // The user pastes the published trust policy: the kit's role then trusts exactly its principals.
            JsonNode trust =
                    JSON.readTree(status.getTrustPolicy()).get("Statement").get(0);
            List<String> principals = new ArrayList<>();
            trust.at("/Principal/AWS").forEach(p -> principals.add(p.asText()));
            aws.sts()
                    .addRole(
                            role,
                            trust.at("/Condition/StringEquals/sts:ExternalId").asText(),
                            principals.toArray(String[]::new));

            assertThat(worker.assumeRole(
                                    r -> r.roleArn(role).roleSessionName("w").externalId("ext-" + ns))
                            .assumedRoleUser()
                            .arn())
                    .startsWith("arn:aws:sts::210987654321:assumed-role/");
            assertThatThrownBy(() -> worker.assumeRole(
                            r -> r.roleArn(role).roleSessionName("w").externalId("someone-else")))
                    .hasMessageContaining("not authorized");
        }
    }

    /** STS as a worker pod calls it: with the credentials of the worker's own role. */
    private static StsClient workerSts() {
        try (StsClient kit = StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(aws.stsEndpoint())
                .credentialsProvider(LocalAws.CREDENTIALS)
                .build()) {
            Credentials session = kit.assumeRole(r -> r.roleArn(WORKER_ROLE).roleSessionName("worker-pod"))
                    .credentials();
            return StsClient.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(aws.stsEndpoint())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            session.accessKeyId(), session.secretAccessKey(), session.sessionToken())))
                    .build();
        }
    }

    @Test
    void deniedAssumeRoleSaysSoAndStillShowsTheTrustPolicyToFixIt() throws Exception {
        String ns = OperatorHarness.namespace("denied");
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("sync");
        aws.sts().addRole(role, "the-right-id", LocalAws.IDENTITY_ARN);
        DynamoIntegration integration = Fixtures.roleIntegration(ns, "prod", "us-east-1", role, null);
        client.resource(harness.atLocalAws(integration)).create();

        DynamoIntegrationStatus status =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);

        Condition valid = condition(status, Conditions.Type.CREDENTIALS_VALID).get();
        assertThat(valid.getReason()).isEqualTo(Conditions.Reason.ASSUME_ROLE_DENIED);
        assertThat(valid.getMessage()).contains("not authorized to perform: sts:AssumeRole", role);
        // A generated external ID, published with the trust policy that names it.
        assertThat(status.getExternalId()).startsWith("dynamo-sync-");
        assertThat(JSON.readTree(status.getTrustPolicy()).toString()).contains(status.getExternalId());
    }

    @Test
    void deniedRoleIsCheckedAgainWithinSecondsOnceIamTrustsIt() {
        String ns = OperatorHarness.namespace("fixed");
        String role = "arn:aws:iam::210987654321:role/" + LocalAws.uniqueName("fixed");
        aws.sts().addRole(role, "someone-elses-id", LocalAws.IDENTITY_ARN);
        client.resource(harness.atLocalAws(Fixtures.roleIntegration(ns, "prod", "us-east-1", role, null)))
                .create();
        DynamoIntegrationStatus denied =
                awaitCondition(ns, "prod", Conditions.Type.CREDENTIALS_VALID, Conditions.FALSE);
        assertThat(condition(denied, Conditions.Type.STALLED).get().getStatus()).isEqualTo(Conditions.TRUE);
        // While the role cannot be assumed, the policy to attach to it names its tables in the role's account.
        client.resource(Fixtures.collection(ns, "orders", "prod", "Orders")).create();
        await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> harness.integration(ns, "prod").getStatus().getPermissionsPolicy(),
                        p -> p.contains("arn:aws:dynamodb:us-east-1:210987654321:table/Orders\""));

        // The user fixes the role's trust policy in IAM, which Kubernetes does not see: README's
        // `kubectl wait --timeout=5m` must not wait for a 10-minute recheck.
        aws.sts().addRole(role, denied.getExternalId(), LocalAws.IDENTITY_ARN);

        DynamoIntegrationStatus ready = await().atMost(Duration.ofSeconds(25))
                .until(
                        () -> harness.integration(ns, "prod").getStatus(),
                        s -> condition(s, Conditions.Type.READY)
                                .map(c -> Conditions.TRUE.equals(c.getStatus()))
                                .orElse(false));
        assertThat(condition(ready, Conditions.Type.STALLED)).isEmpty();
        assertThat(ready.getIdentity().getAccount()).isEqualTo("210987654321");
    }

    @Test
    void policyIsPublishedBeforeAnyCollectionAndWidensAsOneComes() throws Exception {
        String ns = OperatorHarness.namespace("base");
        StsService.Identity user = aws.sts().addUser("123456789012", "base-" + ns);
        harness.keySecret(ns, "aws-keys", user.accessKeyId(), user.secretAccessKey());
        client.resource(harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys")))
                .create();

        // README's step 3 copies it into `aws iam put-role-policy` before step 4 creates a collection.
        DynamoIntegrationStatus ready = awaitCondition(ns, "prod", Conditions.Type.READY, Conditions.TRUE);
        JsonNode base = JSON.readTree(ready.getPermissionsPolicy());
        assertThat(base.get("Statement")).isNotEmpty();
        assertThat(base.toString()).contains("dynamodb:ListStreams").doesNotContain("table/");

        client.resource(Fixtures.collection(ns, "orders", "prod", "Orders")).create();

        await().atMost(Duration.ofSeconds(15))
                .until(
                        () -> harness.integration(ns, "prod").getStatus().getPermissionsPolicy(),
                        p -> p.contains("arn:aws:dynamodb:us-east-1:123456789012:table/Orders\""));
    }

    private static DynamoIntegrationStatus awaitCondition(String ns, String name, String type, String value) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> harness.integration(ns, name).getStatus(),
                        s -> condition(s, type)
                                .map(c -> value.equals(c.getStatus()))
                                .orElse(false));
    }

    private static void assertNoSecretIn(String ns, String name, String secret) {
        assertThat(Serialization.asJson(harness.integration(ns, name))).doesNotContain(secret);
        assertThat(harness.events(ns, name))
                .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }
}
