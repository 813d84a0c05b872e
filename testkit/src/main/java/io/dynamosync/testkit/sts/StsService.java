package io.dynamosync.testkit.sts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An STS endpoint on loopback that answers {@code GetCallerIdentity} and {@code AssumeRole} as AWS does: the
 * query protocol in, XML out, each request's SigV4 signature checked against the secret of the access key it
 * names, and AWS's error codes ({@code InvalidClientTokenId} for an unknown key, {@code SignatureDoesNotMatch}
 * for a wrong secret, {@code AccessDenied} for a role that does not trust the caller or a wrong external ID).
 *
 * <p>Tests register the identities and roles they need; AssumeRole hands out temporary credentials that this
 * endpoint then recognises. Other AWS services of the kit do not check credentials.
 */
public final class StsService implements AutoCloseable {

    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern AUTHORIZATION =
            Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,]+),\\s*Signature=([0-9a-f]+)");
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:.*/)?([^/]+)$");

    /**
     * Credentials this endpoint knows.
     *
     * @param accessKeyId the access key ID
     * @param secretAccessKey the secret; never printed by {@link #toString()}
     * @param sessionToken the session token of temporary credentials, null for long-lived keys
     * @param arn whom the key belongs to
     * @param account the identity's account
     * @param userId the identity's unique ID as GetCallerIdentity reports it
     */
    public record Identity(
            String accessKeyId,
            String secretAccessKey,
            String sessionToken,
            String arn,
            String account,
            String userId) {
        @Override
        public String toString() {
            return "Identity{accessKeyId=" + accessKeyId + ", arn=" + arn + "}";
        }
    }

    /** A role: who may assume it (by identity ARN) and the external ID it requires (null for none). */
    private record Role(String arn, String account, String name, List<String> trusted, String externalId) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Identity> identities = new ConcurrentHashMap<>();
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong ids = new AtomicLong(100);

    /** Starts the endpoint on a loopback port, 0 for any free one. */
    public StsService(int port) {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sts-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the STS port", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The endpoint URL clients use. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Registers long-lived keys of an IAM user {@code userName} in {@code account}, with a fresh key pair. */
    public Identity addUser(String account, String userName) {
        String keyId = "AKIA" + randomAlnum(16);
        return addKey(keyId, randomAlnum(40), "arn:aws:iam::" + account + ":user/" + userName);
    }

    /** Registers a given key pair as belonging to {@code arn} (an IAM user or role ARN). */
    public Identity addKey(String accessKeyId, String secretAccessKey, String arn) {
        String account = arn.split(":")[4];
        Identity identity = new Identity(accessKeyId, secretAccessKey, null, arn, account, "AIDA" + randomAlnum(17));
        identities.put(accessKeyId, identity);
        return identity;
    }

    /** Forgets a key, as deleting or deactivating it in IAM does. */
    public void removeKey(String accessKeyId) {
        identities.remove(accessKeyId);
    }

    /**
     * Creates a role that {@code trustedArns} may assume, only with {@code externalId} when that is not null.
     * A trusted ARN may be a role ARN, which admits that role's sessions.
     */
    public void addRole(String roleArn, String externalId, String... trustedArns) {
        Matcher m = ROLE_ARN.matcher(roleArn);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
        roles.put(roleArn, new Role(roleArn, m.group(2), m.group(3), List.of(trustedArns), externalId));
    }

    /**
     * Every secret this endpoint knows or handed out: the secret keys of its users and the secret keys and session
     * tokens of the sessions it issued. A test checks that no log or status holds one.
     */
    public List<String> issuedSecrets() {
        List<String> secrets = new java.util.ArrayList<>();
        for (Identity identity : identities.values()) {
            secrets.add(identity.secretAccessKey());
            if (identity.sessionToken() != null) {
                secrets.add(identity.sessionToken());
            }
        }
        return secrets;
    }

    /** How many calls of {@code action} this endpoint answered, failed ones included. */
    public long calls(String action) {
        LongAdder count = calls.get(action);
        return count == null ? 0 : count.sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> form = parseForm(new String(body, StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getRawQuery() != null) {
                form.putAll(parseForm(exchange.getRequestURI().getRawQuery()));
            }
            String action = form.getOrDefault("Action", "");
            calls.computeIfAbsent(action, k -> new LongAdder()).increment();
            Identity caller;
            try {
                caller = authenticate(exchange, body);
            } catch (StsError e) {
                error(exchange, e);
                return;
            }
            switch (action) {
                case "GetCallerIdentity" ->
                    respond(
                            exchange,
                            200,
                            "<GetCallerIdentityResponse xmlns=\"" + NS + "\">"
                                    + "<GetCallerIdentityResult><Arn>" + xml(caller.arn()) + "</Arn><UserId>"
                                    + xml(caller.userId())
                                    + "</UserId><Account>" + caller.account() + "</Account></GetCallerIdentityResult>"
                                    + metadata() + "</GetCallerIdentityResponse>");
                case "AssumeRole" -> assumeRole(exchange, caller, form);
                default ->
                    error(
                            exchange,
                            new StsError(
                                    400,
                                    "InvalidAction",
                                    "Could not find operation " + action + " for version 2011-06-15"));
            }
        } catch (RuntimeException e) {
            error(exchange, new StsError(500, "InternalFailure", "test kit: " + e));
        }
    }

    private void assumeRole(HttpExchange exchange, Identity caller, Map<String, String> form) throws IOException {
        String roleArn = form.get("RoleArn");
        String session = form.get("RoleSessionName");
        if (roleArn == null || session == null) {
            error(
                    exchange,
                    new StsError(
                            400,
                            "ValidationError",
                            "1 validation error detected: Value null at 'roleArn' or 'roleSessionName' failed to satisfy "
                                    + "constraint: Member must not be null"));
            return;
        }
        Role role = roles.get(roleArn);
        String callerPrincipal = principalOf(caller.arn());
        // AWS gives one message whether the role is missing, does not trust the caller, or wants another external
        // ID, so that callers cannot probe which roles exist.
        boolean allowed = role != null
                && role.trusted().contains(callerPrincipal)
                && (role.externalId() == null || role.externalId().equals(form.get("ExternalId")));
        if (!allowed) {
            error(
                    exchange,
                    new StsError(
                            403,
                            "AccessDenied",
                            "User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: "
                                    + roleArn));
            return;
        }
        long seconds = Long.parseLong(form.getOrDefault("DurationSeconds", "3600"));
        Instant expiration = Instant.now().plus(Duration.ofSeconds(seconds)).truncatedTo(ChronoUnit.SECONDS);
        String roleId = "AROA" + randomAlnum(17);
        Identity temporary = new Identity(
                "ASIA" + randomAlnum(16),
                randomAlnum(40),
                randomAlnum(120),
                "arn:aws:sts::" + role.account() + ":assumed-role/" + role.name() + "/" + session,
                role.account(),
                roleId + ":" + session);
        identities.put(temporary.accessKeyId(), temporary);
        respond(
                exchange,
                200,
                "<AssumeRoleResponse xmlns=\"" + NS + "\"><AssumeRoleResult>"
                        + "<AssumedRoleUser><Arn>" + xml(temporary.arn()) + "</Arn><AssumedRoleId>"
                        + xml(temporary.userId())
                        + "</AssumedRoleId></AssumedRoleUser>"
                        + "<Credentials><AccessKeyId>" + temporary.accessKeyId() + "</AccessKeyId><SecretAccessKey>"
                        + temporary.secretAccessKey() + "</SecretAccessKey><SessionToken>" + temporary.sessionToken()
                        + "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials>"
                        + "<PackedPolicySize>0</PackedPolicySize></AssumeRoleResult>" + metadata()
                        + "</AssumeRoleResponse>");
    }

    /** The principal a trust policy names for an identity: an assumed-role session's role, or the identity. */
    private static String principalOf(String arn) {
        Matcher session = Pattern.compile("^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/.+$")
                .matcher(arn);
        return session.matches()
                ? "arn:" + session.group(1) + ":iam::" + session.group(2) + ":role/" + session.group(3)
                : arn;
    }

    private Identity authenticate(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher auth = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (auth == null || !auth.matches()) {
            throw new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        Identity identity = identities.get(auth.group(1));
        if (identity == null) {
            throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
        if (identity.sessionToken() != null && !identity.sessionToken().equals(token)) {
            throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        String expected = signature(
                exchange, body, identity.secretAccessKey(), auth.group(2), auth.group(3), auth.group(4), auth.group(5));
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), auth.group(6).getBytes(StandardCharsets.US_ASCII))) {
            throw new StsError(
                    403,
                    "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the "
                            + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the "
                            + "service documentation for details.");
        }
        return identity;
    }

    /** SigV4 as AWS computes it, from the headers the client says it signed. */
    private static String signature(
            HttpExchange exchange,
            byte[] body,
            String secret,
            String date,
            String region,
            String service,
            String signedHeaders) {
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            List<String> values = exchange.getRequestHeaders().get(name);
            String value = values == null
                    ? ""
                    : String.join(
                            ",",
                            values.stream()
                                    .map(v -> v.trim().replaceAll("\\s+", " "))
                                    .toList());
            canonicalHeaders
                    .append(name.toLowerCase(Locale.ROOT))
                    .append(':')
                    .append(value)
                    .append('\n');
        }
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : canonicalQuery(uri.getRawQuery());
        String canonicalRequest = exchange.getRequestMethod() + "\n" + path + "\n" + query + "\n" + canonicalHeaders
                + "\n" + signedHeaders + "\n" + hex(sha256(body));
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static String canonicalQuery(String rawQuery) {
        String[] pairs = rawQuery.split("&");
        Arrays.sort(pairs);
        return String.join("&", pairs);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Map<String, String> parseForm(String form) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
        return values;
    }

    private String randomAlnum(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void error(HttpExchange exchange, StsError e) throws IOException {
        String type = e.status >= 500 ? "Receiver" : "Sender";
        respond(
                exchange,
                e.status,
                "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + type + "</Type><Code>"
                        + e.code + "</Code><Message>" + xml(e.getMessage()) + "</Message></Error><RequestId>"
                        + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** An STS error: HTTP status, AWS error code and message. */
    private static final class StsError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        StsError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
