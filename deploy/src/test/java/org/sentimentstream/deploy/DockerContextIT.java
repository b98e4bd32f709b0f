package org.sentimentstream.deploy;

import org.sentimentstream.testing.TestModels;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker build context that Maven stages in target/docker-context/ (after package): what the Dockerfile copies
 * is there, the job jar is the cluster jar, each platform's lib/ holds the same jars as job/target/flink-lib with
 * only that platform's linux natives and nothing else changed, and the jars of this machine's platform load and run
 * the tokenizer and ONNX Runtime in a JVM that has nothing else.
 */
class DockerContextIT {

    static final Path CONTEXT = Path.of("target", "docker-context");

    /** Native directories per platform: ONNX Runtime, DJL tokenizers, JNA. */
    static final List<String> AMD64 =
            List.of("ai/onnxruntime/native/linux-x64/", "native/lib/linux-x86_64/", "com/sun/jna/linux-x86-64/");

    static final List<String> ARM64 =
            List.of("ai/onnxruntime/native/linux-aarch64/", "native/lib/linux-aarch64/", "com/sun/jna/linux-aarch64/");

    @Test
    void holdsWhatTheDockerfileCopies() {
        for (String source : DeployFiles.copySources()) {
            String path = source.replace("${TARGETARCH}", "amd64").replace("${MODEL_DIR}", "model");
            assertThat(CONTEXT.resolve(path)).as("COPY " + source).exists();
            assertThat(CONTEXT.resolve(source.replace("${TARGETARCH}", "arm64").replace("${MODEL_DIR}", "model")))
                    .exists();
        }
        assertThat(CONTEXT.resolve("Dockerfile")).hasSameTextualContentAs(DeployFiles.DOCKERFILE);
        assertThat(CONTEXT.resolve("plugins/metrics-prometheus/flink-metrics-prometheus-2.2.1.jar"))
                .exists();
    }

    @Test
    void theJobJarIsTheClusterJar() throws IOException {
        try (ZipFile jar =
                new ZipFile(CONTEXT.resolve("usrlib/sentiment-stream-job.jar").toFile())) {
            assertThat(jar.getEntry("org/sentimentstream/job/cli/Main.class")).isNotNull();
            assertThat(jar.getEntry("org/apache/kafka/clients/producer/KafkaProducer.class"))
                    .isNotNull();
            // ONNX Runtime and DJL are in lib/, never in the job jar (a stale shade would bundle them)
            assertThat(jar.stream()
                            .map(ZipEntry::getName)
                            .filter(n -> n.startsWith("ai/onnxruntime/") || n.startsWith("ai/djl/"))
                            .toList())
                    .isEmpty();
        }
    }

    @Test
    void eachPlatformHasTheLibJarsWithOnlyItsNatives() throws IOException {
        Path all = Path.of("target", "flink-lib-all-platforms");
        Set<String> jars = fileNames(all);
        Path jobLib = Path.of("..", "job", "target", "flink-lib");
        if (Files.isDirectory(jobLib)) {
            assertThat(jars).as("the same jars as the job's flink-lib").isEqualTo(fileNames(jobLib));
        }
        assertThat(jars).anyMatch(n -> n.startsWith("onnxruntime-")).anyMatch(n -> n.startsWith("tokenizers-"));
        for (String arch : List.of("amd64", "arm64")) {
            Path lib = CONTEXT.resolve("lib-" + arch);
            assertThat(fileNames(lib)).isEqualTo(jars);
            List<String> keep = arch.equals("amd64") ? AMD64 : ARM64;
            for (String name : jars) {
                Set<String> original = entries(all.resolve(name));
                Set<String> stripped = entries(lib.resolve(name));
                for (String entry : original) {
                    if (entry.endsWith("/")) {
                        continue; // directories follow their files
                    }
                    boolean isNative = entry.endsWith(".so")
                            || entry.endsWith(".dylib")
                            || entry.endsWith(".dll")
                            || entry.endsWith(".jnilib")
                            || entry.endsWith(".a")
                            || entry.contains(".dSYM/");
                    boolean kept = stripped.contains(entry);
                    if (!isNative) {
                        assertThat(kept)
                                .as(arch + " " + name + " keeps " + entry)
                                .isTrue();
                    } else {
                        boolean wanted = keep.stream().anyMatch(entry::startsWith);
                        assertThat(kept)
                                .as(arch + " " + name + (wanted ? " keeps " : " drops ") + entry)
                                .isEqualTo(wanted);
                    }
                }
                assertThat(original)
                        .containsAll(
                                stripped.stream().filter(e -> !e.endsWith("/")).toList());
            }
            Set<String> natives = new TreeSet<>();
            for (String name : jars) {
                entries(lib.resolve(name)).stream()
                        .filter(e -> e.endsWith(".so"))
                        .forEach(natives::add);
            }
            assertThat(natives).hasSize(4).allMatch(e -> keep.stream().anyMatch(e::startsWith));
        }
    }

    @Test
    void thisPlatformsJarsScoreInAJvmWithNothingElse() throws Exception {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        org.junit.jupiter.api.Assumptions.assumeTrue(
                arch != null && System.getProperty("os.name").equals("Linux"));
        List<String> classpath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(CONTEXT.resolve("lib-" + arch))) {
            jars.sorted().forEach(j -> classpath.add(j.toAbsolutePath().toString()));
        }
        classpath.add(Path.of(NativeProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString());
        classpath.add(Path.of(org.slf4j.Logger.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString());
        Path djlCache = Files.createTempDirectory("djl-cache");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-DDJL_CACHE_DIR=" + djlCache,
                        "-Dai.djl.offline=true",
                        "-cp",
                        String.join(File.pathSeparator, classpath),
                        NativeProbe.class.getName(),
                        TestModels.tinyModelDir().toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out)
                .containsPattern("LOGITS \\[-?\\d+\\.\\d+(E-?\\d+)?, -?\\d+\\.\\d+(E-?\\d+)?]")
                .contains("ORT file:" + CONTEXT.resolve("lib-" + arch).toAbsolutePath())
                .contains("DJL file:" + CONTEXT.resolve("lib-" + arch).toAbsolutePath());
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return new TreeSet<>(zip.stream().map(ZipEntry::getName).toList());
        }
    }
}
