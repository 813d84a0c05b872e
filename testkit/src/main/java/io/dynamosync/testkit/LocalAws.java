package io.dynamosync.testkit;

import io.dynamosync.testkit.export.ExportService;
import io.dynamosync.testkit.fault.Faults;
import io.dynamosync.testkit.front.AwsFront;
import io.dynamosync.testkit.process.ChildJvm;
import io.dynamosync.testkit.stream.ShardedStreams;
import io.dynamosync.testkit.stream.StreamTrimming;
import io.dynamosync.testkit.stream.TtlDeletes;
import io.dynamosync.testkit.sts.StsService;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Real AWS-compatible servers on loopback: DynamoDB Local (with streams) and S3Proxy in child
 * JVMs, and in front of DynamoDB Local an endpoint that counts calls, injects faults
 * ({@link #faults()}) and answers the export and point-in-time-recovery calls DynamoDB Local
 * lacks ({@link #exports()}).
 *
 * <p>Use it from plain Java ({@code try (LocalAws aws = LocalAws.start()) {...}}), as a JUnit 5
 * extension shared by a whole test run ({@link LocalAwsExtension}), or from the command line
 * ({@link LocalAwsMain}). Tests share one instance and keep apart by giving each test its own
 * table names ({@link #uniqueName(String)}) and bucket prefixes.
 */
public final class LocalAws implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAws.class);
    /** The region every client of the kit uses. */
    public static final Region REGION = Region.US_EAST_1;
    /** The kit's credentials; DynamoDB Local runs with one shared database, so any would do. */
    public static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local-secret"));
    /** Whom {@link #CREDENTIALS} belong to, as the kit's STS endpoint reports them. */
    public static final String IDENTITY_ARN = "arn:aws:iam::000000000000:user/local";

    private static final AtomicLong NAMES = new AtomicLong();

    private final Path workDirectory;
    private final boolean ownsWorkDirectory;
    private final ChildJvm dynamoDbLocal;
    private final ChildJvm s3Proxy;
    private final S3Client exportWriter;
    private final ExportService exports;
    private final ShardedStreams shardedStreams = new ShardedStreams();
    private final TtlDeletes ttlDeletes = new TtlDeletes();
    private final StreamTrimming streamTrimming;
    private final Faults faults = new Faults();
    private final AwsFront front;
    private final StsService sts;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient streams;
    private S3Client s3;
    private boolean closed;

    private LocalAws(Builder builder) {
        try {
            ownsWorkDirectory = builder.dataDirectory == null;
            workDirectory = ownsWorkDirectory ? Files.createTempDirectory("localaws-") : builder.dataDirectory;
            Files.createDirectories(workDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the kit's directory", e);
        }
        ChildJvm ddb = null;
        ChildJvm s3p = null;
        try {
            ddb = launchDynamoDbLocal(builder);
            s3p = launchS3Proxy(builder);
            ddb.awaitReady(builder.startTimeout);
            s3p.awaitReady(builder.startTimeout);
        } catch (RuntimeException e) {
            closeQuietly(ddb);
            closeQuietly(s3p);
            deleteOwnDirectory();
            throw e;
        }
        dynamoDbLocal = ddb;
        s3Proxy = s3p;
        exportWriter = configure(S3Client.builder(), s3Endpoint()).build();
        exports = new ExportService(dynamoDbLocalEndpoint(), exportWriter).minimumDuration(builder.exportDuration);
        // Trimming reads the streams from DynamoDB Local itself, past the front's faults and counts.
        streamTrimming = new StreamTrimming(
                track(DynamoDbClient.builder()
                        .endpointOverride(dynamoDbLocalEndpoint())
                        .region(REGION)
                        .credentialsProvider(CREDENTIALS)
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .build()),
                track(DynamoDbStreamsClient.builder()
                        .endpointOverride(dynamoDbLocalEndpoint())
                        .region(REGION)
                        .credentialsProvider(CREDENTIALS)
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .build()),
                Clock.systemUTC());
        try {
            front = new AwsFront(
                    dynamoDbLocalEndpoint(),
                    faults,
                    exports,
                    shardedStreams,
                    ttlDeletes,
                    streamTrimming,
                    builder.frontPort);
        } catch (RuntimeException e) {
            closeQuietly(streamTrimming);
            clients.forEach(LocalAws::closeQuietly);
            closeQuietly(exports);
            closeQuietly(exportWriter);
            closeQuietly(ddb);
            closeQuietly(s3p);
            deleteOwnDirectory();
            throw new IllegalArgumentException(
                    "cannot listen on DynamoDB port " + builder.frontPort + ": " + e.getMessage(), e);
        }
        sts = new StsService(0);
        sts.addKey("local", "local-secret", IDENTITY_ARN);
        LOG.info(
                "LocalAws ready: DynamoDB and Streams at {}, S3 at {}, STS at {} (DynamoDB Local pid {}, S3Proxy pid {})",
                dynamoDbEndpoint(),
                s3Endpoint(),
                sts.endpoint(),
                dynamoDbLocal.pid(),
                s3Proxy.pid());
    }

    /** Starts the kit with defaults: in-memory data, ephemeral ports. */
    public static LocalAws start() {
        return builder().start();
    }

    /** Options for {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A name no other call in this JVM returns, for a test's own table or prefix. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    private ChildJvm launchDynamoDbLocal(Builder builder) {
        List<String> classpath = new ArrayList<>();
        Path nativeDir = workDirectory.resolve("native");
        String nativeLibrary = nativeLibraryName();
        for (String entry : ChildJvm.readClasspath("/io/dynamosync/testkit/runtime/dynamodb-local.classpath")
                .split(File.pathSeparator)) {
            String file = Paths.get(entry).getFileName().toString();
            if (file.endsWith(".so") || file.endsWith(".dll") || file.endsWith(".dylib")) {
                // Maven names it libsqlite4java-linux-amd64-1.0.392.so; sqlite4java looks for
                // libsqlite4java-linux-amd64.so in sqlite4java.library.path.
                if (file.startsWith(nativeLibrary + "-")) {
                    copy(Paths.get(entry), nativeDir.resolve(nativeLibrary + file.substring(file.lastIndexOf('.'))));
                }
            } else {
                classpath.add(entry);
            }
        }
        List<String> args = new ArrayList<>(
                List.of("-port", Integer.toString(builder.dynamoDbLocalPort), "-sharedDb", "-disableTelemetry"));
        if (builder.dataDirectory == null) {
            args.add("-inMemory");
        } else {
            Path db = workDirectory.resolve("dynamodb");
            mkdirs(db);
            args.addAll(List.of("-dbPath", db.toString()));
        }
        return ChildJvm.launch(
                "DynamoDB Local",
                String.join(File.pathSeparator, classpath),
                List.of("-Dsqlite4java.library.path=" + nativeDir, "-Xmx1g", "-Dlog4j2.level=WARN"),
                "software.amazon.dynamodb.services.local.main.ServerRunner",
                args,
                builder.dynamoDbLocalPort,
                workDirectory.resolve("logs/dynamodb-local.log"));
    }

    private ChildJvm launchS3Proxy(Builder builder) {
        Path properties = workDirectory.resolve("s3proxy.properties");
        Path logback = workDirectory.resolve("s3proxy-logback.xml");
        StringBuilder config = new StringBuilder()
                .append("s3proxy.endpoint=http://127.0.0.1:")
                .append(builder.s3Port)
                .append('\n')
                .append("s3proxy.authorization=none\n")
                // Trino's S3 file system lists with x-amz-optional-object-attributes, which S3Proxy would answer
                // with 501 NotImplemented; ignored, the listing is the plain one. The kit's own clients still ask for
                // checksums only where required, as S3-compatible stores need.
                .append("s3proxy.ignore-unknown-headers=true\n")
                .append("jclouds.identity=local\n")
                .append("jclouds.credential=local\n");
        // Objects always go to disk, in the kit's own directory unless a data directory keeps them: in memory
        // S3Proxy answers 500 to every request once some 1.8 GB of objects fill its heap, which a whole test run's
        // exports and Iceberg warehouses reach in some orders of the tests.
        Path blobs = workDirectory.resolve("s3");
        mkdirs(blobs);
        config.append("jclouds.provider=filesystem-nio2\n")
                .append("jclouds.filesystem.basedir=")
                .append(blobs)
                .append('\n');
        write(properties, config.toString());
        // Without a configuration Logback logs every request at DEBUG, which slows S3Proxy down.
        write(
                logback,
                "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                        + "<encoder><pattern>%d %level %logger{20} - %msg%n</pattern></encoder></appender>"
                        + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>\n");
        return ChildJvm.launch(
                "S3Proxy",
                ChildJvm.readClasspath("/io/dynamosync/testkit/runtime/s3proxy.classpath"),
                List.of("-Xmx1g", "-Dlogback.configurationFile=" + logback),
                "org.gaul.s3proxy.Main",
                List.of("--properties", properties.toString()),
                builder.s3Port,
                workDirectory.resolve("logs/s3proxy.log"));
    }

    private static String nativeLibraryName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (os.contains("mac")) {
            return "libsqlite4java-osx";
        }
        if (os.contains("win")) {
            return "sqlite4java-win32-" + (arch.contains("64") ? "x64" : "x86");
        }
        return "libsqlite4java-linux-" + (arch.equals("amd64") || arch.equals("x86_64") ? "amd64" : "i386");
    }

    /** The DynamoDB endpoint clients use (the front: faults, counts, exports). */
    public URI dynamoDbEndpoint() {
        return front.endpoint();
    }

    /** The DynamoDB Streams endpoint; the same front, as DynamoDB Local serves both. */
    public URI streamsEndpoint() {
        return front.endpoint();
    }

    /** S3Proxy's endpoint; clients need path-style access. */
    public URI s3Endpoint() {
        return URI.create("http://127.0.0.1:" + s3Proxy.port());
    }

    /** DynamoDB Local itself, bypassing faults and the export service. */
    public URI dynamoDbLocalEndpoint() {
        return URI.create("http://127.0.0.1:" + dynamoDbLocal.port());
    }

    /** The STS endpoint: GetCallerIdentity and AssumeRole over the identities and roles tests register. */
    public StsService sts() {
        return sts;
    }

    /** The STS endpoint's URL. */
    public URI stsEndpoint() {
        return sts.endpoint();
    }

    /** The fault proxy's rules and call counts. */
    public Faults faults() {
        return faults;
    }

    /** The emulated export and point-in-time-recovery service. */
    public ExportService exports() {
        return exports;
    }

    /** Streams with shard lineages (parents, children, splits), which DynamoDB Local never makes. */
    public ShardedStreams shardedStreams() {
        return shardedStreams;
    }

    /** REMOVE stream records to read as deletes by DynamoDB's time to live, which DynamoDB Local never makes. */
    public TtlDeletes ttlDeletes() {
        return ttlDeletes;
    }

    /** Stream retention for DynamoDB Local's streams, which never trim: records older than a test says are gone. */
    public StreamTrimming streamTrimming() {
        return streamTrimming;
    }

    /** Process ids of the child servers, for tests that check nothing is left behind. */
    public List<Long> childPids() {
        return List.of(dynamoDbLocal.pid(), s3Proxy.pid());
    }

    /** Where the children's logs and (unless a data directory was given) their data live. */
    public Path workDirectory() {
        return workDirectory;
    }

    /** A shared DynamoDB client of the kit, with the SDK's default retries. */
    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = newDynamoDb(b -> {});
        }
        return dynamoDb;
    }

    /** A shared DynamoDB Streams client of the kit. */
    public synchronized DynamoDbStreamsClient streams() {
        if (streams == null) {
            streams = newStreams(b -> {});
        }
        return streams;
    }

    /** A shared S3 client of the kit. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = newS3(b -> {});
        }
        return s3;
    }

    /** A new DynamoDB client pointed at the kit, customised by {@code options}; closed with the kit. */
    public DynamoDbClient newDynamoDb(Consumer<DynamoDbClientBuilder> options) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .endpointOverride(dynamoDbEndpoint())
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder());
        options.accept(builder);
        return track(builder.build());
    }

    /** A new DynamoDB Streams client pointed at the kit; closed with the kit. */
    public DynamoDbStreamsClient newStreams(Consumer<DynamoDbStreamsClientBuilder> options) {
        DynamoDbStreamsClientBuilder builder = DynamoDbStreamsClient.builder()
                .endpointOverride(streamsEndpoint())
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder());
        options.accept(builder);
        return track(builder.build());
    }

    /** A new S3 client pointed at S3Proxy; closed with the kit. */
    public S3Client newS3(Consumer<S3ClientBuilder> options) {
        S3ClientBuilder builder = configure(S3Client.builder(), s3Endpoint());
        options.accept(builder);
        return track(builder.build());
    }

    /**
     * Sets what every S3-compatible store needs: path-style access, and checksums only where
     * the API requires them (S3Proxy answers NotImplemented to the SDK's default ones).
     */
    static S3ClientBuilder configure(S3ClientBuilder builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder());
    }

    private synchronized <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** Stops every server and client; the ports and child processes are gone when it returns. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(streamTrimming);
        clients.forEach(LocalAws::closeQuietly);
        closeQuietly(front);
        closeQuietly(sts);
        closeQuietly(exports);
        closeQuietly(exportWriter);
        closeQuietly(dynamoDbLocal);
        closeQuietly(s3Proxy);
        deleteOwnDirectory();
    }

    private void deleteOwnDirectory() {
        if (!ownsWorkDirectory || !Files.exists(workDirectory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", workDirectory, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", closeable, e.toString());
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options of a kit; ports default to free ephemeral ones. */
    public static final class Builder {
        private Path dataDirectory;
        private int frontPort;
        private int dynamoDbLocalPort;
        private int s3Port;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration exportDuration = Duration.ofMillis(500);

        private Builder() {}

        /**
         * Keeps tables and buckets in this directory across restarts. Without it tables are in memory and buckets in a
         * temporary directory deleted on close.
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** The DynamoDB (and Streams) endpoint's port; 0 for any free one. */
        public Builder dynamoDbPort(int port) {
            this.frontPort = port;
            return this;
        }

        /** S3Proxy's port; 0 for any free one. */
        public Builder s3Port(int port) {
            this.s3Port = port;
            return this;
        }

        /** How long an export stays IN_PROGRESS at the least. */
        public Builder exportDuration(Duration duration) {
            this.exportDuration = duration;
            return this;
        }

        /** How long a child server may take to listen. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Starts the kit. */
        public LocalAws start() {
            dynamoDbLocalPort = ChildJvm.freePort();
            int requestedS3 = s3Port;
            if (s3Port == 0) {
                s3Port = ChildJvm.freePort();
            }
            try {
                return new LocalAws(this);
            } catch (IllegalStateException e) {
                if (requestedS3 != 0) {
                    throw e;
                }
                // Another process may have taken a port between our pick and the child's bind.
                LOG.warn("LocalAws did not start ({}); trying once more on other ports", e.getMessage());
                dynamoDbLocalPort = ChildJvm.freePort();
                s3Port = ChildJvm.freePort();
                return new LocalAws(this);
            } finally {
                s3Port = requestedS3;
            }
        }
    }
}
