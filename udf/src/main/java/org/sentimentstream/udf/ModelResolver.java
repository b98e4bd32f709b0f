package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.ModelDirectory;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.core.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Turns a model setting into a local model directory:
 *
 * <ul>
 *   <li>a local path: used as it is;
 *   <li>{@code hf:<repo>[@revision]}: the three contract files are downloaded from the Hugging Face hub into the
 *       cache, atomically (a complete directory appears or nothing does), and reused from there, offline too;
 *   <li>a Flink file system URI ({@code s3://}, {@code hdfs://}, {@code file://}, ...): copied into the cache by
 *       whichever process opens the model, typically each TaskManager.
 * </ul>
 */
@PublicEvolving
public final class ModelResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);
    private static final List<String> FILES =
            List.of(ModelDirectory.MODEL_FILE, ModelDirectory.TOKENIZER_FILE, ModelDirectory.CONFIG_FILE);

    private final Path cacheDir;
    private final String expectedSha256;
    private final String hfEndpoint;
    private final String hfToken;
    private final boolean allowHttp;

    /** Set to true, an {@code http://} hub endpoint that is not this machine is accepted (a trusted mirror). */
    public static final String ALLOW_HTTP_ENV = "SENTIMENT_HF_ALLOW_HTTP";

    public static final String ALLOW_HTTP_PROPERTY = "sentiment.hf-allow-http";
    private static final int MAX_REDIRECTS = 5;

    public ModelResolver(Path cacheDir, String expectedSha256) {
        this(
                cacheDir,
                expectedSha256,
                System.getProperty("sentiment.hf-endpoint", envOr("HF_ENDPOINT", "https://huggingface.co")),
                System.getenv("HF_TOKEN"));
    }

    ModelResolver(Path cacheDir, String expectedSha256, String hfEndpoint, String hfToken) {
        this(
                cacheDir,
                expectedSha256,
                hfEndpoint,
                hfToken,
                Boolean.parseBoolean(System.getProperty(ALLOW_HTTP_PROPERTY, envOr(ALLOW_HTTP_ENV, "false"))));
    }

    ModelResolver(Path cacheDir, String expectedSha256, String hfEndpoint, String hfToken, boolean allowHttp) {
        this.cacheDir = cacheDir;
        this.expectedSha256 = expectedSha256;
        this.hfEndpoint = hfEndpoint.replaceAll("/+$", "");
        this.hfToken = hfToken;
        this.allowHttp = allowHttp;
    }

    public static ModelResolver forConfig(InferenceConfig config) {
        return new ModelResolver(cacheDir(config), config.modelSha256());
    }

    /** The cache: the setting, else $SENTIMENT_MODEL_CACHE, else ~/.cache/sentiment-stream/models. */
    public static Path cacheDir(InferenceConfig config) {
        if (config.modelCacheDir() != null) {
            return Paths.get(config.modelCacheDir());
        }
        String env = System.getenv("SENTIMENT_MODEL_CACHE");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "sentiment-stream", "models");
    }

    /** A resolved model: its local directory and the name results carry. */
    public record ResolvedModel(Path dir, String name) {}

    /** Whether a model spec names a file system URI ({@code s3://}, {@code hdfs://}, {@code file://}). */
    private static boolean isUri(String spec) {
        return spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*");
    }

    /** Whether a model spec is a path on this machine: neither {@code hf:} nor a file system URI. */
    public static boolean isLocalPath(String spec) {
        return !spec.startsWith("hf:") && !isUri(spec);
    }

    public ResolvedModel resolve(String spec) throws IOException {
        ResolvedModel resolved;
        if (spec.startsWith("hf:")) {
            resolved = resolveHuggingFace(spec.substring(3));
        } else if (isUri(spec)) {
            resolved = resolveFileSystem(URI.create(spec));
        } else {
            Path dir = Paths.get(spec);
            resolved = new ResolvedModel(
                    dir, dir.toAbsolutePath().normalize().getFileName().toString());
        }
        verifySha256(resolved.dir().resolve(ModelDirectory.MODEL_FILE));
        return resolved;
    }

    private ResolvedModel resolveHuggingFace(String repoAndRevision) throws IOException {
        int at = repoAndRevision.indexOf('@');
        String repo = at < 0 ? repoAndRevision : repoAndRevision.substring(0, at);
        String revision = at < 0 ? "main" : repoAndRevision.substring(at + 1);
        String[] parts = repo.split("/", -1);
        if (parts.length > 2
                || !java.util.Arrays.stream(parts).allMatch(ModelResolver::isSafeName)
                || !isSafeName(revision)) {
            throw new InvalidSettingException(
                    SentimentOptions.MODEL,
                    "'hf:" + repoAndRevision + "' is not hf:<owner>/<repo>[@revision]",
                    "e.g. " + SentimentOptions.DEFAULT_MODEL);
        }
        String name = repo.substring(repo.lastIndexOf('/') + 1);
        Path target = cacheDir.resolve("hf").resolve(repo.replace("/", "--")).resolve(revision);
        if (isComplete(target)) {
            LOG.info("Using cached model {} from {}", repoAndRevision, target);
            return new ResolvedModel(target, name);
        }
        URI endpoint = checkedEndpoint();
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // followed here: the token goes to the hub only
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        populateAtomically(target, tmp -> {
            for (String file : FILES) {
                URI uri = URI.create(hfEndpoint + "/" + repo + "/resolve/" + revision + "/" + file);
                LOG.info("Downloading {}", withoutUserInfo(uri));
                HttpResponse<Path> response = download(http, endpoint, uri, tmp.resolve(file));
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + withoutUserInfo(uri) + " answered HTTP " + response.statusCode()
                            + (response.statusCode() == 401 ? " (set HF_TOKEN for a gated or private repo)" : ""));
                }
            }
        });
        return new ResolvedModel(target, name);
    }

    /**
     * The hub's endpoint, refused when it is plain http to another machine (the files, and HF_TOKEN when set, would
     * cross the network unencrypted) unless {@link #ALLOW_HTTP_ENV} allows it. Messages never show the token, nor
     * any user info of the endpoint.
     */
    private URI checkedEndpoint() {
        URI endpoint;
        try {
            endpoint = URI.create(hfEndpoint);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    SentimentOptions.MODEL,
                    "the Hugging Face endpoint (HF_ENDPOINT) is not a URI",
                    "set HF_ENDPOINT to https://<host>, or unset it for https://huggingface.co");
        }
        String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && (allowHttp || isLoopback(endpoint.getHost())))) {
            return endpoint;
        }
        throw new InvalidSettingException(
                SentimentOptions.MODEL,
                "hf: models come from " + withoutUserInfo(endpoint) + " (HF_ENDPOINT), which is "
                        + (scheme.equals("http")
                                ? "plain http to another machine: the model files, and HF_TOKEN when it is set,"
                                        + " would cross the network unencrypted and could be changed on the way"
                                : "neither https nor http"),
                "use an https:// endpoint; for a trusted mirror on a private network set " + ALLOW_HTTP_ENV
                        + "=true (or -D" + ALLOW_HTTP_PROPERTY + "=true), and pin the model with {"
                        + SentimentOptions.MODEL_SHA256.key() + "}");
    }

    /** GET, following redirects; the token goes along only to the endpoint's own host, never to another. */
    private HttpResponse<Path> download(HttpClient http, URI endpoint, URI uri, Path file) throws IOException {
        URI next = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(next).timeout(Duration.ofMinutes(10));
            if (hfToken != null
                    && !hfToken.isBlank()
                    && java.util.Objects.equals(next.getScheme(), endpoint.getScheme())
                    && java.util.Objects.equals(next.getHost(), endpoint.getHost())
                    && next.getPort() == endpoint.getPort()) {
                request.header("Authorization", "Bearer " + hfToken);
            }
            HttpResponse<Path> response;
            try {
                response = http.send(
                        request.build(),
                        HttpResponse.BodyHandlers.ofFile(
                                file,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + withoutUserInfo(uri), e);
            } catch (IOException e) {
                // the client's own messages are often empty ("ConnectException"): say what could not be reached
                throw new IOException(
                        "cannot reach " + next.getScheme() + "://"
                                + next.getAuthority().replaceFirst("^.*@", "") + " (GET " + withoutUserInfo(next)
                                + ")",
                        e);
            }
            int status = response.statusCode();
            java.util.Optional<String> location = response.headers().firstValue("Location");
            if (status < 300 || status >= 400 || location.isEmpty()) {
                return response;
            }
            if (hop == MAX_REDIRECTS) {
                throw new IOException(
                        "GET " + withoutUserInfo(uri) + " redirected more than " + MAX_REDIRECTS + " times");
            }
            next = next.resolve(location.get());
        }
    }

    private static boolean isLoopback(String host) {
        return host != null
                && (host.equals("localhost")
                        || host.equals("[::1]")
                        || host.equals("::1")
                        || host.matches("127\\.\\d+\\.\\d+\\.\\d+"));
    }

    /** A URI as it may be logged or shown: without user info (user:password@). */
    private static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    private ResolvedModel resolveFileSystem(URI uri) throws IOException {
        String base = uri.toString().replaceAll("/+$", "");
        String name = base.substring(base.lastIndexOf('/') + 1);
        if ("file".equals(uri.getScheme())) {
            Path local = Paths.get(uri);
            return new ResolvedModel(local, local.getFileName().toString());
        }
        Path target = cacheDir.resolve("fs").resolve(sha256Hex(base).substring(0, 16) + "-" + name);
        if (isComplete(target)) {
            return new ResolvedModel(target, name);
        }
        populateAtomically(target, tmp -> {
            for (String file : FILES) {
                org.apache.flink.core.fs.Path source = new org.apache.flink.core.fs.Path(base + "/" + file);
                LOG.info("Fetching {}", source);
                FileSystem fs = source.getFileSystem();
                try (InputStream in = fs.open(source)) {
                    Files.copy(in, tmp.resolve(file));
                }
            }
        });
        return new ResolvedModel(target, name);
    }

    private interface Populator {
        void fill(Path tmp) throws IOException;
    }

    /** Fills a fresh temporary directory and renames it into place: readers see all files or none. */
    private void populateAtomically(Path target, Populator populator) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        try {
            populator.fill(tmp);
            verifySha256(tmp.resolve(ModelDirectory.MODEL_FILE));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the model cache " + cacheDir + " does not support atomic renames", e);
            } catch (FileSystemException e) {
                // A non-empty target: Linux reports ENOTEMPTY as a plain FileSystemException, not as
                // FileAlreadyExistsException or DirectoryNotEmptyException.
                if (!isComplete(target)) {
                    throw e;
                }
                LOG.info("Another process cached {} first; using its copy", target);
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** A repo or revision part: word characters, dots and dashes, but not "." or ".." (they would escape the cache). */
    private static boolean isSafeName(String part) {
        return part.matches("[\\w.-]+") && !part.matches("\\.+");
    }

    private static boolean isComplete(Path dir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private void verifySha256(Path modelFile) throws IOException {
        if (expectedSha256 == null || !Files.isRegularFile(modelFile)) {
            return;
        }
        String actual = ModelDirectory.sha256Of(modelFile);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new IOException(modelFile + " has sha256 " + actual + " but '"
                    + SentimentOptions.MODEL_SHA256.key() + "' expects " + expectedSha256
                    + ". Fix: point the model at the intended files or correct the expected hash.");
        }
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
