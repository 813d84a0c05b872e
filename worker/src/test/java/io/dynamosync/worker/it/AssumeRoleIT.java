package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.worker.Worker;
import io.dynamosync.worker.config.AwsClients;
import io.dynamosync.worker.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role integration's worker assumes the role itself, from its own identity (the SDK's default chain, as in a
 * pod), with the external ID: it loads the table when the role trusts it, and says AssumeRoleDenied, naming its
 * identity, when the role does not.
 */
@ExtendWith(LocalAwsExtension.class)
class AssumeRoleIT {

    private static final int ITEMS = 40;

    @BeforeAll
    static void credentials() {
        // The worker pod's own identity: the kit's keys, whose ARN is LocalAws.IDENTITY_ARN.
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    @Test
    void workerTrustedByTheRoleAssumesItWithTheExternalIdAndLoadsTheTable(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        SampleItems.fill(aws.dynamoDb(), table, 0, ITEMS);
        String role = "arn:aws:iam::000000000000:role/" + LocalAws.uniqueName("sync");
        aws.sts().addRole(role, "ext-1", LocalAws.IDENTITY_ARN);
        long assumedBefore = aws.sts().calls("AssumeRole");

        WorkerStatus status = run(
                aws,
                table,
                data,
                role,
                "ext-1",
                s -> s.load() != null && s.load().complete() || s.error() != null);

        assertThat(status.error()).isNull();
        assertThat(status.load().itemsLoaded()).isEqualTo(ITEMS);
        assertThat(aws.sts().calls("AssumeRole")).isGreaterThan(assumedBefore);
    }

    @Test
    void workerTheRoleDoesNotTrustSaysAssumeRoleDeniedWithItsIdentity(LocalAws aws, @TempDir Path data)
            throws Exception {
        String table = SampleItems.createTable(aws.dynamoDb(), null);
        String role = "arn:aws:iam::000000000000:role/" + LocalAws.uniqueName("sync");
        // The role trusts only the operator's identity, as the trust policy published before workers were named.
        aws.sts().addRole(role, "ext-2", "arn:aws:iam::000000000000:role/dynamo-sync-operator");

        WorkerStatus status = run(aws, table, data, role, "ext-2", s -> s.error() != null);

        assertThat(status.error().reason()).isEqualTo("AssumeRoleDenied");
        assertThat(status.error().message()).contains(LocalAws.IDENTITY_ARN, "sts:AssumeRole", role);
    }

    private static WorkerStatus run(
            LocalAws aws, String table, Path data, String role, String externalId, Predicate<WorkerStatus> until)
            throws Exception {
        Map<String, Object> raw =
                new LinkedHashMap<>(WorkerSettingsFor.settings(aws, table, data, Map.of("method", "Scan")));
        raw.put(
                "endpoints",
                Map.of(
                        "dynamodb",
                        aws.dynamoDbEndpoint().toString(),
                        "streams",
                        aws.streamsEndpoint().toString(),
                        "s3",
                        aws.s3Endpoint().toString(),
                        "sts",
                        aws.stsEndpoint().toString()));
        raw.put("credentials", Map.of("source", "AssumeRole", "roleArn", role, "externalId", externalId));
        Settings settings = InitialLoadIT.settings(raw);
        try (AwsClients clients = new AwsClients(settings);
                Worker worker = new Worker(settings, clients).open()) {
            worker.start();
            return Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(worker::status, until);
        }
    }
}
