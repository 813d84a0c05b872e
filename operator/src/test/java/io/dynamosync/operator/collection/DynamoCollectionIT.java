package io.dynamosync.operator.collection;

import static io.dynamosync.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.dynamosync.api.v1alpha1.AccessCheck;
import io.dynamosync.api.v1alpha1.AccessKeySecretRef;
import io.dynamosync.api.v1alpha1.CollectionMode;
import io.dynamosync.api.v1alpha1.Condition;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.v1alpha1.ReadCapacity;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.api.v1alpha1.Storage;
import io.dynamosync.api.v1alpha1.Verification;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.operator.Fixtures;
import io.dynamosync.operator.OperatorHarness;
import io.dynamosync.operator.WorkerAnswer;
import io.dynamosync.operator.worker.CollectionWorker;
import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.fault.AwsError;
import io.dynamosync.testkit.sts.StsService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

@EnableKubernetesMockClient(crud = true)
@ExtendWith(LocalAwsExtension.class)
class DynamoCollectionIT {

    static KubernetesClient client;
    private static OperatorHarness harness;
    private static LocalAws aws;

    @BeforeAll
    static void startOperator(LocalAws localAws) {
        aws = localAws;
        harness = new OperatorHarness(client, aws, Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopOperator() {
        harness.close();
    }

    @Test
    void tableWithoutAStreamGetsOneAndTheWorkerIsCreatedAsSpecified() {
        String ns = readyIntegration("stream", null);
        String table = table(null);
        DynamoCollection orders = Fixtures.collection(ns, "orders", "prod", table);
        orders.getSpec().setEnableStream(true);
        Storage storage = new Storage();
        storage.setSize("20Gi");
        orders.getSpec().setStorage(storage);
        client.resource(orders).create();

        DynamoCollectionStatus status = awaitStatus(
                ns,
                "orders",
                s -> isTrue(s, Conditions.Type.STREAM_ENABLED) && isTrue(s, Conditions.Type.ACCESS_VERIFIED));

        TableDescription described =
                aws.dynamoDb().describeTable(r -> r.tableName(table)).table();
        assertThat(described.streamSpecification().streamEnabled()).isTrue();
        assertThat(described.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(status.getStreamArn()).isEqualTo(described.latestStreamArn());
        assertThat(condition(status, Conditions.Type.STREAM_ENABLED).get().getReason())
                .isEqualTo(Conditions.Reason.STREAM_TURNED_ON);
        assertThat(status.getAccess())
                .extracting(AccessCheck::getAction)
                .contains(
                        "dynamodb:DescribeTable",
                        "dynamodb:Scan",
                        "dynamodb:UpdateTable",
                        "dynamodb:DescribeStream",
                        "dynamodb:GetShardIterator",
                        "dynamodb:GetRecords");
        assertThat(status.getAccess()).allMatch(AccessCheck::isGranted);

        StatefulSet sts = await().until(
                        () -> client.apps()
                                .statefulSets()
                                .inNamespace(ns)
                                .withName("orders-worker")
                                .get(),
                        s -> s != null);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
        assertThat(sts.getSpec()
                        .getVolumeClaimTemplates()
                        .get(0)
                        .getSpec()
                        .getResources()
                        .getRequests())
                .containsEntry("storage", new Quantity("20Gi"));
        assertThat(sts.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("orders"));
        Service service =
                client.services().inNamespace(ns).withName("orders-worker").get();
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
        WorkerSettings settings = settings(ns, "orders");
        assertThat(settings.table()).isEqualTo(table);
        assertThat(settings.endpoints().dynamodb())
                .isEqualTo(aws.dynamoDbEndpoint().toString());
        // Until the worker answers, the collection says it is waiting for it.
        assertThat(condition(status, Conditions.Type.READY).get().getReason())
                .isIn(Conditions.Reason.WORKER_UNAVAILABLE, Conditions.Reason.VALIDATING);
        assertThat(harness.events(ns, "orders"))
                .extracting(Event::getReason)
                .contains(Conditions.Reason.STREAM_TURNED_ON);
    }

    @Test
    void deniedUpdateTableIsNamedWithTheCommandThatTurnsTheStreamOn() {
        String ns = readyIntegration("noupdate", null);
        String table = table(null);
        aws.faults()
                .on("UpdateTable")
                .forTable(table)
                .error(AwsError.ACCESS_DENIED)
                .always();
        DynamoCollection orders = Fixtures.collection(ns, "orders", "prod", table);
        orders.getSpec().setEnableStream(true);
        client.resource(orders).create();

        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isFalse(s, Conditions.Type.STREAM_ENABLED));

        Condition stream = condition(status, Conditions.Type.STREAM_ENABLED).get();
        assertThat(stream.getReason()).isEqualTo(Conditions.Reason.STREAM_OFF);
        assertThat(stream.getMessage())
                .contains("aws dynamodb update-table --region us-east-1 --table-name " + table
                        + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES");
        AccessCheck update = check(status, "dynamodb:UpdateTable");
        assertThat(update.isGranted()).isFalse();
        assertThat(update.getMessage()).contains("is not authorized to perform: dynamodb:UpdateTable");
        assertThat(check(status, "dynamodb:DescribeTable").isGranted()).isTrue();
        assertThat(check(status, "dynamodb:Scan").isGranted()).isTrue();
        assertThat(condition(status, Conditions.Type.ACCESS_VERIFIED).get().getMessage())
                .contains("dynamodb:UpdateTable");
        assertThat(isTrue(status, Conditions.Type.STALLED)).isTrue();
        assertThat(status.getPhase()).isEqualTo(Phase.ERROR);
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get())
                .isNull();
        assertThat(aws.dynamoDb().describeTable(r -> r.tableName(table)).table().streamSpecification())
                .isNull();
    }

    @Test
    void streamThatIsOffIsLeftToTheUserUnlessTheSpecAllowsTurningItOn() {
        String ns = readyIntegration("streamoff", null);
        String table = table(null);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();

        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isFalse(s, Conditions.Type.STREAM_ENABLED));

        Condition stream = condition(status, Conditions.Type.STREAM_ENABLED).get();
        assertThat(stream.getReason()).isEqualTo(Conditions.Reason.STREAM_OFF);
        assertThat(stream.getMessage())
                .contains(
                        "aws dynamodb update-table --region us-east-1 --table-name " + table
                                + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
                        "spec.enableStream");
        assertThat(isTrue(status, Conditions.Type.STALLED)).isTrue();
        assertThat(status.getAccess()).extracting(AccessCheck::getAction).doesNotContain("dynamodb:UpdateTable");
        assertThat(aws.faults().calls("UpdateTable", table)).isZero();
        assertThat(aws.dynamoDb().describeTable(r -> r.tableName(table)).table().streamSpecification())
                .isNull();

        harness.editCollection(ns, "orders", spec -> spec.setEnableStream(true));
        awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.STREAM_ENABLED));
        assertThat(aws.dynamoDb()
                        .describeTable(r -> r.tableName(table))
                        .table()
                        .streamSpecification()
                        .streamViewType())
                .isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
    }

    @Test
    void aSnapshotNeedsNoStreamAndLeavesTheTablesStreamAlone() {
        String ns = readyIntegration("snapshot", null);
        String table = table(null);
        DynamoCollection snapshot = Fixtures.collection(ns, "orders", "prod", table);
        snapshot.getSpec().setMode(CollectionMode.SNAPSHOT);
        snapshot.getSpec().setEnableStream(true);
        client.resource(snapshot).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> settings(ns, "orders"), s -> s != null);
        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.ACCESS_VERIFIED));

        assertThat(settings(ns, "orders").stream().follows()).isFalse();
        assertThat(condition(status, Conditions.Type.STREAM_ENABLED)).isEmpty();
        assertThat(isTrue(status, Conditions.Type.STALLED)).isFalse();
        assertThat(status.getAccess())
                .extracting(AccessCheck::getAction)
                .contains("dynamodb:DescribeTable", "dynamodb:Scan")
                .doesNotContain("dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:UpdateTable");
        assertThat(aws.faults().calls("UpdateTable", table)).isZero();
        assertThat(aws.dynamoDb().describeTable(r -> r.tableName(table)).table().streamSpecification())
                .isNull();
    }

    @Test
    void exportWithPointInTimeRecoveryOffStallsWithTheCommandUnlessTheSpecAllowsTurningItOn() {
        String bucket = bucket();
        String ns = readyIntegration("pitr", bucket);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        DynamoCollection orders = Fixtures.collection(ns, "orders", "prod", table);
        orders.getSpec().setLoadMethod(io.dynamosync.api.v1alpha1.LoadMethod.EXPORT);
        client.resource(orders).create();

        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.STALLED));

        Condition ready = condition(status, Conditions.Type.READY).get();
        assertThat(ready.getReason()).isEqualTo(Conditions.Reason.POINT_IN_TIME_RECOVERY_OFF);
        assertThat(ready.getMessage())
                .contains(
                        "(loadMethod Export)",
                        "aws dynamodb update-continuous-backups --region us-east-1 " + "--table-name " + table
                                + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
                        "spec.enablePointInTimeRecovery");
        assertThat(aws.faults().calls("UpdateContinuousBackups", table)).isZero();
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get())
                .isNull();

        harness.editCollection(ns, "orders", spec -> spec.setEnablePointInTimeRecovery(true));
        await().atMost(Duration.ofSeconds(30)).until(() -> settings(ns, "orders"), s -> s != null);
        assertThat(settings(ns, "orders").load().enablePointInTimeRecovery()).isTrue();
        awaitStatus(ns, "orders", s -> condition(s, Conditions.Type.STALLED).isEmpty());
    }

    @Test
    void deniedScanIsNamedActionByAction() {
        String ns = readyIntegration("noscan", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        aws.faults().on("Scan").forTable(table).error(AwsError.ACCESS_DENIED).always();
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();

        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isFalse(s, Conditions.Type.ACCESS_VERIFIED));

        assertThat(check(status, "dynamodb:Scan")).satisfies(scan -> {
            assertThat(scan.isGranted()).isFalse();
            assertThat(scan.getMessage()).contains("not authorized to perform: dynamodb:Scan");
        });
        assertThat(status.getAccess())
                .filteredOn(c -> !c.getAction().equals("dynamodb:Scan"))
                .isNotEmpty()
                .allMatch(AccessCheck::isGranted);
        assertThat(condition(status, Conditions.Type.ACCESS_VERIFIED).get().getReason())
                .isEqualTo(Conditions.Reason.ACCESS_DENIED);
        assertThat(condition(status, Conditions.Type.READY).get().getReason())
                .isEqualTo(Conditions.Reason.ACCESS_DENIED);
        assertThat(condition(status, Conditions.Type.STREAM_ENABLED).get().getReason())
                .isEqualTo(Conditions.Reason.STREAM_FOUND);
        assertThat(harness.events(ns, "orders")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.Reason.ACCESS_DENIED);
        });

        // Once IAM allows it, the next probe sees it: no change to the resource needed.
        aws.faults().reset();
        awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.ACCESS_VERIFIED));
    }

    @Test
    void streamOfAnotherViewTypeIsRefusedWithAnExplanation() {
        String ns = readyIntegration("keysonly", null);
        String table = table(StreamViewType.KEYS_ONLY);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();

        DynamoCollectionStatus status = awaitStatus(ns, "orders", s -> isFalse(s, Conditions.Type.STREAM_ENABLED));

        Condition stream = condition(status, Conditions.Type.STREAM_ENABLED).get();
        assertThat(stream.getReason()).isEqualTo(Conditions.Reason.STREAM_VIEW_TYPE_UNSUITABLE);
        assertThat(stream.getMessage()).contains("KEYS_ONLY", "update-table");
        assertThat(aws.dynamoDb()
                        .describeTable(r -> r.tableName(table))
                        .table()
                        .streamSpecification()
                        .streamViewType())
                .isEqualTo(StreamViewType.KEYS_ONLY);
    }

    @Test
    void workerProgressFromLoadToFollowingIsReflectedInTheCollection() {
        String ns = readyIntegration("worker", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();
        awaitStatus(ns, "orders", s -> hasReason(s, Conditions.Type.READY, Conditions.Reason.WORKER_UNAVAILABLE));

        // Scanning, with stream records journaled meanwhile: they wait for the load to commit, so a lag shows.
        WorkerAnswer worker = WorkerAnswer.of("orders", table);
        harness.workerAnswers(ns, "orders", worker.scanning(400, 1000).journaling(25, 4_000L));
        DynamoCollectionStatus scanning = awaitStatus(ns, "orders", s -> s.getPhase() == Phase.SCANNING);
        assertThat(scanning.getItemsLoaded()).isEqualTo(400L);
        assertThat(scanning.getLoadPercent()).isEqualTo(40);
        assertThat(scanning.getStreamArn()).isEqualTo(worker.streamArn());
        assertThat(scanning.getLag()).isEqualTo("4s");
        assertThat(condition(scanning, Conditions.Type.INITIAL_LOAD_COMPLETE).get())
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly(Conditions.FALSE, Conditions.Reason.SCANNING);
        assertThat(condition(scanning, Conditions.Type.READY).get().getMessage())
                .contains("400 of about 1000 items loaded (40%)");
        assertThat(isTrue(scanning, Conditions.Type.RECONCILING)).isTrue();

        // Loaded: the journal is replayed before changes are applied as they come.
        harness.workerAnswers(ns, "orders", worker.replaying(25, 9_000));
        DynamoCollectionStatus replaying =
                awaitStatus(ns, "orders", s -> hasReason(s, Conditions.Type.READY, Conditions.Reason.REPLAYING));
        assertThat(isTrue(replaying, Conditions.Type.INITIAL_LOAD_COMPLETE)).isTrue();
        assertThat(isTrue(replaying, Conditions.Type.RECONCILING)).isTrue();
        assertThat(replaying.getLag()).isEqualTo("9s");

        // Synced: nothing waits, so no lag.
        Instant lastEvent = Instant.parse("2026-01-02T03:04:05.678Z");
        harness.workerAnswers(
                ns,
                "orders",
                worker.applied(10, lastEvent)
                        .synced(Instant.parse("2026-01-02T03:04:07.120Z"))
                        .throttled(12));
        DynamoCollectionStatus synced = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));
        assertThat(condition(synced, Conditions.Type.READY).get().getReason()).isEqualTo(Conditions.Reason.CAUGHT_UP);
        assertThat(isTrue(synced, Conditions.Type.SYNCED)).isTrue();
        assertThat(synced.getPhase()).isEqualTo(Phase.STREAMING);
        assertThat(synced.getDocuments()).isEqualTo(1010L);
        assertThat(synced.getItemsLoaded()).isEqualTo(1000L);
        assertThat(synced.getSyncLagMs()).isZero();
        assertThat(synced.getLag()).isEqualTo("0ms");
        assertThat(synced.getLastEventTime()).isEqualTo("2026-01-02T03:04:05.678Z");
        assertThat(condition(synced, Conditions.Type.RECONCILING)).isEmpty();
        assertThat(condition(synced, Conditions.Type.STALLED)).isEmpty();
        assertThat(synced.getObservedGeneration()).isEqualTo(1L);
        var registry = harness.operator().registry();
        assertThat(registry.get("dynamosync.collection.documents")
                        .tag("namespace", ns)
                        .tag("collection", "orders")
                        .gauge()
                        .value())
                .isEqualTo(1010.0);
        assertThat(registry.get("dynamosync.collection.lag.seconds")
                        .tag("namespace", ns)
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("dynamosync.collection.throttles")
                        .tag("namespace", ns)
                        .gauge()
                        .value())
                .isEqualTo(12.0);
        assertThat(registry.get("dynamosync.collection.phase")
                        .tag("namespace", ns)
                        .tag("phase", "Streaming")
                        .gauge()
                        .value())
                .isEqualTo(1.0);

        // A busy table: the worker follows, 1.5 s behind with records waiting. Still Ready, not Synced.
        harness.workerAnswers(ns, "orders", worker.behind(1_500, 40));
        DynamoCollectionStatus behind =
                awaitStatus(ns, "orders", s -> hasReason(s, Conditions.Type.SYNCED, Conditions.Reason.BEHIND));
        assertThat(condition(behind, Conditions.Type.SYNCED).get().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(condition(behind, Conditions.Type.READY).get())
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly(Conditions.TRUE, Conditions.Reason.BEHIND);
        assertThat(behind.getLag()).isEqualTo("1s");
        assertThat(registry.get("dynamosync.collection.lag.seconds")
                        .tag("namespace", ns)
                        .gauge()
                        .value())
                .isEqualTo(1.5);
        assertThat(condition(behind, Conditions.Type.RECONCILING)).isEmpty();
        assertThat(harness.events(ns, "orders"))
                .extracting(Event::getReason)
                .contains(
                        Conditions.Reason.SCANNING,
                        Conditions.Reason.REPLAYING,
                        Conditions.Reason.CAUGHT_UP,
                        Conditions.Reason.BEHIND);
    }

    @Test
    void aVerificationAskedForWithTheAnnotationReachesTheWorkerAndItsFindingIsTheVerifiedCondition() {
        String ns = readyIntegration("verify", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();
        WorkerAnswer worker =
                WorkerAnswer.of("orders", table).scanning(1000, 1000).synced(Instant.parse("2026-01-02T01:00:00Z"));
        harness.workerAnswers(ns, "orders", worker);
        DynamoCollectionStatus ready = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));
        assertThat(condition(ready, Conditions.Type.VERIFIED))
                .as("no verification yet")
                .isEmpty();

        client.resources(DynamoCollection.class)
                .inNamespace(ns)
                .withName("orders")
                .edit(c -> {
                    Map<String, String> annotations = new HashMap<>();
                    if (c.getMetadata().getAnnotations() != null) {
                        annotations.putAll(c.getMetadata().getAnnotations());
                    }
                    annotations.put(Verification.REQUEST_ANNOTATION, "first");
                    c.getMetadata().setAnnotations(annotations);
                    return c;
                });
        await().until(() -> harness.verifyRequests(ns, "orders").contains("first"));

        // Taken, then ended with differences: the condition, the keys in the status, and a Warning.
        harness.workerAnswers(ns, "orders", worker.verifying("first"));
        Instant ended = Instant.parse("2026-01-02T02:00:00Z");
        harness.workerAnswers(ns, "orders", worker.verified("first", ended, List.of("id=7", "id=8")));
        DynamoCollectionStatus found = awaitStatus(
                ns, "orders", s -> hasReason(s, Conditions.Type.VERIFIED, Conditions.Reason.DIFFERENCES_REPAIRED));
        assertThat(condition(found, Conditions.Type.VERIFIED).get().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(found.getVerification().getDifferingKeys()).containsExactly("id=7", "id=8");
        assertThat(found.getVerification().getRequestToken()).isEqualTo("first");
        assertThat(found.getVerification().getCompletedAt()).isEqualTo("2026-01-02T02:00:00Z");
        assertThat(isTrue(found, Conditions.Type.READY))
                .as("a repaired replica stays Ready")
                .isTrue();
        await().untilAsserted(() -> assertThat(harness.events(ns, "orders"))
                .filteredOn(e ->
                        Conditions.Reason.DIFFERENCES_REPAIRED.equals(e.getReason()) && "Warning".equals(e.getType()))
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("2 document(s)", "id=7; id=8")));

        // A scheduled verification that finds nothing sets it True; the request, done, is not sent again.
        harness.workerAnswers(ns, "orders", worker.verified(null, Instant.parse("2026-01-02T03:00:00Z"), List.of()));
        DynamoCollectionStatus clean = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.VERIFIED));
        assertThat(condition(clean, Conditions.Type.VERIFIED).get().getReason())
                .isEqualTo(Conditions.Reason.NO_DIFFERENCES);
        assertThat(clean.getVerification().getDifferingKeys()).isNull();
        assertThat(harness.verifyRequests(ns, "orders")).containsOnly("first");
    }

    @Test
    void refusedItemsAndAReloadAfterTheStreamWasTrimmedAreShown() {
        String ns = readyIntegration("reload", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();
        await().until(() -> client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get()
                != null);

        // The worker lists refused items newest first; the status keeps the newest ten, newest last.
        WorkerAnswer worker =
                WorkerAnswer.of("orders", table).scanning(1000, 1000).synced(Instant.parse("2026-01-02T01:00:00Z"));
        Instant firstRefused = Instant.parse("2026-01-02T00:30:00Z");
        for (int i = 0; i < 12; i++) {
            worker.refused(
                    "id=" + i, "Conversion Error: Could not convert string 'x' to INT64", firstRefused.plusSeconds(i));
        }
        harness.workerAnswers(ns, "orders", worker);
        DynamoCollectionStatus loaded = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));
        assertThat(loaded.getRefusedItems())
                .extracting(io.dynamosync.api.v1alpha1.WorkerEvent::getKey)
                .containsExactly("id=2", "id=3", "id=4", "id=5", "id=6", "id=7", "id=8", "id=9", "id=10", "id=11");
        assertThat(loaded.getRefusedItems().get(9).getAt()).isEqualTo("2026-01-02T00:30:11Z");
        assertThat(loaded.getRebootstraps()).isNull();
        // Said once in an Event, naming the newest; later polls of the same list add none.
        await().untilAsserted(() -> assertThat(harness.events(ns, "orders"))
                .filteredOn(e -> "ItemsRefused".equals(e.getReason()))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("10 or more item(s)", "id=11", "Conversion Error");
                }));
        worker.refused(
                "id=12", "Conversion Error: Could not convert string 'y' to INT64", firstRefused.plusSeconds(12));
        harness.workerAnswers(ns, "orders", worker);
        await().untilAsserted(() -> assertThat(harness.events(ns, "orders"))
                .filteredOn(e -> "ItemsRefused".equals(e.getReason()))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e.getMessage())
                        .startsWith("1 item(s) refused")
                        .contains("id=12")));

        // Records trimmed before the worker read them: it starts over with a new load, and says why only in its
        // re-bootstraps (no error); meanwhile the store keeps serving the previous load.
        Instant trimmed = Instant.parse("2026-01-03T00:00:00Z");
        harness.workerAnswers(
                ns, "orders", worker.reloading(WorkerAnswer.streamTrimmed("shardId-0001"), trimmed, 300, 1000));
        DynamoCollectionStatus reloading =
                awaitStatus(ns, "orders", s -> hasReason(s, Conditions.Type.READY, Conditions.Reason.STREAM_TRIMMED));
        assertThat(condition(reloading, Conditions.Type.READY).get()).satisfies(ready -> {
            assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(ready.getMessage())
                    .contains(
                            "2026-01-03T00:00:00Z",
                            "StreamTrimmed: records of shard shardId-0001 were trimmed before they were read",
                            "300 of about 1000 items loaded (30%)");
        });
        assertThat(condition(reloading, Conditions.Type.RECONCILING).get())
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly(Conditions.TRUE, Conditions.Reason.STREAM_TRIMMED);
        assertThat(condition(reloading, Conditions.Type.SYNCED).get())
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly(Conditions.FALSE, Conditions.Reason.STREAM_TRIMMED);
        assertThat(condition(reloading, Conditions.Type.INITIAL_LOAD_COMPLETE)
                        .get()
                        .getReason())
                .isEqualTo(Conditions.Reason.SCANNING);
        assertThat(condition(reloading, Conditions.Type.STALLED)).isEmpty();
        assertThat(reloading.getPhase()).isEqualTo(Phase.SCANNING);
        assertThat(reloading.getDocuments()).isEqualTo(1000L);
        // A new load refuses its items anew.
        assertThat(reloading.getRefusedItems()).isNull();
        assertThat(reloading.getRebootstraps()).singleElement().satisfies(r -> {
            assertThat(r.getAt()).isEqualTo("2026-01-03T00:00:00Z");
            assertThat(r.getReason()).startsWith("StreamTrimmed: ");
        });
        assertThat(harness.events(ns, "orders")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.Reason.STREAM_TRIMMED);
            assertThat(e.getMessage()).contains("shardId-0001");
        });

        // The new load completes and the worker follows again; the re-bootstrap stays listed.
        harness.workerAnswers(ns, "orders", worker.synced(Instant.parse("2026-01-03T00:20:00Z")));
        DynamoCollectionStatus reloaded =
                awaitStatus(ns, "orders", s -> hasReason(s, Conditions.Type.READY, Conditions.Reason.CAUGHT_UP));
        assertThat(condition(reloaded, Conditions.Type.RECONCILING)).isEmpty();
        assertThat(reloaded.getRebootstraps()).hasSize(1);
    }

    @Test
    void workerStopsAreStalledWithTheWorkersReasonAndClearOnceFixed() {
        String ns = readyIntegration("stopped", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();
        await().until(() -> client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get()
                != null);
        WorkerAnswer worker =
                WorkerAnswer.of("orders", table).scanning(1000, 1000).synced(Instant.parse("2026-01-02T01:00:00Z"));
        harness.workerAnswers(ns, "orders", worker);
        awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));

        // Reads of the stream denied: the worker still serves what it has, in phase Streaming, with the error.
        harness.workerAnswers(ns, "orders", worker.streamReadDenied(Instant.now()));
        DynamoCollectionStatus denied = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.STALLED));
        assertThat(condition(denied, Conditions.Type.STALLED).get().getReason())
                .isEqualTo(Conditions.Reason.ACCESS_DENIED);
        assertThat(condition(denied, Conditions.Type.READY).get()).satisfies(ready -> {
            assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(ready.getReason()).isEqualTo(Conditions.Reason.ACCESS_DENIED);
            assertThat(ready.getMessage()).contains("dynamodb:GetRecords", worker.streamArn());
        });
        assertThat(denied.getPhase()).isEqualTo(Phase.ERROR);
        assertThat(harness.events(ns, "orders")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.Reason.ACCESS_DENIED);
        });

        // Granted again: the next read works and the error goes.
        harness.workerAnswers(ns, "orders", worker.streamReadsWork());
        DynamoCollectionStatus granted = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));
        assertThat(condition(granted, Conditions.Type.STALLED)).isEmpty();
        assertThat(granted.getPhase()).isEqualTo(Phase.STREAMING);

        // A transformation DuckDB refuses stops the worker.
        harness.workerAnswers(
                ns,
                "orders",
                worker.stopped(
                        "TransformationFailed",
                        "the ingest transformation failed: "
                                + "Binder Error: Referenced column \"x\" not found in FROM clause!",
                        Instant.now()));
        DynamoCollectionStatus failed = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.STALLED));
        assertThat(condition(failed, Conditions.Type.READY).get())
                .extracting(Condition::getReason, Condition::getMessage)
                .containsExactly(
                        Conditions.Reason.INVALID_TRANSFORMATION,
                        "the ingest transformation failed: "
                                + "Binder Error: Referenced column \"x\" not found in FROM clause!");
        assertThat(condition(failed, Conditions.Type.STALLED).get().getReason())
                .isEqualTo(Conditions.Reason.INVALID_TRANSFORMATION);
        assertThat(failed.getPhase()).isEqualTo(Phase.ERROR);
    }

    @Test
    void workerThatCannotRunIsStalledWithWhatKubernetesSaysAndClearsOnceItRuns() {
        String ns = readyIntegration("crashing", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();
        StatefulSet sts = await().until(
                        () -> client.apps()
                                .statefulSets()
                                .inNamespace(ns)
                                .withName("orders-worker")
                                .get(),
                        s -> s != null);

        // The kubelet restarts the worker, which keeps exiting: not a worker still starting, but a fault.
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("orders-worker-0")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewStatus()
                        .withPhase("Running")
                        .addNewContainerStatus()
                        .withName("worker")
                        .withImage("registry.example/dynamo-sync/worker:1")
                        .withRestartCount(4)
                        .withNewState()
                        .withNewWaiting()
                        .withReason("CrashLoopBackOff")
                        .withMessage("back-off 1m20s restarting failed container=worker pod=orders-worker-0")
                        .endWaiting()
                        .endState()
                        .withNewLastState()
                        .withNewTerminated()
                        .withExitCode(1)
                        .withReason("Error")
                        .withMessage("the store at /data/store.duckdb is locked")
                        .endTerminated()
                        .endLastState()
                        .endContainerStatus()
                        .endStatus()
                        .build())
                .create();

        DynamoCollectionStatus crashing = awaitStatus(
                ns, "orders", s -> hasReason(s, Conditions.Type.STALLED, Conditions.Reason.WORKER_CRASH_LOOPING));
        assertThat(condition(crashing, Conditions.Type.STALLED).get().getStatus())
                .isEqualTo(Conditions.TRUE);
        assertThat(condition(crashing, Conditions.Type.READY).get()).satisfies(ready -> {
            assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
            assertThat(ready.getReason()).isEqualTo(Conditions.Reason.WORKER_CRASH_LOOPING);
            assertThat(ready.getMessage())
                    .contains(
                            "exit code 1",
                            "the store at /data/store.duckdb is locked",
                            "kubectl logs -n " + ns + " orders-worker-0 -c worker --previous")
                    .doesNotContain("back-off 1m20s");
        });
        assertThat(condition(crashing, Conditions.Type.RECONCILING)).isEmpty();
        assertThat(harness.events(ns, "orders")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(Conditions.Reason.WORKER_CRASH_LOOPING);
        });

        // Its image is gone instead: said with the image's name.
        client.pods()
                .inNamespace(ns)
                .withName("orders-worker-0")
                .edit(p -> new PodBuilder(p)
                        .editStatus()
                        .editFirstContainerStatus()
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ErrImagePull")
                        .withMessage(
                                "failed to pull and unpack image \"registry.example/dynamo-sync/worker:1\": not found")
                        .endWaiting()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build());
        DynamoCollectionStatus noImage = awaitStatus(
                ns, "orders", s -> hasReason(s, Conditions.Type.STALLED, Conditions.Reason.WORKER_IMAGE_UNAVAILABLE));
        assertThat(condition(noImage, Conditions.Type.READY).get().getMessage())
                .contains("registry.example/dynamo-sync/worker:1", "not found");

        // The pod runs and the worker answers: the fault clears by itself.
        client.pods()
                .inNamespace(ns)
                .withName("orders-worker-0")
                .edit(p -> new PodBuilder(p)
                        .editStatus()
                        .editFirstContainerStatus()
                        .withNewState()
                        .withNewRunning()
                        .endRunning()
                        .endState()
                        .endContainerStatus()
                        .endStatus()
                        .build());
        harness.workerAnswers(
                ns,
                "orders",
                WorkerAnswer.of("orders", table).scanning(1000, 1000).synced(Instant.parse("2026-01-02T01:00:00Z")));
        DynamoCollectionStatus running = awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.READY));
        assertThat(condition(running, Conditions.Type.STALLED)).isEmpty();

        // No pod at all: the StatefulSet controller's FailedCreate says why.
        harness.workerAnswers(ns, "orders", null);
        client.pods().inNamespace(ns).withName("orders-worker-0").delete();
        client.resource(new EventBuilder()
                        .withNewMetadata()
                        .withName("orders-worker.failed")
                        .withNamespace(ns)
                        .endMetadata()
                        .withReason("FailedCreate")
                        .withType("Warning")
                        .withNewInvolvedObject()
                        .withKind("StatefulSet")
                        .withName("orders-worker")
                        .withNamespace(ns)
                        .withUid(sts.getMetadata().getUid())
                        .endInvolvedObject()
                        .withMessage("create Pod orders-worker-0 in StatefulSet orders-worker failed error: pods "
                                + "\"orders-worker-0\" is forbidden: error looking up service account " + ns
                                + "/dynamo-sync-worker: serviceaccount \"dynamo-sync-worker\" not found")
                        .withLastTimestamp("2026-01-02T01:00:00Z")
                        .build())
                .create();
        DynamoCollectionStatus notCreated = awaitStatus(
                ns, "orders", s -> hasReason(s, Conditions.Type.STALLED, Conditions.Reason.WORKER_POD_NOT_CREATED));
        assertThat(condition(notCreated, Conditions.Type.READY).get().getMessage())
                .contains("serviceaccount \"dynamo-sync-worker\" not found");
    }

    @Test
    void changedReadCapacityUpdatesSettingsAndChangedTransformationRebuilds() {
        String ns = readyIntegration("change", null);
        client.resource(Fixtures.collection(ns, "orders", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES)))
                .create();
        WorkerSettings first = await().until(() -> settings(ns, "orders"), s -> s != null);
        String firstHash = await().until(() -> podHash(ns), h -> h != null);

        harness.editCollection(ns, "orders", spec -> spec.setReadCapacity(ReadCapacity.ofUnits(25)));
        WorkerSettings capped =
                await().until(() -> settings(ns, "orders"), s -> s.load().readCapacityUnits() != null);
        assertThat(capped.load().readCapacityUnits()).isEqualTo(25.0);
        assertThat(capped.loadGeneration()).isEqualTo(first.loadGeneration());
        // The ConfigMap is written first, then the StatefulSet whose pod template carries the new hash.
        await().until(() -> !firstHash.equals(podHash(ns)));

        harness.editCollection(ns, "orders", spec -> spec.setIngestTransformation("SELECT *, 1 AS v FROM _input"));
        WorkerSettings rebuilt = await().until(() -> settings(ns, "orders"), s -> s.ingestTransformation() != null);
        assertThat(rebuilt.loadGeneration()).isEqualTo(first.loadGeneration() + 1);
        assertThat(rebuilt.load().readCapacityUnits()).isEqualTo(25.0);
        await().untilAsserted(() -> assertThat(harness.events(ns, "orders"))
                .extracting(Event::getReason)
                .contains("SettingsChanged", "Rebuilding"));
        awaitStatus(ns, "orders", s -> s.getObservedGeneration() == 3L);
    }

    @Test
    void rotatedAccessKeysRollTheWorker() {
        String ns = readyIntegration("rotate", null);
        client.resource(Fixtures.collection(ns, "orders", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES)))
                .create();
        String before = await().until(() -> podHash(ns), h -> h != null);
        String identityBefore =
                harness.integration(ns, "prod").getStatus().getIdentity().getArn();

        StsService.Identity rotated = aws.sts().addUser("000000000000", "rotated-" + ns);
        Secret secret = client.secrets().inNamespace(ns).withName("aws-keys").get();
        secret.setStringData(Map.of(
                AccessKeySecretRef.DEFAULT_ACCESS_KEY_ID_KEY,
                rotated.accessKeyId(),
                AccessKeySecretRef.DEFAULT_SECRET_ACCESS_KEY_KEY,
                rotated.secretAccessKey()));
        client.resource(secret).update();

        // The pod template changes, so the StatefulSet controller restarts the worker with the Secret's new values.
        await().atMost(Duration.ofSeconds(30)).until(() -> !before.equals(podHash(ns)));
        await().untilAsserted(() -> assertThat(harness.events(ns, "orders"))
                .extracting(Event::getReason)
                .contains("SecretsChanged"));
        await().until(
                        () -> harness.integration(ns, "prod").getStatus().getIdentity(),
                        id -> id != null && !identityBefore.equals(id.getArn()));
        StatefulSet sts = client.apps()
                .statefulSets()
                .inNamespace(ns)
                .withName("orders-worker")
                .get();
        assertThat(Serialization.asJson(sts)).doesNotContain(rotated.secretAccessKey(), rotated.accessKeyId());
        String after = podHash(ns);
        // Nothing else changed: later reconciles keep the pod.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> after.equals(podHash(ns)));
    }

    @Test
    void deleteRemovesTheVolumeAndTheExportFiles() {
        String bucket = bucket();
        String ns = readyIntegration("delete", bucket);
        DynamoCollection orders = Fixtures.collection(ns, "orders", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES));
        orders.getSpec().setDeletionPolicy(DeletionPolicy.DELETE);
        client.resource(orders).create();
        DynamoCollection kept = Fixtures.collection(ns, "kept", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES));
        client.resource(kept).create();
        await().until(() -> client.apps()
                                .statefulSets()
                                .inNamespace(ns)
                                .withName("kept-worker")
                                .get()
                        != null
                && client.apps()
                                .statefulSets()
                                .inNamespace(ns)
                                .withName("orders-worker")
                                .get()
                        != null);
        for (String name : List.of("orders", "kept")) {
            // The StatefulSet controller would make these; the mock API server has none.
            client.resource(new PersistentVolumeClaimBuilder()
                            .withNewMetadata()
                            .withNamespace(ns)
                            .withName(CollectionWorker.volumeClaimName(name))
                            .endMetadata()
                            .withNewSpec()
                            .withAccessModes("ReadWriteOnce")
                            .endSpec()
                            .build())
                    .create();
            aws.s3()
                    .putObject(
                            r -> r.bucket(bucket).key("exports/" + ns + "/" + name + "/AWSDynamoDB/1/data/a.json.gz"),
                            RequestBody.fromString("x"));
        }

        client.resources(DynamoCollection.class)
                .inNamespace(ns)
                .withName("orders")
                .delete();
        client.resources(DynamoCollection.class)
                .inNamespace(ns)
                .withName("kept")
                .delete();

        await().until(() -> harness.collection(ns, "orders") == null && harness.collection(ns, "kept") == null);
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName("data-orders-worker-0")
                        .get())
                .isNull();
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName("data-kept-worker-0")
                        .get())
                .isNotNull();
        assertThat(keys(bucket, "exports/" + ns + "/orders/")).isEmpty();
        assertThat(keys(bucket, "exports/" + ns + "/kept/")).isNotEmpty();
    }

    @Test
    void deniedExportCleanupIsRetriedThenTheCollectionGoesAndSaysWhatWasLeft() throws Exception {
        // S3 as it answers an identity without s3:ListBucket or s3:DeleteObject on the bucket.
        HttpServer deniedS3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        AtomicInteger s3Calls = new AtomicInteger();
        deniedS3.createContext("/", exchange -> {
            s3Calls.incrementAndGet();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                            + "<Message>Access Denied</Message><RequestId>1</RequestId></Error>")
                    .getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        deniedS3.start();
        try {
            String ns = OperatorHarness.namespace("denied");
            createIntegration(ns, "locked-bucket");
            String lockedS3 = "http://127.0.0.1:" + deniedS3.getAddress().getPort();
            harness.editIntegration(ns, "prod", spec -> spec.getEndpoints().setS3(lockedS3));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> harness.integration(ns, "prod").getStatus(), s -> isTrue(s, Conditions.Type.READY));
            DynamoCollection orders =
                    Fixtures.collection(ns, "orders", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES));
            orders.getSpec().setDeletionPolicy(DeletionPolicy.DELETE);
            client.resource(orders).create();
            await().until(() -> client.apps()
                            .statefulSets()
                            .inNamespace(ns)
                            .withName("orders-worker")
                            .get()
                    != null);

            client.resources(DynamoCollection.class)
                    .inNamespace(ns)
                    .withName("orders")
                    .delete();

            // Retried while the finalizer holds the collection, saying so in its status.
            DynamoCollectionStatus retrying = awaitStatus(
                    ns,
                    "orders",
                    s -> condition(s, Conditions.Type.RECONCILING)
                            .map(c -> Conditions.Reason.CLEANUP_FAILED.equals(c.getReason()))
                            .orElse(false));
            assertThat(condition(retrying, Conditions.Type.RECONCILING).get().getMessage())
                    .contains("s3://locked-bucket/exports/" + ns + "/orders/", "Access Denied", "attempt");
            // Then it goes, bounded, and the Warning names what was left behind.
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.collection(ns, "orders") == null);
            assertThat(harness.events(ns, "orders"))
                    .filteredOn(e -> e.getReason().equals("CleanupFailed"))
                    .hasSize(CollectionCleanup.MAX_ATTEMPTS - 1);
            assertThat(harness.events(ns, "orders"))
                    .filteredOn(e -> e.getReason().equals("ExportFilesKept"))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getMessage())
                                .contains("s3://locked-bucket/exports/" + ns + "/orders/", "aws s3 rm --recursive");
                    });
            assertThat(s3Calls.get()).isEqualTo(CollectionCleanup.MAX_ATTEMPTS);
        } finally {
            deniedS3.stop(0);
        }
    }

    @Test
    void largerStorageExpandsTheClaimWhereItsClassAllowsAndSaysWhyNotElsewhere() {
        String ns = readyIntegration("resize", null);
        for (String[] storageClass : new String[][] {{"growable-" + ns, "true"}, {"fixed-" + ns, "false"}}) {
            client.resource(new StorageClassBuilder()
                            .withNewMetadata()
                            .withName(storageClass[0])
                            .endMetadata()
                            .withProvisioner("example.com/disk")
                            .withAllowVolumeExpansion(Boolean.valueOf(storageClass[1]))
                            .build())
                    .create();
        }
        for (String name : List.of("grows", "fixed")) {
            DynamoCollection collection =
                    Fixtures.collection(ns, name, "prod", table(StreamViewType.NEW_AND_OLD_IMAGES));
            Storage storage = new Storage();
            storage.setSize("10Gi");
            storage.setStorageClassName((name.equals("grows") ? "growable-" : "fixed-") + ns);
            collection.getSpec().setStorage(storage);
            client.resource(collection).create();
            await().until(() -> client.apps()
                            .statefulSets()
                            .inNamespace(ns)
                            .withName(name + "-worker")
                            .get()
                    != null);
            // The StatefulSet controller would make the claim from the template; the mock API server has none.
            client.resource(new PersistentVolumeClaimBuilder()
                            .withNewMetadata()
                            .withNamespace(ns)
                            .withName(CollectionWorker.volumeClaimName(name))
                            .endMetadata()
                            .withNewSpec()
                            .withAccessModes("ReadWriteOnce")
                            .withStorageClassName(storage.getStorageClassName())
                            .withNewResources()
                            .addToRequests("storage", new Quantity("10Gi"))
                            .endResources()
                            .endSpec()
                            .withNewStatus()
                            .addToCapacity("storage", new Quantity("10Gi"))
                            .endStatus()
                            .build())
                    .create();
            harness.editCollection(ns, name, spec -> spec.getStorage().setSize("20Gi"));
        }

        DynamoCollectionStatus grows = awaitStatus(
                ns,
                "grows",
                s -> condition(s, Conditions.Type.VOLUME_RESIZED)
                        .map(c -> Conditions.Reason.EXPANDING.equals(c.getReason()))
                        .orElse(false));
        assertThat(condition(grows, Conditions.Type.VOLUME_RESIZED).get().getMessage())
                .contains("10Gi", "20Gi");
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName("data-grows-worker-0")
                        .get()
                        .getSpec()
                        .getResources()
                        .getRequests())
                .containsEntry("storage", new Quantity("20Gi"));
        DynamoCollectionStatus fixed = awaitStatus(
                ns, "fixed", s -> condition(s, Conditions.Type.VOLUME_RESIZED).isPresent());
        assertThat(condition(fixed, Conditions.Type.VOLUME_RESIZED).get()).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo(Conditions.Reason.EXPANSION_NOT_ALLOWED);
            assertThat(c.getMessage()).contains("fixed-" + ns, "allowVolumeExpansion");
        });
        assertThat(client.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withName("data-fixed-worker-0")
                        .get()
                        .getSpec()
                        .getResources()
                        .getRequests())
                .containsEntry("storage", new Quantity("10Gi"));

        // Once the driver has expanded it, the condition goes.
        var claim = client.persistentVolumeClaims()
                .inNamespace(ns)
                .withName("data-grows-worker-0")
                .get();
        claim.getStatus().getCapacity().put("storage", new Quantity("20Gi"));
        client.resource(claim).updateStatus();
        awaitStatus(
                ns, "grows", s -> condition(s, Conditions.Type.VOLUME_RESIZED).isEmpty());
    }

    @Test
    void missingIntegrationIsSaidAndTheCollectionProceedsOnceItExists() {
        String ns = OperatorHarness.namespace("late");
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "orders", "prod", table)).create();

        DynamoCollectionStatus waiting = awaitStatus(
                ns,
                "orders",
                s -> condition(s, Conditions.Type.READY)
                        .map(c -> Conditions.Reason.INTEGRATION_NOT_FOUND.equals(c.getReason()))
                        .orElse(false));
        assertThat(condition(waiting, Conditions.Type.READY).get().getMessage()).contains("prod", ns);

        createIntegration(ns, null);
        awaitStatus(ns, "orders", s -> isTrue(s, Conditions.Type.STREAM_ENABLED));
    }

    @Test
    void twoCollectionsOnOneTableBothGetAWarning() {
        String ns = readyIntegration("shared", null);
        String table = table(StreamViewType.NEW_AND_OLD_IMAGES);
        client.resource(Fixtures.collection(ns, "first", "prod", table)).create();
        client.resource(Fixtures.collection(ns, "second", "prod", table)).create();

        for (String name : List.of("first", "second")) {
            DynamoCollectionStatus status = awaitStatus(ns, name, s -> isTrue(s, Conditions.Type.STREAM_SHARED));
            String other = name.equals("first") ? "second" : "first";
            assertThat(condition(status, Conditions.Type.STREAM_SHARED).get().getMessage())
                    .contains(ns + "/" + other);
            assertThat(harness.events(ns, name)).anySatisfy(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getReason()).isEqualTo(Conditions.Reason.ANOTHER_READER);
            });
        }

        client.resources(DynamoCollection.class)
                .inNamespace(ns)
                .withName("second")
                .delete();
        awaitStatus(
                ns, "first", s -> condition(s, Conditions.Type.STREAM_SHARED).isEmpty());
    }

    @Test
    void suspendScalesTheWorkerToZeroAndResumeBringsItBack() {
        String ns = readyIntegration("suspend", null);
        client.resource(Fixtures.collection(ns, "orders", "prod", table(StreamViewType.NEW_AND_OLD_IMAGES)))
                .create();
        await().until(() -> client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get()
                != null);

        harness.editCollection(ns, "orders", spec -> spec.setSuspend(true));

        DynamoCollectionStatus status = awaitStatus(
                ns,
                "orders",
                s -> condition(s, Conditions.Type.READY)
                        .map(c -> Conditions.Reason.SUSPENDED.equals(c.getReason()))
                        .orElse(false));
        assertThat(condition(status, Conditions.Type.SYNCED).get().getMessage()).contains("resume before");
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isZero();

        harness.editCollection(ns, "orders", spec -> spec.setSuspend(false));
        await().until(() -> client.apps()
                        .statefulSets()
                        .inNamespace(ns)
                        .withName("orders-worker")
                        .get()
                        .getSpec()
                        .getReplicas()
                == 1);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A namespace with a Ready access-key integration named prod pointed at LocalAws. */
    private static String readyIntegration(String prefix, String bucket) {
        String ns = OperatorHarness.namespace(prefix);
        createIntegration(ns, bucket);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> harness.integration(ns, "prod").getStatus(), s -> isTrue(s, Conditions.Type.READY));
        return ns;
    }

    private static void createIntegration(String ns, String bucket) {
        StsService.Identity user = aws.sts().addUser("000000000000", "sync-" + ns);
        harness.keySecret(ns, "aws-keys", user.accessKeyId(), user.secretAccessKey());
        DynamoIntegration integration =
                harness.atLocalAws(Fixtures.keyIntegration(ns, "prod", "us-east-1", "aws-keys"));
        if (bucket != null) {
            S3Bucket s3 = new S3Bucket();
            s3.setBucket(bucket);
            s3.setPrefix("exports");
            s3.setForcePathStyle(true);
            s3.setChecksumWhenRequired(true);
            integration.getSpec().setS3(s3);
        }
        client.resource(integration).create();
    }

    private static String table(StreamViewType stream) {
        String table = LocalAws.uniqueName("orders");
        aws.dynamoDb().createTable(r -> {
            r.tableName(table)
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("id")
                            .keyType(KeyType.HASH)
                            .build())
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("id")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .billingMode(BillingMode.PAY_PER_REQUEST);
            if (stream != null) {
                r.streamSpecification(s -> s.streamEnabled(true).streamViewType(stream));
            }
        });
        return table;
    }

    private static String bucket() {
        String bucket = LocalAws.uniqueName("exports").toLowerCase();
        aws.s3().createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    private static List<String> keys(String bucket, String prefix) {
        return aws.s3().listObjectsV2(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key)
                .toList();
    }

    private static WorkerSettings settings(String ns, String name) {
        ConfigMap configMap =
                client.configMaps().inNamespace(ns).withName(name + "-worker").get();
        return CollectionWorker.readSettings(configMap).orElse(null);
    }

    private static String podHash(String ns) {
        StatefulSet sts = client.apps()
                .statefulSets()
                .inNamespace(ns)
                .withName("orders-worker")
                .get();
        if (sts == null) {
            return null;
        }
        Map<String, String> annotations =
                sts.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations.get(CollectionWorker.SETTINGS_HASH_ANNOTATION);
    }

    private static AccessCheck check(DynamoCollectionStatus status, String action) {
        return status.getAccess().stream()
                .filter(c -> c.getAction().equals(action))
                .findFirst()
                .orElseThrow(() -> new AssertionError(action + " not probed: " + status.getAccess()));
    }

    private static DynamoCollectionStatus awaitStatus(String ns, String name, Predicate<DynamoCollectionStatus> until) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            DynamoCollection c = harness.collection(ns, name);
                            return c == null ? null : c.getStatus();
                        },
                        s -> s != null && until.test(s));
    }

    private static boolean isTrue(io.dynamosync.api.v1alpha1.Status status, String type) {
        return condition(status, type)
                .map(c -> Conditions.TRUE.equals(c.getStatus()))
                .orElse(false);
    }

    private static boolean hasReason(io.dynamosync.api.v1alpha1.Status status, String type, String reason) {
        return condition(status, type).map(c -> reason.equals(c.getReason())).orElse(false);
    }

    private static boolean isFalse(io.dynamosync.api.v1alpha1.Status status, String type) {
        return condition(status, type)
                .map(c -> Conditions.FALSE.equals(c.getStatus()))
                .orElse(false);
    }
}
