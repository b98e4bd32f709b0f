package org.sentimentstream.udf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Entry point that {@link NativeLibraryClassLoaderTest} calls reflectively inside a Flink user-code classloader:
 * what a job's {@code open()} does. Only JDK types cross the classloader boundary.
 */
public final class ClassLoaderProbe {

    private ClassLoaderProbe() {}

    /** Opens a scorer on the model, scores one text, closes; returns the logits and who loaded what. */
    public static Map<String, Object> scoreOnce(String modelDir, String text) throws Exception {
        InferenceConfig config = InferenceConfig.builder()
                .model(modelDir)
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                .build();
        float[] logits;
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            logits = scorer.score(text).get(60, TimeUnit.SECONDS).logits();
        }
        return Map.of(
                "logits", logits,
                "scorerLoader", SentimentScorer.class.getClassLoader(),
                "tokenizerLoader", HuggingFaceTokenizer.class.getClassLoader(),
                "onnxRuntimeLoader", OrtEnvironment.class.getClassLoader());
    }
}
