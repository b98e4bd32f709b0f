package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.udf.internal.NativeLibraries;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.apache.flink.util.MutableURLClassLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

/**
 * The deployment trap of native libraries in a Flink session cluster, reproduced with Flink's own child-first
 * user-code classloader: DJL extracts its tokenizer library to one fixed path, and a JVM loads a library from one
 * path in one classloader only.
 *
 * <ul>
 *   <li>(a) DJL and ONNX Runtime in Flink's lib/ (the -cluster job jar): each job classloader sees the
 *       parent's classes and the parent's library, so any number of jobs work.
 *   <li>(b) DJL bundled in the job jar (the default build): the second classloader to open the tokenizer fails,
 *       and the failure says how to fix the deployment.
 * </ul>
 */
class NativeLibraryClassLoaderTest {

    private static final String TEXT = "I've been waiting for a HuggingFace course my whole life.";
    private static final ClassLoader PARENT = NativeLibraryClassLoaderTest.class.getClassLoader();

    private static TestModels.ReferenceCase reference;

    @BeforeAll
    static void scoreInTheParentFirst() throws Exception {
        // Whatever runs first, the parent classloader owns the native tokenizer library from here on:
        // like a TaskManager that loaded it from lib/ or for an earlier job.
        reference = TestModels.referenceCases().stream()
                .filter(c -> c.text.equals(TEXT))
                .findFirst()
                .orElseThrow();
        try (SentimentScorer scorer = SentimentScorer.open(config())) {
            ReferenceLogitsTest.assertMatches(reference, scorer.score(TEXT).get(30, TimeUnit.SECONDS));
        }
    }

    private static InferenceConfig config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                .build();
    }

    private static URL codeSourceOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** target/classes: the udf's own classes, as a job jar holds them. */
    private static URL udfClasses() throws Exception {
        URL url = codeSourceOf(SentimentScorer.class);
        assertThat(Paths.get(url.toURI())).isDirectory().endsWith(Paths.get("target", "classes"));
        return url;
    }

    /** target/test-classes, for {@link ClassLoaderProbe}. */
    private static URL probeClasses() throws Exception {
        URL url = codeSourceOf(ClassLoaderProbe.class);
        assertThat(Paths.get(url.toURI())).isDirectory().endsWith(Paths.get("target", "test-classes"));
        return url;
    }

    private static URL jarOf(Class<?> type) throws Exception {
        URL url = codeSourceOf(type);
        Path path = Paths.get(url.toURI());
        assertThat(path).isRegularFile();
        assertThat(path.getFileName().toString()).endsWith(".jar");
        return url;
    }

    /** Flink's user-code classloader, child-first, with Flink's default always-parent-first patterns. */
    private static MutableURLClassLoader jobClassLoader(List<URL> urls) {
        String[] parentFirst = CoreOptions.getParentFirstLoaderPatterns(new Configuration());
        assertThat(parentFirst).contains("java.", "org.apache.flink.", "org.slf4j");
        assertThat(parentFirst).noneMatch(p -> "org.sentimentstream".startsWith(p) || "ai.djl".startsWith(p));
        return FlinkUserCodeClassLoaders.childFirst(urls.toArray(new URL[0]), PARENT, parentFirst, error -> {}, true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probe(ClassLoader loader) throws Throwable {
        Class<?> probe = Class.forName(ClassLoaderProbe.class.getName(), true, loader);
        assertThat(probe.getClassLoader())
                .as("the probe is the job's own class")
                .isNotSameAs(PARENT);
        Method scoreOnce = probe.getMethod("scoreOnce", String.class, String.class);
        try {
            return (Map<String, Object>)
                    scoreOnce.invoke(null, TestModels.tinyModelDir().toString(), TEXT);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void librariesInFlinksLibWorkInEveryJobClassLoader() throws Throwable {
        List<URL> jobJar = List.of(udfClasses(), probeClasses());
        List<float[]> logits = new ArrayList<>();
        List<ClassLoader> scorerLoaders = new ArrayList<>();
        for (int job = 0; job < 2; job++) {
            try (MutableURLClassLoader loader = jobClassLoader(jobJar)) {
                Map<String, Object> result = probe(loader);
                ClassLoader scorerLoader = (ClassLoader) result.get("scorerLoader");
                assertThat(scorerLoader).as("job %s loads the udf itself", job).isNotSameAs(PARENT);
                assertThat(result.get("tokenizerLoader"))
                        .as("DJL comes from lib/")
                        .isSameAs(PARENT);
                assertThat(result.get("onnxRuntimeLoader"))
                        .as("ONNX Runtime comes from lib/")
                        .isSameAs(PARENT);
                scorerLoaders.add(scorerLoader);
                logits.add((float[]) result.get("logits"));
            }
        }
        assertThat(scorerLoaders.get(0)).as("two distinct job classloaders").isNotSameAs(scorerLoaders.get(1));
        assertThat(logits.get(1)).containsExactly(logits.get(0));
        assertThat(logits.get(0)).containsExactly(reference.logits, within(1e-4f));
    }

    @Test
    void librariesBundledInTheJobJarFailWithTheFix() throws Throwable {
        URL tokenizersJar = jarOf(HuggingFaceTokenizer.class);
        URL djlApiJar = jarOf(ai.djl.util.Platform.class);
        assertThat(tokenizersJar.getPath()).contains("tokenizers");
        assertThat(djlApiJar.getPath()).contains("api");
        assertThat(Files.exists(Paths.get(tokenizersJar.toURI()))).isTrue();

        List<URL> fatJobJar = List.of(udfClasses(), probeClasses(), tokenizersJar, djlApiJar);
        try (MutableURLClassLoader loader = jobClassLoader(fatJobJar)) {
            Class<?> childTokenizer = Class.forName(HuggingFaceTokenizer.class.getName(), false, loader);
            assertThat(childTokenizer.getClassLoader())
                    .as("DJL is loaded from the job jar")
                    .isNotSameAs(PARENT);

            Throwable first = catchThrowable(() -> probe(loader));
            assertConflictWithFix(first);
            assertThat(first).hasStackTraceContaining("already loaded in another classloader");

            // A second job in the same classloader finds DJL's class poisoned; it gets the same explanation.
            Throwable second = catchThrowable(() -> probe(loader));
            assertConflictWithFix(second);
        }

        // The parent, which owns the library, is unaffected.
        try (SentimentScorer scorer = SentimentScorer.open(config())) {
            ReferenceLogitsTest.assertMatches(reference, scorer.score(TEXT).get(30, TimeUnit.SECONDS));
        }
    }

    /** The exception comes from the job's classloader: its class is the child's copy, compared by name. */
    private static void assertConflictWithFix(Throwable t) {
        assertThat(t).isNotNull();
        assertThat(t.getClass().getName()).isEqualTo(NativeLibraries.NativeLibraryConflictException.class.getName());
        assertThat(t.getClass()).isNotSameAs(NativeLibraries.NativeLibraryConflictException.class);
        assertThat(t.getMessage())
                .contains("Flink's lib/")
                .contains("-cluster jar")
                .contains("ai.djl.huggingface:tokenizers");
    }
}
