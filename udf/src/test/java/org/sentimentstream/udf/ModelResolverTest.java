package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** hf: downloads from a local stand-in for the Hugging Face hub, the cache, and local paths and URIs. */
class ModelResolverTest {

    private static final String SHA = "d1a6bf72edb9e14818acc44269f12dd08a03de05008e5de266ae5fd1bb180a28";
    private static final List<String> FILES = List.of("model.onnx", "tokenizer.json", "config.json");

    @TempDir
    Path temp;

    private Path cache;
    private HttpServer server;
    private ExecutorService serverThreads;
    private String endpoint;

    /** One request the fake hub received. */
    record Request(String path, String authorization) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private volatile int failureStatus = 404;
    private volatile CountDownLatch modelGate;

    @BeforeEach
    void startHub() throws IOException {
        cache = temp.resolve("cache");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.createContext("/", this::serve);
        server.start();
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stopHub() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    /** Serves /{owner}/{repo}/resolve/{revision}/{file} from the tiny model directory. */
    private void serve(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization")));
            String[] parts = path.substring(1).split("/");
            if (parts.length != 5 || !parts[2].equals("resolve")) {
                respond(exchange, 400, "bad path");
                return;
            }
            String file = parts[4];
            if (missing.contains(file)) {
                respond(exchange, failureStatus, "Entry not found");
                return;
            }
            Path source = TestModels.tinyModelDir().resolve(file);
            if (!FILES.contains(file) || !Files.isRegularFile(source)) {
                respond(exchange, 404, "Entry not found");
                return;
            }
            CountDownLatch gate = modelGate;
            if (gate != null && file.equals("model.onnx")) {
                gate.countDown();
                gate.await(30, TimeUnit.SECONDS);
            }
            byte[] body = Files.readAllBytes(source);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private ModelResolver resolver(String expectedSha256, String token) {
        return new ModelResolver(cache, expectedSha256, endpoint, token);
    }

    private List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    private List<Path> entriesOf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.collect(Collectors.toList());
        }
    }

    @Test
    void downloadsTheThreeFilesIntoTheCacheAndTheDirectoryScores() throws Exception {
        ModelResolver.ResolvedModel resolved = resolver(null, null).resolve("hf:owner/tiny-sst2@rev1");

        Path expectedDir = cache.resolve("hf").resolve("owner--tiny-sst2").resolve("rev1");
        assertThat(resolved.dir()).isEqualTo(expectedDir);
        assertThat(resolved.name()).isEqualTo("tiny-sst2");
        for (String file : FILES) {
            assertThat(Files.readAllBytes(expectedDir.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(TestModels.tinyModelDir().resolve(file)));
        }
        assertThat(requests)
                .extracting(Request::path)
                .containsExactlyInAnyOrder(
                        "/owner/tiny-sst2/resolve/rev1/model.onnx",
                        "/owner/tiny-sst2/resolve/rev1/tokenizer.json",
                        "/owner/tiny-sst2/resolve/rev1/config.json");
        assertThat(entriesOf(expectedDir.getParent()))
                .as("no temporary directory left")
                .containsExactly(expectedDir);

        TestModels.ReferenceCase reference = TestModels.referenceCases().get(0);
        InferenceConfig config = InferenceConfig.builder()
                .model(resolved.dir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            ReferenceLogitsTest.assertMatches(
                    reference, scorer.score(reference.text).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSecondResolveReusesTheCacheOffline() throws Exception {
        Path first = resolver(SHA, null).resolve("hf:owner/tiny-sst2@rev1").dir();
        assertThat(requests).hasSize(3);
        server.stop(0);

        ModelResolver.ResolvedModel again = resolver(SHA, null).resolve("hf:owner/tiny-sst2@rev1");
        assertThat(again.dir()).isEqualTo(first);
        assertThat(again.name()).isEqualTo("tiny-sst2");
        assertThat(requests).as("no request while offline").hasSize(3);

        // Another revision is not in the cache, and the hub is gone.
        Throwable t = catchThrowable(() -> resolver(SHA, null).resolve("hf:owner/tiny-sst2@rev2"));
        assertThat(t).isInstanceOf(IOException.class);
        assertThat(filesUnder(cache.resolve("hf").resolve("owner--tiny-sst2").resolve("rev2")))
                .isEmpty();
        assertThat(entriesOf(first.getParent())).containsExactly(first);
    }

    @Test
    void defaultRevisionIsMain() throws Exception {
        ModelResolver.ResolvedModel resolved = resolver(null, null).resolve("hf:owner/tiny-sst2");
        assertThat(resolved.dir())
                .isEqualTo(cache.resolve("hf").resolve("owner--tiny-sst2").resolve("main"));
        assertThat(requests).extracting(Request::path).allMatch(p -> p.startsWith("/owner/tiny-sst2/resolve/main/"));
    }

    @Test
    void wrongExpectedSha256FailsAndLeavesNothingInTheCache() throws Exception {
        String wrong = "ab".repeat(32);
        Throwable t = catchThrowable(() -> resolver(wrong, null).resolve("hf:owner/tiny-sst2@rev1"));
        assertThat(t)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'sentiment.model-sha256'")
                .hasMessageContaining(wrong)
                .hasMessageContaining(SHA)
                .hasMessageContaining("Fix:");
        assertThat(requests).hasSize(3);
        Path repoDir = cache.resolve("hf").resolve("owner--tiny-sst2");
        assertThat(repoDir.resolve("rev1")).doesNotExist();
        assertThat(entriesOf(repoDir)).as("no partial or temporary directory").isEmpty();
        assertThat(filesUnder(cache)).isEmpty();
    }

    @Test
    void aMissingFileLeavesNothingInTheCache() throws Exception {
        missing.add("config.json");
        Throwable t = catchThrowable(() -> resolver(null, null).resolve("hf:owner/tiny-sst2@rev1"));
        assertThat(t)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/owner/tiny-sst2/resolve/rev1/config.json")
                .hasMessageContaining("HTTP 404");
        assertThat(entriesOf(cache.resolve("hf").resolve("owner--tiny-sst2"))).isEmpty();
        assertThat(filesUnder(cache)).isEmpty();

        // Once the hub has the file, the same cache works.
        missing.clear();
        assertThat(resolver(null, null).resolve("hf:owner/tiny-sst2@rev1").dir().resolve("config.json"))
                .isRegularFile();
    }

    @Test
    void unauthorizedSuggestsHfToken() {
        failureStatus = 401;
        missing.add("model.onnx");
        Throwable t = catchThrowable(() -> resolver(null, null).resolve("hf:owner/gated@rev1"));
        assertThat(t)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("HF_TOKEN");
    }

    @Test
    void theTokenIsSentAsBearerAuthorization() throws Exception {
        resolver(null, "hf_secret123").resolve("hf:owner/private@rev1");
        assertThat(requests)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret123"));
    }

    @Test
    void theTokenAppearsInNoErrorAndNoLogLine() throws Exception {
        String token = "hf_" + java.util.UUID.randomUUID().toString().replace("-", "");
        StringWriter log = new StringWriter();
        org.apache.logging.log4j.core.Logger logger =
                (org.apache.logging.log4j.core.Logger) LogManager.getLogger(ModelResolver.class);
        WriterAppender appender = WriterAppender.newBuilder()
                .setName("capture-" + token)
                .setTarget(log)
                .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
                .build();
        appender.start();
        logger.addAppender(appender);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            resolver(null, token).resolve("hf:owner/private@rev1");
            failureStatus = 401;
            missing.add("config.json");
            Throwable t = catchThrowable(() -> resolver(null, token).resolve("hf:owner/private@rev2"));
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("HTTP 401");
            for (Throwable e = t; e != null; e = e.getCause()) {
                assertThat(String.valueOf(e.getMessage()))
                        .as("message of %s", e)
                        .doesNotContain(token);
            }
        } finally {
            logger.removeAppender(appender);
            logger.setLevel(level);
            appender.stop();
        }
        assertThat(log.toString()).as("what was logged").contains("Downloading").doesNotContain(token);
        assertThat(requests)
                .as("the token was sent")
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + token));
    }

    @Test
    void aRedirectToAnotherHostGetsNoToken() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<Request> atOther = new CopyOnWriteArrayList<>();
        other.createContext("/", exchange -> {
            atOther.add(new Request(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            serve(exchange);
        });
        other.start();
        // the hub, reached as 127.0.0.1, sends model.onnx from "localhost": another host, as a CDN is
        HttpServer hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<Request> atHub = new CopyOnWriteArrayList<>();
        hub.createContext("/", exchange -> {
            atHub.add(new Request(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            if (exchange.getRequestURI().getPath().endsWith("/model.onnx")) {
                exchange.getResponseHeaders()
                        .add(
                                "Location",
                                "http://localhost:" + other.getAddress().getPort()
                                        + exchange.getRequestURI().getPath());
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            } else {
                serve(exchange);
            }
        });
        hub.start();
        try {
            String hubEndpoint = "http://127.0.0.1:" + hub.getAddress().getPort();
            Path dir = new ModelResolver(cache, SHA, hubEndpoint, "hf_secret123", false)
                    .resolve("hf:owner/tiny-sst2@rev1")
                    .dir();
            assertThat(dir.resolve("model.onnx"))
                    .hasSameBinaryContentAs(TestModels.tinyModelDir().resolve("model.onnx"));
        } finally {
            hub.stop(0);
            other.stop(0);
        }
        assertThat(atOther).as("requests at the other host").hasSize(1);
        assertThat(atOther.get(0).authorization())
                .as("token sent to the other host")
                .isNull();
        assertThat(atHub)
                .filteredOn(r -> r.path().endsWith("/model.onnx"))
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret123"));
    }

    @Test
    void aPlainHttpEndpointElsewhereIsRefusedUnlessAllowed() throws Exception {
        String endpoint = "http://user:pass@hub.invalid:8080";
        Throwable t = catchThrowable(
                () -> new ModelResolver(cache, null, endpoint, "hf_secret123", false).resolve("hf:owner/repo@rev1"));
        assertThat(t)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.model'")
                .hasMessageContaining("http://hub.invalid:8080")
                .hasMessageContaining("plain http")
                .hasMessageContaining(ModelResolver.ALLOW_HTTP_ENV + "=true")
                .hasMessageContaining("Fix:")
                .hasMessageNotContaining("user:pass")
                .hasMessageNotContaining("hf_secret123");
        assertThat(cache).as("nothing fetched").doesNotExist();

        Throwable allowed = catchThrowable(() ->
                new ModelResolver(cache, null, "http://hub.invalid:8080", null, true).resolve("hf:owner/repo@rev1"));
        assertThat(allowed)
                .as("allowed, it tries the host (which does not resolve)")
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(InvalidSettingException.class);
    }

    @Test
    void withoutATokenNoAuthorizationIsSent() throws Exception {
        resolver(null, null).resolve("hf:owner/public@rev1");
        assertThat(requests)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void concurrentDownloadsOfTheSameModelBothSucceed() throws Exception {
        // Two subtasks of one TaskManager (or two TaskManagers on one host) open the same hf: model at once.
        modelGate = new CountDownLatch(2);
        CompletableFuture<ModelResolver.ResolvedModel> a = CompletableFuture.supplyAsync(() -> resolveUnchecked());
        CompletableFuture<ModelResolver.ResolvedModel> b = CompletableFuture.supplyAsync(() -> resolveUnchecked());
        Path dirA = a.get(60, TimeUnit.SECONDS).dir();
        Path dirB = b.get(60, TimeUnit.SECONDS).dir();

        Path expected = cache.resolve("hf").resolve("owner--tiny-sst2").resolve("rev1");
        assertThat(dirA).isEqualTo(expected);
        assertThat(dirB).isEqualTo(expected);
        assertThat(requests).hasSize(6);
        assertThat(entriesOf(expected.getParent())).containsExactly(expected);
        assertThat(filesUnder(expected)).hasSize(3);
    }

    private ModelResolver.ResolvedModel resolveUnchecked() {
        try {
            return resolver(SHA, null).resolve("hf:owner/tiny-sst2@rev1");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void invalidRepoStringsNameTheSetting() {
        for (String spec : List.of(
                "hf:",
                "hf:owner/repo/extra",
                "hf:own er/repo",
                "hf:owner/repo@",
                "hf:owner/repo@a/b",
                "hf:../../etc@x",
                "hf:owner/..",
                "hf:owner/repo@..",
                "hf:./repo")) {
            Throwable t = catchThrowable(() -> resolver(null, null).resolve(spec));
            assertThat(t)
                    .as(spec)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("'sentiment.model'")
                    .hasMessageContaining("Fix:");
        }
        assertThat(requests).isEmpty();
        assertThat(cache).doesNotExist();
    }

    @Test
    void aFileUriResolvesToTheDirectoryItself() throws Exception {
        Path tiny = TestModels.tinyModelDir();
        String uri = tiny.toUri().toString();
        assertThat(uri).startsWith("file:///");
        ModelResolver.ResolvedModel resolved = resolver(SHA, null).resolve(uri);
        assertThat(resolved.dir().toRealPath()).isEqualTo(tiny.toRealPath());
        assertThat(resolved.name()).isEqualTo("tiny-distilbert");
        assertThat(cache).as("a local file system is not copied").doesNotExist();
    }

    @Test
    void aPlainPathResolvesToTheDirectoryItself() throws Exception {
        Path tiny = TestModels.tinyModelDir();
        ModelResolver.ResolvedModel resolved = resolver(SHA, null).resolve(tiny.toString());
        assertThat(resolved.dir()).isEqualTo(tiny);
        assertThat(resolved.name()).isEqualTo("tiny-distilbert");
        assertThat(cache).doesNotExist();

        Throwable t = catchThrowable(() -> resolver("00".repeat(32), null).resolve(tiny.toString()));
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("'sentiment.model-sha256'");
    }

    @Test
    void cacheDirFollowsTheSetting() {
        InferenceConfig config = InferenceConfig.builder()
                .set(SentimentOptions.MODEL_CACHE_DIR, temp.resolve("mine").toString())
                .build();
        assertThat(ModelResolver.cacheDir(config)).isEqualTo(temp.resolve("mine"));
    }
}
