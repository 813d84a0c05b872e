package io.dynamosync.operator.integration;

import io.dynamosync.api.v1alpha1.CallerIdentity;
import io.dynamosync.api.v1alpha1.CollectionMode;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.api.v1alpha1.Conditions.Type;
import io.dynamosync.api.v1alpha1.DeletionPolicy;
import io.dynamosync.api.v1alpha1.DynamoCollection;
import io.dynamosync.api.v1alpha1.DynamoIntegration;
import io.dynamosync.api.v1alpha1.DynamoIntegrationStatus;
import io.dynamosync.api.v1alpha1.LoadMethod;
import io.dynamosync.operator.ReferencedSecrets;
import io.dynamosync.operator.aws.AwsAccount;
import io.dynamosync.operator.aws.AwsConnector;
import io.dynamosync.operator.aws.AwsUnavailableException;
import io.dynamosync.operator.aws.CredentialsException;
import io.dynamosync.operator.aws.IdentityCheck;
import io.dynamosync.operator.aws.TableRef;
import io.dynamosync.operator.iam.IamPolicies;
import io.dynamosync.operator.status.EventRecorder;
import io.dynamosync.operator.status.StatusDraft;
import io.dynamosync.operator.status.StatusWrite;
import io.dynamosync.operator.worker.CollectionWorker;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a DynamoIntegration: resolves its credentials, asks STS whom they belong to, and publishes that
 * identity, the external ID and the IAM policies to grant, with CredentialsValid and Ready conditions. A change to
 * the collections that use it reconciles it again; its access key Secret, read with a get, is read again every
 * {@code secretRecheck} (the status poll period), so a rotated or fixed key is noticed that soon.
 */
@ControllerConfiguration(name = DynamoIntegrationReconciler.NAME)
public final class DynamoIntegrationReconciler implements Reconciler<DynamoIntegration> {

    /** The controller's name, in metrics and logs. */
    public static final String NAME = "dynamointegration";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoIntegrationReconciler.class);
    /** Keys may be revoked and roles changed in IAM without Kubernetes knowing; check again now and then. */
    static final Duration RECHECK = Duration.ofMinutes(10);
    /**
     * How soon refused credentials are checked again at first: the user is most likely fixing IAM right now (and
     * waiting with {@code kubectl wait}), and IAM changes are invisible to Kubernetes. The wait doubles from here up
     * to {@link #RECHECK}.
     */
    static final Duration FIRST_RECHECK_WHEN_REFUSED = Duration.ofSeconds(5);

    private static final Duration RETRY = Duration.ofSeconds(30);
    /**
     * How soon a missing Secret is looked for again: the operator watches no Secrets, so its creation is seen only by
     * reading it again.
     */
    static final Duration SECRET_RETRY = Duration.ofSeconds(10);
    /** How often an access key Secret is read again, unless the operator's settings say otherwise. */
    static final Duration DEFAULT_SECRET_RECHECK = Duration.ofSeconds(30);

    private static final Pattern ROLE_ACCOUNT = Pattern.compile("^arn:aws[a-z-]*:iam::([0-9]{12}):role/.+$");

    private final AwsConnector connector;
    private final IdentityCheck identityCheck;
    private final EventRecorder events;
    private final Clock clock;
    private final String workerRoleArn;
    private final Duration secretRecheck;
    private final SecureRandom random = new SecureRandom();
    /** Since when each integration's credentials have been refused, for which spec and Secret. */
    private final Map<ResourceID, Refusal> refusals = new ConcurrentHashMap<>();

    private InformerEventSource<DynamoCollection, DynamoIntegration> collections;

    /** A reconciler reaching AWS through {@code connector} and checking credentials with {@code identityCheck}. */
    public DynamoIntegrationReconciler(
            AwsConnector connector, IdentityCheck identityCheck, EventRecorder events, Clock clock) {
        this(connector, identityCheck, events, clock, null);
    }

    /**
     * As the other constructor, with the IAM role worker pods run as, which role integrations' trust policies
     * name beside the operator's own identity.
     */
    public DynamoIntegrationReconciler(
            AwsConnector connector,
            IdentityCheck identityCheck,
            EventRecorder events,
            Clock clock,
            String workerRoleArn) {
        this(connector, identityCheck, events, clock, workerRoleArn, DEFAULT_SECRET_RECHECK);
    }

    /**
     * As the other constructors, reading an integration's access key Secret again every {@code secretRecheck}: the
     * operator watches no Secrets (its RBAC grants only get on them), so that is how soon a rotated key is noticed.
     */
    public DynamoIntegrationReconciler(
            AwsConnector connector,
            IdentityCheck identityCheck,
            EventRecorder events,
            Clock clock,
            String workerRoleArn,
            Duration secretRecheck) {
        this.secretRecheck = secretRecheck;
        this.connector = connector;
        this.identityCheck = identityCheck;
        this.events = events;
        this.clock = clock;
        this.workerRoleArn = workerRoleArn;
    }

    /** Refused credentials: what they were read from ({@link #inputs}) and since when they have been refused. */
    private record Refusal(String inputs, Instant since) {}

    @Override
    public List<EventSource<?, DynamoIntegration>> prepareEventSources(EventSourceContext<DynamoIntegration> context) {
        var primaries = context.getPrimaryCache();
        collections = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(DynamoCollection.class, DynamoIntegration.class)
                        .withName("collections")
                        // The policies list the tables of the integration's collections; their status is not
                        // relevant, so only spec changes (a new generation), additions and deletions count.
                        .withOnUpdateFilter((now, before) -> !Objects.equals(
                                now.getMetadata().getGeneration(),
                                before.getMetadata().getGeneration()))
                        .withSecondaryToPrimaryMapper(
                                c -> c.getSpec() == null || c.getSpec().getIntegrationRef() == null
                                        ? Set.of()
                                        : Set.of(new ResourceID(
                                                c.getSpec().getIntegrationRef().getName(),
                                                c.getMetadata().getNamespace())))
                        .withPrimaryToSecondaryMapper((DynamoIntegration i) -> Set.<ResourceID>of())
                        .build(),
                context);
        // No Secret informer: watching Secrets would need list and watch on every Secret of the watched namespaces
        // (RBAC cannot narrow those by name). An integration reading a Secret re-reads it every secretRecheck.
        return List.of(collections);
    }

    @Override
    public UpdateControl<DynamoIntegration> reconcile(
            DynamoIntegration integration, Context<DynamoIntegration> context) {
        DynamoIntegrationStatus before = integration.getStatus();
        DynamoIntegrationStatus copy = before == null ? new DynamoIntegrationStatus() : Serialization.clone(before);
        StatusDraft<DynamoIntegrationStatus> draft = new StatusDraft<>(integration, before, copy, clock);
        Duration next = RECHECK;

        String externalId = externalId(integration, draft.status());
        publishTrustPolicy(integration, draft.status(), externalId);
        ResourceID id = ResourceID.fromResource(integration);
        // Forget refusals of integrations deleted meanwhile (this reconciler has no finalizer to learn of it).
        refusals.keySet().removeIf(other -> context.getPrimaryCache().get(other).isEmpty());
        Secret secret = null;
        try {
            secret = ReferencedSecrets.accessKeys(context.getClient(), integration);
            AwsAccount account = connector.connect(integration, secret, externalId);
            CallerIdentity identity = identityCheck.callerIdentity(account);
            draft.status().setIdentity(identity);
            String message = "Credentials belong to " + identity.getArn() + ".";
            draft.setTrue(Type.CREDENTIALS_VALID, Reason.VERIFIED, message);
            draft.ready(Reason.VERIFIED, message);
            refusals.remove(id);
        } catch (CredentialsException problem) {
            // An identity that no longer verifies is no identity: leaving it would suggest the keys still work.
            draft.status().setIdentity(null);
            draft.setFalse(Type.CREDENTIALS_VALID, problem.reason(), problem.getMessage());
            draft.stalled(problem.reason(), problem.getMessage());
            // A new spec or a new Secret (read again every secretRecheck) starts the backoff again.
            String inputs = inputs(integration, secret);
            Instant now = clock.instant();
            Refusal refusal = refusals.compute(
                    id, (k, was) -> was != null && was.inputs().equals(inputs) ? was : new Refusal(inputs, now));
            next = recheckWhenRefused(Duration.between(refusal.since(), now));
            if (Reason.SECRET_NOT_FOUND.equals(problem.reason())) {
                next = SECRET_RETRY;
            }
        } catch (AwsUnavailableException e) {
            String message = e.getMessage() + " Retrying.";
            draft.set(
                    Type.CREDENTIALS_VALID,
                    io.dynamosync.api.v1alpha1.Conditions.UNKNOWN,
                    Reason.AWS_UNREACHABLE,
                    message);
            draft.progressing(Reason.AWS_UNREACHABLE, message);
            next = RETRY;
        }
        if (integration.getSpec().getAccessKeySecretRef() != null && next.compareTo(secretRecheck) > 0) {
            // The Secret's keys may be rotated (or fixed) at any time, and no informer reports it.
            next = secretRecheck;
        }
        draft.status()
                .setPermissionsPolicy(IamPolicies.permissionsPolicy(
                        tableUses(integration, draft.status()),
                        integration.getSpec().getS3(),
                        integration.getSpec().getIcebergCatalog()));
        draft.observed();

        if (!draft.changed()) {
            draft.recordTransitions(events, integration);
            return UpdateControl.<DynamoIntegration>noUpdate().rescheduleAfter(next);
        }
        LOG.info(
                "integration {}/{}: {}",
                integration.getMetadata().getNamespace(),
                integration.getMetadata().getName(),
                draft.status()
                        .findCondition(Type.READY)
                        .map(c -> c.getReason() + " - " + c.getMessage())
                        .orElse("?"));
        if (!StatusWrite.replace(context.getClient(), withStatus(integration, draft.status()))) {
            // Written meanwhile (the cache was behind): decide again on what is there now.
            return UpdateControl.<DynamoIntegration>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
        }
        // Events only for what was written, so that a refused write announces nothing twice.
        draft.recordTransitions(events, integration);
        return UpdateControl.<DynamoIntegration>noUpdate().rescheduleAfter(next);
    }

    /**
     * How soon credentials refused for {@code refusedFor} are checked again: {@link #FIRST_RECHECK_WHEN_REFUSED} at
     * first, then as long again as they have been refused (so the wait doubles), up to {@link #RECHECK}.
     */
    static Duration recheckWhenRefused(Duration refusedFor) {
        Duration wait = refusedFor.compareTo(FIRST_RECHECK_WHEN_REFUSED) < 0 ? FIRST_RECHECK_WHEN_REFUSED : refusedFor;
        return wait.compareTo(RECHECK) > 0 ? RECHECK : wait;
    }

    /** What the credentials were read from: the spec's generation and the Secret's version. */
    private static String inputs(DynamoIntegration integration, Secret secret) {
        return integration.getMetadata().getGeneration() + "/"
                + (secret == null ? "" : secret.getMetadata().getResourceVersion());
    }

    /** The spec's external ID, or the one generated before, or a new one. */
    private String externalId(DynamoIntegration integration, DynamoIntegrationStatus status) {
        if (integration.getSpec().getRoleArn() == null) {
            status.setExternalId(null);
            return null;
        }
        String id = integration.getSpec().getExternalId() != null
                ? integration.getSpec().getExternalId()
                : status.getExternalId() != null
                        ? status.getExternalId()
                        : "dynamo-sync-" + HexFormat.of().formatHex(random.generateSeed(16));
        status.setExternalId(id);
        return id;
    }

    /**
     * The trust policy names every identity that assumes the role: the operator's, which the operator asks STS
     * for, and the workers', as configured. Published before the role is assumed, since a refused AssumeRole is
     * exactly when the user needs it.
     */
    private void publishTrustPolicy(DynamoIntegration integration, DynamoIntegrationStatus status, String externalId) {
        if (integration.getSpec().getRoleArn() == null) {
            status.setTrustPolicy(null);
            return;
        }
        try {
            CallerIdentity operator = identityCheck.callerIdentity(connector.operatorAccount(integration));
            status.setTrustPolicy(IamPolicies.trustPolicy(Arrays.asList(operator.getArn(), workerRoleArn), externalId));
        } catch (CredentialsException | AwsUnavailableException e) {
            // Keep the last policy published: the operator's identity rarely changes, and this is retried.
            LOG.warn(
                    "integration {}/{}: the operator's own identity is unknown: {}",
                    integration.getMetadata().getNamespace(),
                    integration.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private List<IamPolicies.TableUse> tableUses(DynamoIntegration integration, DynamoIntegrationStatus status) {
        // A role names its account, which is known before the role can be assumed: the policy to attach to it
        // names its tables exactly even while AssumeRole is denied.
        String account = Optional.ofNullable(status.getIdentity())
                .map(CallerIdentity::getAccount)
                .or(() -> Optional.ofNullable(integration.getSpec().getRoleArn())
                        .map(ROLE_ACCOUNT::matcher)
                        .filter(java.util.regex.Matcher::matches)
                        .map(m -> m.group(1)))
                .orElse(null);
        String name = integration.getMetadata().getName();
        return collections
                .list(
                        integration.getMetadata().getNamespace(),
                        c -> c.getSpec() != null
                                && c.getSpec().getIntegrationRef() != null
                                && name.equals(c.getSpec().getIntegrationRef().getName())
                                && c.getMetadata().getDeletionTimestamp() == null)
                .map(c -> new IamPolicies.TableUse(
                        TableRef.of(
                                c.getSpec().getTable(), integration.getSpec().getRegion(), account),
                        c.getSpec().getLoadMethod() != LoadMethod.SCAN,
                        Boolean.TRUE.equals(c.getSpec().getEnableStream()),
                        Boolean.TRUE.equals(c.getSpec().getEnablePointInTimeRecovery()),
                        Boolean.TRUE.equals(c.getSpec().getCleanupExport())
                                || c.getSpec().getDeletionPolicy() == DeletionPolicy.DELETE,
                        integration.getSpec().getS3() == null
                                ? null
                                : CollectionWorker.exportPrefix(
                                        integration.getSpec().getS3().getPrefix(),
                                        c.getMetadata().getNamespace(),
                                        c.getMetadata().getName()),
                        c.getSpec().getMode() != CollectionMode.SNAPSHOT,
                        c.getSpec().getIceberg() != null))
                .distinct()
                .toList();
    }

    /** The resource as read, at its resource version, with the new status: what {@link StatusWrite} replaces. */
    private static DynamoIntegration withStatus(DynamoIntegration integration, DynamoIntegrationStatus status) {
        DynamoIntegration patch = Serialization.clone(integration);
        patch.setStatus(status);
        return patch;
    }
}
