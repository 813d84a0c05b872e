package io.dynamosync.operator.collection;

import io.dynamosync.api.v1alpha1.AccessCheck;
import io.dynamosync.api.v1alpha1.CollectionMode;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.api.v1alpha1.Conditions.Type;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoCollectionStatus;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.dynamosync.api.v1alpha1.Phase;
import io.dynamosync.api.v1alpha1.S3Bucket;
import io.dynamosync.api.v1alpha1.Verification;
import io.dynamosync.api.v1alpha1.VerificationResult;
import io.dynamosync.api.v1alpha1.WorkerEvent;
import io.dynamosync.api.worker.WorkerSettings;
import io.dynamosync.api.worker.WorkerStatus;
import io.dynamosync.operator.OperatorSettings;
import io.dynamosync.operator.ReferencedSecrets;
import io.dynamosync.operator.aws.AccessProbe;
import io.dynamosync.operator.aws.AccessProbe.ExportAccess;
import io.dynamosync.operator.aws.AccessProbe.ExportTarget;
import io.dynamosync.operator.aws.AccessProbe.TableAccess;
import io.dynamosync.operator.aws.AwsAccount;
import io.dynamosync.operator.aws.AwsConnector;
import io.dynamosync.operator.aws.AwsUnavailableException;
import io.dynamosync.operator.aws.CredentialsException;
import io.dynamosync.operator.aws.ExportFiles;
import io.dynamosync.operator.aws.StreamEnabler;
import io.dynamosync.operator.aws.TableRef;
import io.dynamosync.operator.iam.IamPolicies;
import io.dynamosync.operator.status.EventRecorder;
import io.dynamosync.operator.status.StatusDraft;
import io.dynamosync.operator.status.StatusWrite;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a DynamoCollection as a flat pipeline of named steps: resolve its integration, connect to AWS,
 * verify access (ensuring the stream: turning it on where it is off and spec.enableStream allows), report access,
 * provision the worker (with {@link OwnedObjects} and {@link VolumeExpansion}), report what the worker says, and
 * warn when another collection reads the same stream. Deletion ({@link CollectionCleanup}) removes what the
 * collection owns according to its deletionPolicy, and always finishes.
 */
@ControllerConfiguration(name = DynamoCollectionReconciler.NAME)
public final class DynamoCollectionReconciler implements Reconciler<DynamoCollection>, Cleaner<DynamoCollection> {

    /** The controller's name, in metrics and logs. */
    public static final String NAME = "dynamocollection";
    /** How soon a reconcile whose status write met a newer version runs again. */
    private static final Duration CONFLICT_RETRY = Duration.ofSeconds(1);
    /** Annotation on the StatefulSet holding when the collection was suspended. */
    static final String SUSPENDED_AT_ANNOTATION = "dynamosync.io/suspended-at";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoCollectionReconciler.class);

    private final OperatorSettings settings;
    private final AwsConnector connector;
    private final AccessProbe accessProbe;
    private final StreamEnabler streamEnabler;
    private final WorkerStatusSource workers;
    private final EventRecorder events;
    private final PhaseMetrics phases;
    private final Clock clock;
    private final CollectionCleanup cleanup;
    /** The last access verification of each collection, so that AWS is not probed on every status poll. */
    private final Map<ResourceID, Verified> verified = new ConcurrentHashMap<>();

    /** What one access verification found, and for which spec and integration. */
    private record Verified(
            long generation,
            String integrationState,
            Instant at,
            boolean tableFound,
            List<AccessCheck> checks,
            String streamArn,
            String viewType,
            boolean streamTurnedOn,
            boolean exports,
            boolean recoveryMissing,
            boolean needsStream) {

        boolean healthy() {
            return tableFound
                    && checks.stream().allMatch(AccessCheck::isGranted)
                    && (!needsStream || viewType != null && AccessRules.SUITABLE_VIEW_TYPES.contains(viewType))
                    && !recoveryMissing;
        }
    }

    /** The state one reconcile builds up, step by step. */
    private static final class Run {
        final DynamoCollection collection;
        final Context<DynamoCollection> context;
        final StatusDraft<DynamoCollectionStatus> draft;
        DynamoIntegration integration;
        AwsAccount account;
        Verified access;
        Duration retryAfter;

        Run(DynamoCollection collection, Context<DynamoCollection> context, Clock clock) {
            this.collection = collection;
            this.context = context;
            DynamoCollectionStatus before = collection.getStatus();
            this.draft = new StatusDraft<>(
                    collection,
                    before,
                    before == null ? new DynamoCollectionStatus() : Serialization.clone(before),
                    clock);
        }

        String namespace() {
            return collection.getMetadata().getNamespace();
        }

        String name() {
            return collection.getMetadata().getName();
        }

        /** Stops the pipeline here and asks to be run again after {@code retry}. */
        boolean stop(Duration retry) {
            retryAfter = retry;
            return false;
        }
    }

    /** A reconciler with its collaborators; the AWS ones are interfaces so that the steps read as intent. */
    public DynamoCollectionReconciler(
            OperatorSettings settings,
            AwsConnector connector,
            AccessProbe accessProbe,
            StreamEnabler streamEnabler,
            ExportFiles exportFiles,
            WorkerStatusSource workers,
            EventRecorder events,
            PhaseMetrics phases,
            Clock clock) {
        this.settings = settings;
        this.connector = connector;
        this.accessProbe = accessProbe;
        this.streamEnabler = streamEnabler;
        this.workers = workers;
        this.events = events;
        this.phases = phases;
        this.clock = clock;
        this.cleanup = new CollectionCleanup(settings.statusPollPeriod(), connector, exportFiles, events, clock);
    }

    @Override
    public List<EventSource<?, DynamoCollection>> prepareEventSources(EventSourceContext<DynamoCollection> context) {
        var primaries = context.getPrimaryCache();
        InformerEventSource<DynamoIntegration, DynamoCollection> integrations = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DynamoIntegration.class, DynamoCollection.class)
                        .withName("integrations")
                        // Collections wait for their integration to become Ready; other status changes (a new
                        // permissions policy as collections come and go) must not wake every collection.
                        .withOnUpdateFilter(
                                (now, before) -> !Objects.equals(integrationState(now), integrationState(before)))
                        .withSecondaryToPrimaryMapper(integration -> primaries
                                .list(
                                        integration.getMetadata().getNamespace(),
                                        c -> usesIntegration(
                                                c, integration.getMetadata().getName()))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((DynamoCollection c) -> Set.of(new ResourceID(
                                c.getSpec().getIntegrationRef().getName(),
                                c.getMetadata().getNamespace())))
                        .build(),
                context);
        // No Secret informer (it would need list and watch on every Secret of the watched namespaces): every
        // reconcile, at least once a status poll period, reads the Secrets the worker uses by name and rolls the
        // worker when their values changed.
        return List.of(integrations);
    }

    private static boolean usesIntegration(DynamoCollection c, String integration) {
        return c.getSpec() != null
                && c.getSpec().getIntegrationRef() != null
                && integration.equals(c.getSpec().getIntegrationRef().getName());
    }

    @Override
    public UpdateControl<DynamoCollection> reconcile(DynamoCollection collection, Context<DynamoCollection> context) {
        Run run = new Run(collection, context, clock);
        boolean ready =
                resolveIntegration(run) && sameRegion(run) && connect(run) && verifyAccess(run) && reportAccess(run);
        if (ready || workerExists(run)) {
            provisionWorker(run);
            reportWorker(run);
        }
        warnOfSharedStream(run);
        return finish(run);
    }

    // ---- steps -------------------------------------------------------------------------------------------------

    private boolean resolveIntegration(Run run) {
        String name = run.collection.getSpec().getIntegrationRef().getName();
        DynamoIntegration integration =
                run.context.getSecondaryResource(DynamoIntegration.class).orElse(null);
        if (integration == null) {
            String message = "DynamoIntegration " + name + " does not exist in namespace " + run.namespace()
                    + "; create it or fix spec.integrationRef.";
            waitFor(run, Reason.INTEGRATION_NOT_FOUND, message, true);
            return run.stop(settings.statusPollPeriod());
        }
        if (integration.getStatus() == null || !integration.getStatus().hasTrueCondition(Type.READY)) {
            String why = integration.getStatus() == null
                    ? "it has not been checked yet"
                    : integration
                            .getStatus()
                            .findCondition(Type.READY)
                            .map(c -> c.getReason() + ": " + c.getMessage())
                            .orElse("it has not been checked yet");
            waitFor(
                    run,
                    Reason.INTEGRATION_NOT_READY,
                    "DynamoIntegration " + name + " is not Ready (" + why + "); the collection waits for it.",
                    false);
            return run.stop(settings.statusPollPeriod());
        }
        run.integration = integration;
        return true;
    }

    /**
     * A table ARN must name the integration's region: the integration's clients call that region's endpoints, where
     * a table of another region does not exist (DynamoDB Local, which ignores regions, would find it anyway).
     */
    private boolean sameRegion(Run run) {
        String region = run.integration.getSpec().getRegion();
        String table = run.collection.getSpec().getTable();
        TableRef ref = TableRef.of(table, region, null);
        if (ref.region().equals(region)) {
            return true;
        }
        String message = "Table " + table + " is in region " + ref.region() + ", but DynamoIntegration "
                + run.integration.getMetadata().getName() + " reaches region " + region + "; use an integration for "
                + ref.region() + ", or fix spec.table.";
        run.draft.status().setPhase(Phase.ERROR);
        run.draft.stalled(Reason.TABLE_NOT_FOUND, message);
        return run.stop(settings.statusPollPeriod());
    }

    private boolean connect(Run run) {
        try {
            run.account = connector.connect(
                    run.integration,
                    ReferencedSecrets.accessKeys(run.context.getClient(), run.integration),
                    AwsConnector.externalId(run.integration));
            return true;
        } catch (CredentialsException e) {
            // The integration's own reconcile reports this; the collection waits for it.
            waitFor(
                    run,
                    Reason.INTEGRATION_NOT_READY,
                    "DynamoIntegration " + run.integration.getMetadata().getName() + " cannot reach AWS: "
                            + e.getMessage(),
                    false);
            return run.stop(settings.statusPollPeriod());
        }
    }

    /**
     * Probes every permission the collection needs and turns the stream on where it is off, which is also how
     * UpdateTable is probed. Remembered per spec and integration, and repeated when it found a problem (IAM
     * changes are invisible to Kubernetes) or when the recheck period has passed.
     */
    private boolean verifyAccess(Run run) {
        ResourceID id = ResourceID.fromResource(run.collection);
        Verified last = verified.get(id);
        long generation =
                Objects.requireNonNullElse(run.collection.getMetadata().getGeneration(), 0L);
        String integrationState = integrationState(run.integration);
        Instant now = clock.instant();
        if (last != null
                && last.healthy()
                && last.generation() == generation
                && last.integrationState().equals(integrationState)
                && Duration.between(last.at(), now).compareTo(settings.accessRecheckPeriod()) < 0) {
            run.access = last;
            return true;
        }
        if (last == null || last.generation() != generation) {
            run.draft.status().setPhase(Phase.VALIDATING);
            run.draft.setTrue(Type.RECONCILING, Reason.VALIDATING, "Probing AWS permissions and the table.");
        }
        String table = run.collection.getSpec().getTable();
        try {
            TableAccess probed = accessProbe.probeTable(run.account, table);
            List<AccessCheck> checks = new ArrayList<>(probed.checks());
            StreamState stream;
            if (snapshot(run)) {
                // A snapshot reads no stream: its permissions are not asked for, and its state does not matter.
                checks.removeIf(c -> STREAM_CHECKS.contains(c.getAction()));
                stream = new StreamState(null, null, false);
            } else {
                stream = ensureStream(run, probed, checks);
            }
            boolean exports = exports(run, probed);
            S3Bucket bucket = run.integration.getSpec().getS3();
            boolean recoveryMissing = false;
            if (probed.tableFound() && exports && bucket != null) {
                boolean deletesFiles =
                        Boolean.TRUE.equals(run.collection.getSpec().getCleanupExport())
                                || run.collection.getSpec().getDeletionPolicy() == DeletionPolicy.DELETE;
                ExportAccess export = accessProbe.probeExport(
                        run.account,
                        table,
                        new ExportTarget(
                                bucket.getBucket(),
                                CollectionWorker.exportPrefix(bucket.getPrefix(), run.namespace(), run.name()),
                                deletesFiles));
                checks.addAll(export.checks());
                recoveryMissing = Boolean.FALSE.equals(export.pointInTimeRecovery())
                        && !Boolean.TRUE.equals(run.collection.getSpec().getEnablePointInTimeRecovery());
            }
            run.access = new Verified(
                    generation,
                    integrationState,
                    now,
                    probed.tableFound(),
                    List.copyOf(checks),
                    stream.arn(),
                    stream.viewType(),
                    stream.turnedOn(),
                    exports,
                    recoveryMissing,
                    !snapshot(run));
            verified.put(id, run.access);
            return true;
        } catch (AwsUnavailableException e) {
            String message = e.getMessage() + " Retrying.";
            run.draft.set(Type.ACCESS_VERIFIED, Conditions.UNKNOWN, Reason.AWS_UNREACHABLE, message);
            run.draft.setTrue(Type.RECONCILING, Reason.AWS_UNREACHABLE, message);
            return run.stop(settings.statusPollPeriod());
        }
    }

    /** The stream actions the access probe checks, which a snapshot collection does not need. */
    private static final Set<String> STREAM_CHECKS = Stream.concat(
                    IamPolicies.STREAM_ACTIONS.stream(), Stream.of("dynamodb:ListStreams"))
            .collect(Collectors.toUnmodifiableSet());

    private static boolean snapshot(Run run) {
        return run.collection.getSpec().getMode() == CollectionMode.SNAPSHOT;
    }

    /** The table's stream as the verification leaves it. */
    private record StreamState(String arn, String viewType, boolean turnedOn) {}

    /**
     * Turns the table's stream on where it is off and the spec allows it (a change to the user's table, so only
     * with spec.enableStream), which is also how UpdateTable is probed; adds what it did to {@code checks}.
     */
    private StreamState ensureStream(Run run, TableAccess probed, List<AccessCheck> checks) {
        if (!probed.tableFound()
                || probed.streamArn() != null
                || !probed.checks().get(0).isGranted()
                || !Boolean.TRUE.equals(run.collection.getSpec().getEnableStream())) {
            return new StreamState(probed.streamArn(), probed.streamViewType(), false);
        }
        StreamEnabler.StreamChange change =
                streamEnabler.enable(run.account, run.collection.getSpec().getTable());
        String tableArn = probed.checks().get(0).getResource();
        if (!change.enabled()) {
            checks.add(new AccessCheck(
                    "dynamodb:UpdateTable",
                    tableArn,
                    false,
                    change.deniedMessage() + " Grant dynamodb:UpdateTable on " + tableArn
                            + ", or turn the stream on yourself."));
            return new StreamState(null, null, false);
        }
        checks.add(new AccessCheck(
                "dynamodb:UpdateTable",
                tableArn,
                true,
                "Allowed; the operator turned the stream on with " + StreamEnabler.VIEW_TYPE + "."));
        checks.addAll(accessProbe.probeStream(run.account, change.streamArn()));
        return new StreamState(change.streamArn(), StreamEnabler.VIEW_TYPE, true);
    }

    /** Puts what the verification found into status; stops when something is in the way. */
    private boolean reportAccess(Run run) {
        Verified access = run.access;
        DynamoCollectionStatus status = run.draft.status();
        String table = run.collection.getSpec().getTable();
        if (!access.tableFound()) {
            status.setAccess(access.checks());
            status.setPhase(Phase.ERROR);
            String message = "Table " + table + " does not exist in region "
                    + run.integration.getSpec().getRegion()
                    + " of the integration's account; fix spec.table or the integration.";
            run.draft.stalled(Reason.TABLE_NOT_FOUND, message);
            return run.stop(settings.statusPollPeriod());
        }
        status.setAccess(access.checks());
        if (access.streamArn() != null) {
            status.setStreamArn(access.streamArn());
        }
        List<String> denied = AccessRules.denied(access.checks());
        if (denied.isEmpty()) {
            run.draft.setTrue(
                    Type.ACCESS_VERIFIED,
                    Reason.ACCESS_GRANTED,
                    "Every permission the collection needs was granted ("
                            + access.checks().size() + " actions probed).");
        } else {
            run.draft.setFalse(
                    Type.ACCESS_VERIFIED,
                    Reason.ACCESS_DENIED,
                    "Denied: " + String.join(", ", denied) + ". status.access says what to grant on which resource.");
        }
        AccessRules.Verdict verdict = AccessRules.judge(new AccessRules.Findings(
                table,
                run.integration.getSpec().getRegion(),
                run.integration.getMetadata().getName(),
                snapshot(run),
                Boolean.TRUE.equals(run.collection.getSpec().getEnableStream()),
                loadMethodName(run),
                run.integration.getSpec().getS3() != null,
                access.checks(),
                access.viewType(),
                access.streamTurnedOn(),
                access.exports(),
                access.recoveryMissing()));
        if (snapshot(run)) {
            status.setStreamArn(null);
        }
        verdict.stream()
                .ifPresentOrElse(
                        c -> {
                            boolean keep = c.unlessTrue()
                                    && run.draft
                                            .condition(Type.STREAM_ENABLED)
                                            .map(was -> Conditions.TRUE.equals(was.getStatus()))
                                            .orElse(false);
                            if (!keep) {
                                run.draft.set(Type.STREAM_ENABLED, c.status(), c.reason(), c.message());
                            }
                        },
                        () -> run.draft.clear(Type.STREAM_ENABLED));
        if (verdict.stall().isPresent()) {
            status.setPhase(Phase.ERROR);
            run.draft.stalled(
                    verdict.stall().get().reason(), verdict.stall().get().message());
            return run.stop(settings.statusPollPeriod());
        }
        return true;
    }

    /** Creates or updates the worker's ConfigMap, StatefulSet and Service; announces a rebuild. */
    private void provisionWorker(Run run) {
        if (run.integration == null) {
            return;
        }
        KubernetesClient client = run.context.getClient();
        String workerName = CollectionWorker.workerName(run.name());
        ConfigMap current = client.configMaps()
                .inNamespace(run.namespace())
                .withName(workerName)
                .get();
        WorkerSettings previous = CollectionWorker.readSettings(current).orElse(null);
        // Read now, not from a cache: the pod template's hash covers their values, so rotated keys roll the pod.
        List<Secret> secrets = CollectionWorker.secretNames(run.collection, run.integration).stream()
                .map(secret -> ReferencedSecrets.read(client, run.namespace(), secret))
                .filter(Objects::nonNull)
                .toList();
        CollectionWorker worker = CollectionWorker.of(run.collection, run.integration, settings, previous, secrets);

        StatefulSet statefulSet = worker.statefulSet();
        StatefulSet existing = client.apps()
                .statefulSets()
                .inNamespace(run.namespace())
                .withName(workerName)
                .get();
        if (Boolean.TRUE.equals(run.collection.getSpec().getSuspend())) {
            String since = existing != null
                            && existing.getMetadata().getAnnotations() != null
                            && existing.getMetadata().getAnnotations().get(SUSPENDED_AT_ANNOTATION) != null
                    ? existing.getMetadata().getAnnotations().get(SUSPENDED_AT_ANNOTATION)
                    : clock.instant().toString();
            statefulSet.getMetadata().setAnnotations(Map.of(SUSPENDED_AT_ANNOTATION, since));
        }
        boolean configChanged = OwnedObjects.apply(client, worker.configMap(), current);
        String runningHash = existing == null
                        || existing.getSpec().getTemplate().getMetadata() == null
                        || existing.getSpec().getTemplate().getMetadata().getAnnotations() == null
                ? null
                : existing.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(CollectionWorker.SETTINGS_HASH_ANNOTATION);
        OwnedObjects.apply(client, statefulSet, existing);
        if (runningHash != null && !configChanged && !runningHash.equals(worker.settingsHash())) {
            events.record(
                    run.collection,
                    EventRecorder.NORMAL,
                    "SecretsChanged",
                    "A Secret the worker reads ("
                            + String.join(", ", CollectionWorker.secretNames(run.collection, run.integration))
                            + ") changed; the worker restarts with the new values.");
        }
        OwnedObjects.apply(
                client,
                worker.service(),
                client.services()
                        .inNamespace(run.namespace())
                        .withName(workerName)
                        .get());
        VolumeExpansion.apply(client, run.collection, run.draft);

        if (previous != null && configChanged) {
            long was = Objects.requireNonNullElse(previous.loadGeneration(), 1L);
            if (worker.settings().loadGeneration() > was) {
                events.record(
                        run.collection,
                        EventRecorder.NORMAL,
                        "Rebuilding",
                        "The spec changed what stored "
                                + "documents look like (transformation or table); the worker loads the table again.");
            } else {
                events.record(
                        run.collection,
                        EventRecorder.NORMAL,
                        "SettingsChanged",
                        "The worker's settings " + "changed; it restarts and resumes from its checkpoint.");
            }
        }
    }

    private void reportWorker(Run run) {
        DynamoCollection collection = run.collection;
        if (Boolean.TRUE.equals(collection.getSpec().getSuspend())) {
            StatefulSet sts = run.context
                    .getClient()
                    .apps()
                    .statefulSets()
                    .inNamespace(run.namespace())
                    .withName(CollectionWorker.workerName(run.name()))
                    .get();
            Instant since = clock.instant();
            if (sts != null
                    && sts.getMetadata().getAnnotations() != null
                    && sts.getMetadata().getAnnotations().get(SUSPENDED_AT_ANNOTATION) != null) {
                since = Instant.parse(sts.getMetadata().getAnnotations().get(SUSPENDED_AT_ANNOTATION));
            }
            WorkerReport.suspended(run.draft, since, clock.instant(), settings.streamRetention());
            return;
        }
        WorkerStatus status = workers.read(run.namespace(), run.name()).orElse(null);
        if (status == null) {
            Optional<WorkerPod.Problem> problem = workerProblem(run);
            if (problem.isPresent()) {
                WorkerReport.cannotRun(run.draft, problem.get());
            } else {
                WorkerReport.unavailable(run.draft, workers.statusUrl(run.namespace(), run.name()));
            }
        } else {
            WorkerReport.apply(run.draft, status);
            WorkerReport.verification(run.draft, status);
            WorkerReport.published(
                    run.draft,
                    run.collection.getSpec().getIceberg() != null,
                    run.integration != null && run.integration.getSpec().getIcebergCatalog() != null,
                    status.publish());
            phases.recordWorker(run.namespace(), run.name(), status);
            requestVerification(run, status);
        }
    }

    /**
     * Passes a verification asked for with the annotation to the worker, until the worker shows it took it (or the
     * status shows it done, as after a worker restart): through {@code POST /verify} rather than the settings, whose
     * every change rolls the worker's pod.
     */
    private void requestVerification(Run run, WorkerStatus status) {
        Map<String, String> annotations = run.collection.getMetadata().getAnnotations();
        String token = annotations == null ? null : annotations.get(Verification.REQUEST_ANNOTATION);
        if (token == null || token.isBlank()) {
            return;
        }
        boolean taken = status.verification() != null
                && token.equals(status.verification().requestToken());
        VerificationResult done = run.draft.status().getVerification();
        if (taken || done != null && token.equals(done.getRequestToken())) {
            return;
        }
        workers.requestVerification(run.namespace(), run.name(), token);
    }

    /** A Warning for each verification that found differences: no condition need change for a second one. */
    private void announceDifferences(Run run) {
        WorkerReport.newDifferences(
                        run.collection.getStatus() == null
                                ? null
                                : run.collection.getStatus().getVerification(),
                        run.draft.status().getVerification())
                .ifPresent(message -> events.record(
                        run.collection, EventRecorder.WARNING, Conditions.Reason.DIFFERENCES_REPAIRED, message));
    }

    /**
     * Why a worker that does not answer cannot run, from its pod's container states or, when it has no pod, the
     * StatefulSet controller's FailedCreate Events; read only then, so a running worker costs no extra request.
     */
    private Optional<WorkerPod.Problem> workerProblem(Run run) {
        KubernetesClient client = run.context.getClient();
        String workerName = CollectionWorker.workerName(run.name());
        Pod pod = client.pods()
                .inNamespace(run.namespace())
                .withName(WorkerPod.podName(workerName))
                .get();
        if (pod != null) {
            return WorkerPod.problem(pod);
        }
        StatefulSet statefulSet = client.apps()
                .statefulSets()
                .inNamespace(run.namespace())
                .withName(workerName)
                .get();
        if (statefulSet == null) {
            return Optional.empty();
        }
        // Filtered here, not with an involvedObject field selector: not every API server answers those (Fabric8's
        // mock, which the tests and the local cluster harness use, does not), and this runs only while a worker
        // that should exist has no pod.
        return WorkerPod.notCreated(
                statefulSet,
                client.v1().events().inNamespace(run.namespace()).list().getItems());
    }

    /**
     * A Warning for items the store refused since the last status written: no condition changes for them (the rest
     * of the table is served), so without it they would show only in {@code status.refusedItems}.
     */
    private void announceRefusedItems(Run run) {
        List<WorkerEvent> refused = WorkerReport.newlyRefused(
                run.collection.getStatus() == null
                        ? null
                        : run.collection.getStatus().getRefusedItems(),
                run.draft.status().getRefusedItems());
        if (refused.isEmpty()) {
            return;
        }
        WorkerEvent newest = refused.get(refused.size() - 1);
        // The status keeps the newest few; more may have been refused meanwhile.
        String count = refused.size() >= DynamoCollectionStatus.MAX_WORKER_EVENTS
                ? refused.size() + " or more"
                : Integer.toString(refused.size());
        events.record(
                run.collection,
                EventRecorder.WARNING,
                "ItemsRefused",
                count + " item(s) refused by "
                        + "the store, which keeps the rest of the table; the newest, " + newest.getKey() + ": "
                        + newest.getReason() + ". status.refusedItems lists the latest "
                        + DynamoCollectionStatus.MAX_WORKER_EVENTS
                        + ", the worker's /status more.");
    }

    /** DynamoDB Streams serves two readers a shard; a second collection on the same stream is worth a warning. */
    private void warnOfSharedStream(Run run) {
        String streamArn = run.draft.status().getStreamArn();
        if (streamArn == null) {
            run.draft.clear(Type.STREAM_SHARED);
            return;
        }
        ResourceID self = ResourceID.fromResource(run.collection);
        List<String> others = run.context
                .getPrimaryCache()
                .list(c -> c.getStatus() != null
                        && streamArn.equals(c.getStatus().getStreamArn())
                        && c.getMetadata().getDeletionTimestamp() == null
                        && !ResourceID.fromResource(c).equals(self))
                .map(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName())
                .sorted()
                .toList();
        if (others.isEmpty()) {
            run.draft.clear(Type.STREAM_SHARED);
        } else {
            run.draft.setTrue(
                    Type.STREAM_SHARED,
                    Reason.ANOTHER_READER,
                    "Collection " + String.join(", ", others)
                            + " also follows this table's stream. DynamoDB Streams serves two readers a shard before it "
                            + "throttles, so any further reader (a Lambda trigger, another collection) slows all of them.");
        }
    }

    private UpdateControl<DynamoCollection> finish(Run run) {
        run.draft.observed();
        phases.record(run.namespace(), run.name(), run.draft.status().getPhase());
        Duration next = run.retryAfter == null ? settings.statusPollPeriod() : run.retryAfter;
        if (!run.draft.changed()) {
            run.draft.recordTransitions(events, run.collection);
            return UpdateControl.<DynamoCollection>noUpdate().rescheduleAfter(next);
        }
        DynamoCollection written = Serialization.clone(run.collection);
        written.setStatus(run.draft.status());
        if (!StatusWrite.replace(run.context.getClient(), written)) {
            // Written meanwhile (the cache was behind): decide again on what is there now.
            return UpdateControl.<DynamoCollection>noUpdate().rescheduleAfter(CONFLICT_RETRY);
        }
        // Events only for what was written, so that a refused write announces nothing twice.
        run.draft.recordTransitions(events, run.collection);
        announceRefusedItems(run);
        announceDifferences(run);
        return UpdateControl.<DynamoCollection>noUpdate().rescheduleAfter(next);
    }

    // ---- deletion ----------------------------------------------------------------------------------------------

    @Override
    public DeleteControl cleanup(DynamoCollection collection, Context<DynamoCollection> context) {
        ResourceID id = ResourceID.fromResource(collection);
        verified.remove(id);
        DeleteControl control = cleanup.cleanup(collection, context);
        if (control.isRemoveFinalizer()) {
            phases.record(
                    collection.getMetadata().getNamespace(),
                    collection.getMetadata().getName(),
                    null);
            LOG.info(
                    "collection {}/{} deleted (deletionPolicy {})",
                    collection.getMetadata().getNamespace(),
                    collection.getMetadata().getName(),
                    collection.getSpec().getDeletionPolicy());
        }
        return control;
    }

    // ---- small parts -------------------------------------------------------------------------------------------

    private void waitFor(Run run, String reason, String message, boolean stalled) {
        run.draft.status().setPhase(stalled ? Phase.ERROR : Phase.PENDING);
        run.draft.set(Type.ACCESS_VERIFIED, Conditions.UNKNOWN, reason, message);
        if (stalled) {
            run.draft.stalled(reason, message);
        } else {
            run.draft.progressing(reason, message);
        }
    }

    private boolean workerExists(Run run) {
        return run.integration != null
                && run.context
                                .getClient()
                                .apps()
                                .statefulSets()
                                .inNamespace(run.namespace())
                                .withName(CollectionWorker.workerName(run.name()))
                                .get()
                        != null;
    }

    private boolean exports(Run run, TableAccess probed) {
        LoadMethod method = loadMethod(run);
        return method == LoadMethod.EXPORT
                || method == LoadMethod.AUTO
                        && probed.sizeBytes() != null
                        && probed.sizeBytes() >= settings.exportThresholdBytes();
    }

    /** The load method as the spec spells it. */
    private static String loadMethodName(Run run) {
        String name = loadMethod(run).name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    private static LoadMethod loadMethod(Run run) {
        return Objects.requireNonNullElse(run.collection.getSpec().getLoadMethod(), LoadMethod.AUTO);
    }

    /** What of an integration a collection depends on: its spec and whether it is Ready. */
    private static String integrationState(DynamoIntegration integration) {
        boolean ready =
                integration.getStatus() != null && integration.getStatus().hasTrueCondition(Type.READY);
        return integration.getMetadata().getGeneration() + "/" + ready + "/" + AwsConnector.externalId(integration);
    }
}
