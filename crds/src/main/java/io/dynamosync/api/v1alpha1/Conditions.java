package io.dynamosync.api.v1alpha1;

/**
 * The condition statuses, types and reasons this API reports, each with exactly when it holds, so that the
 * operator sets them and users, tests and dashboards read them by one definition.
 *
 * <p>Types follow the Kubernetes API conventions and kstatus: {@code Ready} is the summary generic tools
 * wait for; {@code Reconciling} and {@code Stalled} are present only while true. A reason is one CamelCase
 * word; the message beside it is a sentence the user can act on.
 */
public final class Conditions {

    /** The condition holds. */
    public static final String TRUE = "True";

    /** The condition does not hold; the reason says why. */
    public static final String FALSE = "False";

    /** The operator cannot tell yet, for example before its first check or while AWS is unreachable. */
    public static final String UNKNOWN = "Unknown";

    private Conditions() {}

    /** Condition types; which kind reports each is said on the constant. */
    public static final class Type {

        /**
         * Both kinds. Integration: True exactly when {@link #CREDENTIALS_VALID} is True. Collection: True when the
         * worker has committed the initial load and is following the table's stream, so a query sees every change
         * up to {@code status.lag} ago; False otherwise, with the reason of the first thing in the way.
         */
        public static final String READY = "Ready";

        /**
         * Integration. True when the operator resolved credentials from the spec (the access-key Secret, or STS
         * AssumeRole with the external ID) and STS GetCallerIdentity accepted them; {@code status.identity} says
         * whom they belong to. False when the Secret or a key is missing, AssumeRole is refused, or STS rejects the
         * keys.
         */
        public static final String CREDENTIALS_VALID = "CredentialsValid";

        /**
         * Collection. True when every permission the collection needs was probed by calling it and granted. False
         * when at least one was denied; {@code status.access} lists each action with its result. Unknown while the
         * probes cannot run (integration not ready, AWS unreachable).
         */
        public static final String ACCESS_VERIFIED = "AccessVerified";

        /**
         * Collection. True when the table's stream is on with a view type that carries the new item
         * ({@code NEW_IMAGE} or {@code NEW_AND_OLD_IMAGES}), whether the operator turned it on or found it on. False
         * when it is off and the operator may not turn it on, or its view type lacks the new item; the message says
         * what to change.
         */
        public static final String STREAM_ENABLED = "StreamEnabled";

        /**
         * Collection. True once the worker has committed the whole initial load (export or scan) to the store; it
         * stays True across worker restarts. False while the load runs or after it failed.
         */
        public static final String INITIAL_LOAD_COMPLETE = "InitialLoadComplete";

        /**
         * Collection. True when the worker has applied every stream record it has read, including those journaled
         * during the load, and is reading every open shard. False while the journal is replayed or when the stream
         * cannot be read.
         */
        public static final String SYNCED = "Synced";

        /**
         * Collection. Present only while spec.iceberg is set: True once the Iceberg table has a snapshot and while
         * publishing does not fail; False before the first snapshot, while publishing fails (the catalog or S3
         * unreachable or refusing) or when the integration names no catalog. The replica serves either way.
         */
        public static final String PUBLISHED = "Published";

        /**
         * Both kinds, kstatus. Present, and True, only while the operator is making progress towards the spec:
         * validating, provisioning the worker, loading, re-bootstrapping after a trimmed stream. Absent otherwise.
         */
        public static final String RECONCILING = "Reconciling";

        /**
         * Both kinds, kstatus. Present, and True, only while the operator cannot make progress without a change
         * from the user (access denied, table not found, stream cannot be enabled, transformation refused). Absent
         * otherwise.
         */
        public static final String STALLED = "Stalled";

        /**
         * Collection. Present, and True, only while another collection in the cluster follows the same table's
         * stream: DynamoDB Streams serves at most two readers a shard before it throttles, so a third reader (another
         * collection, a Lambda trigger, a Kinesis adapter) slows them all. The collection still runs.
         */
        public static final String STREAM_SHARED = "StreamShared";

        /**
         * Collection. Present, and False, only while the volume claim's size differs from spec.storage.size: being
         * expanded, or refused (the StorageClass does not allow expansion, or the spec asks for less). The collection
         * still runs on the volume it has.
         */
        public static final String VOLUME_RESIZED = "VolumeResized";

        /**
         * Collection. Present, and True, only while the worker finds its volume nearly full: more than 80% used, or
         * less left than the store's own size (a checkpoint can need about that much again). The collection still
         * runs; a larger spec.storage.size expands the claim where its StorageClass allows.
         */
        public static final String VOLUME_NEARLY_FULL = "VolumeNearlyFull";

        /**
         * Collection. Absent until the worker's first verification of the replica against the table ends. True when
         * the last one found every document it checked equal to the table's item ({@link Reason#NO_DIFFERENCES});
         * False when it found documents that differed once the stream had passed them, which it repaired from the
         * table ({@link Reason#DIFFERENCES_REPAIRED}; {@code status.verification} lists their keys); Unknown when it
         * could not finish ({@link Reason#VERIFICATION_FAILED}). The next verification that finds nothing sets it
         * True again.
         */
        public static final String VERIFIED = "Verified";

        private Type() {}
    }

    /** Condition reasons; each constant says on which types it appears and what it means there. */
    public static final class Reason {

        /** Ready, CredentialsValid: credentials were resolved and STS GetCallerIdentity accepted them. */
        public static final String VERIFIED = "Verified";

        /** CredentialsValid, Stalled: accessKeySecretRef names a Secret that does not exist in the namespace. */
        public static final String SECRET_NOT_FOUND = "SecretNotFound";

        /** CredentialsValid, Stalled: the access-key Secret exists but lacks one of the keys the spec names. */
        public static final String SECRET_KEY_MISSING = "SecretKeyMissing";

        /**
         * CredentialsValid, Stalled: STS refused AssumeRole, most often because the role's trust policy does not
         * name the operator's identity or the external ID ({@code status.trustPolicy} shows what it must say).
         */
        public static final String ASSUME_ROLE_DENIED = "AssumeRoleDenied";

        /** CredentialsValid, Stalled: STS rejected the access keys as unknown, inactive or expired. */
        public static final String INVALID_CREDENTIALS = "InvalidCredentials";

        /**
         * Any type, Reconciling: a call to AWS failed in a way that may pass (network, throttling, 5xx) and is
         * retried with backoff.
         */
        public static final String AWS_UNREACHABLE = "AwsUnreachable";

        /** Ready, AccessVerified, Stalled: integrationRef names no DynamoIntegration in the collection's namespace. */
        public static final String INTEGRATION_NOT_FOUND = "IntegrationNotFound";

        /** Ready, AccessVerified: the referenced integration exists but is not Ready; the collection waits for it. */
        public static final String INTEGRATION_NOT_READY = "IntegrationNotReady";

        /** Ready, Stalled: DescribeTable says the table does not exist in the integration's account and region. */
        public static final String TABLE_NOT_FOUND = "TableNotFound";

        /** Ready, Reconciling: the operator is probing permissions and the table (phase Validating). */
        public static final String VALIDATING = "Validating";

        /** AccessVerified: every permission the collection needs was granted. */
        public static final String ACCESS_GRANTED = "AccessGranted";

        /** AccessVerified, Ready, Stalled: at least one permission was denied; {@code status.access} lists which. */
        public static final String ACCESS_DENIED = "AccessDenied";

        /**
         * Ready, Stalled: the initial load will use an export (loadMethod Export, or Auto on a large table) and the
         * integration has no {@code spec.s3.bucket} to export into.
         */
        public static final String EXPORT_BUCKET_MISSING = "ExportBucketMissing";

        /** StreamEnabled: the operator turned the table's stream on with NEW_AND_OLD_IMAGES. */
        public static final String STREAM_TURNED_ON = "StreamTurnedOn";

        /** StreamEnabled: the table's stream was already on with a view type that carries the new item. */
        public static final String STREAM_FOUND = "StreamFound";

        /**
         * StreamEnabled, Ready, Stalled: the stream is off, and spec.enableStream is false or UpdateTable was denied;
         * the message gives the command that turns it on.
         */
        public static final String STREAM_OFF = "StreamOff";

        /** StreamEnabled, Ready, Stalled: the stream is on with KEYS_ONLY or OLD_IMAGE, which lack the new item. */
        public static final String STREAM_VIEW_TYPE_UNSUITABLE = "StreamViewTypeUnsuitable";

        /**
         * Ready, Stalled: the initial load exports the table, point-in-time recovery is off, and
         * spec.enablePointInTimeRecovery is false; the message gives the command that turns it on.
         */
        public static final String POINT_IN_TIME_RECOVERY_OFF = "PointInTimeRecoveryOff";

        /** Ready, Reconciling: the operator is creating or updating the worker's StatefulSet, Service and ConfigMap. */
        public static final String PROVISIONING = "Provisioning";

        /** Ready, InitialLoadComplete, Reconciling: the initial load is running as an S3 export (phase Exporting). */
        public static final String EXPORTING = "Exporting";

        /** Ready, InitialLoadComplete, Reconciling: the initial load is running as a table scan (phase Scanning). */
        public static final String SCANNING = "Scanning";

        /** InitialLoadComplete: the whole initial load is committed to the store. */
        public static final String LOADED = "Loaded";

        /** InitialLoadComplete, Ready, Stalled: DynamoDB reported the export failed; the message carries its error. */
        public static final String EXPORT_FAILED = "ExportFailed";

        /** Synced, Ready, Reconciling: the worker is applying stream records journaled while the load ran. */
        public static final String REPLAYING = "Replaying";

        /**
         * Synced, Ready: the worker has applied every record read and is reading every open shard, or is less than
         * a second behind the newest record it read.
         */
        public static final String CAUGHT_UP = "CaughtUp";

        /** Published: the table has a snapshot and the latest attempt to publish succeeded. */
        public static final String TABLE_CURRENT = "TableCurrent";

        /** Published (False): the worker has not committed the table's first snapshot yet (the load runs). */
        public static final String FIRST_SNAPSHOT_PENDING = "FirstSnapshotPending";

        /**
         * Published (False): spec.iceberg is set, but the collection's integration has no spec.icebergCatalog saying
         * where to publish.
         */
        public static final String CATALOG_MISSING = "CatalogMissing";

        /**
         * Synced (False), Ready (True): the worker applies changes as they come but is a second or more behind the
         * newest record it read; queries see every change up to {@code status.lag} ago.
         */
        public static final String BEHIND = "Behind";

        /**
         * Synced, Ready, Reconciling: the worker could not follow the stream without a gap (records or a shard trimmed
         * before they were read, the checkpoint older than the stream's retention, the stream replaced or turned off)
         * and loads the table again; the message carries the worker's re-bootstrap reason.
         */
        public static final String STREAM_TRIMMED = "StreamTrimmed";

        /**
         * Ready, Stalled: the stream had a gap (as for StreamTrimmed) and the collection's onStreamGap is Fail: the
         * worker no longer follows the table, and keeps answering queries from the replica as it was before the gap.
         */
        public static final String STREAM_GAP = "StreamGap";

        /**
         * Synced, Ready: a snapshot collection (mode Snapshot) holds the table as its load read it and follows no
         * stream; Ready is True and Synced False, with this reason.
         */
        public static final String SNAPSHOT = "Snapshot";

        /** Ready, Stalled: the worker refused spec.ingestTransformation; the message carries the SQL error. */
        public static final String INVALID_TRANSFORMATION = "InvalidTransformation";

        /** Ready, Synced: the worker pod is not ready or its /status did not answer. */
        public static final String WORKER_UNAVAILABLE = "WorkerUnavailable";

        /**
         * Ready, Stalled: the worker's container keeps exiting and Kubernetes restarts it with a growing back-off
         * (CrashLoopBackOff); the message carries how it last ended.
         */
        public static final String WORKER_CRASH_LOOPING = "WorkerCrashLooping";

        /**
         * Ready, Stalled: the worker's image cannot be pulled (ErrImagePull, ImagePullBackOff, InvalidImageName,
         * ErrImageNeverPull); the message names the image.
         */
        public static final String WORKER_IMAGE_UNAVAILABLE = "WorkerImageUnavailable";

        /**
         * Ready, Stalled: Kubernetes cannot start the worker's container (CreateContainerConfigError,
         * CreateContainerError, RunContainerError), e.g. a Secret or ConfigMap it refers to is missing.
         */
        public static final String WORKER_CANNOT_START = "WorkerCannotStart";

        /**
         * Ready, Stalled: the StatefulSet controller cannot create the worker's pod (FailedCreate), e.g. its
         * ServiceAccount does not exist in the namespace or a quota or admission policy refuses it.
         */
        public static final String WORKER_POD_NOT_CREATED = "WorkerPodNotCreated";

        /** Ready, Synced: spec.suspend is true, so the worker is stopped and its volume kept. */
        public static final String SUSPENDED = "Suspended";

        /**
         * Synced: the collection has been suspended for most of the stream's 24-hour retention; resumed after it, the
         * worker's checkpoint is trimmed away and the table is loaded again.
         */
        public static final String SUSPENSION_NEARS_RETENTION = "SuspensionNearsRetention";

        /** VolumeResized: the operator asked for the larger size on the claim; the storage driver is expanding it. */
        public static final String EXPANDING = "Expanding";

        /** VolumeResized: the claim's StorageClass does not set allowVolumeExpansion, so the claim keeps its size. */
        public static final String EXPANSION_NOT_ALLOWED = "ExpansionNotAllowed";

        /** VolumeResized: spec.storage.size is smaller than the claim; Kubernetes cannot shrink a volume. */
        public static final String SHRINK_REFUSED = "ShrinkRefused";

        /** StreamShared: another collection, named in the message, follows the same table's stream. */
        public static final String ANOTHER_READER = "AnotherReader";

        /** VolumeNearlyFull: the worker's volume is nearly full; the message gives its use and what to do. */
        public static final String LOW_ON_SPACE = "LowOnSpace";

        /**
         * Reconciling, while the collection is being deleted with deletionPolicy Delete: deleting its export files
         * from S3 was denied or failed; it is retried a bounded number of times with back-off.
         */
        public static final String CLEANUP_FAILED = "CleanupFailed";

        /**
         * Ready, just before a deleted collection goes: its export files could not be deleted, so they were left in
         * the bucket and prefix the message names, for the user to delete.
         */
        public static final String EXPORT_FILES_KEPT = "ExportFilesKept";

        /** Verified: the last verification found every document it checked equal to the table's item. */
        public static final String NO_DIFFERENCES = "NoDifferences";

        /**
         * Verified: the last verification found documents that differed from the table once the stream had passed
         * them, and rewrote them from the table; {@code status.verification.differingKeys} names them.
         */
        public static final String DIFFERENCES_REPAIRED = "DifferencesRepaired";

        /** Verified: the last verification stopped before its end (the stream did not catch up, a read failed). */
        public static final String VERIFICATION_FAILED = "VerificationFailed";

        private Reason() {}
    }
}
