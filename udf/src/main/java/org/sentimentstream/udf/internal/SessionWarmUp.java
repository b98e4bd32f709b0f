package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceConfig;

import ai.onnxruntime.OrtException;
import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Runs a new session through the batch shapes it will meet before it takes records: ONNX Runtime plans memory and
 * kernels per input shape on a shape's first run, and the JVM compiles the tokenizing and buffer-filling paths only
 * once they are hot, so without this the first seconds of a job (or of a new model) run far slower than the rest.
 */
@Internal
final class SessionWarmUp {

    /** A review long enough to be read in several windows at any sequence length. */
    private static final String SAMPLE = "The opening scenes promise a sharp, funny film, and the cast delivers for a"
            + " while, but the story loses its way in the second half; the ending is rushed and the jokes repeat."
            + " Still, the music is lovely and the lead actress carries every scene she is in, which makes it"
            + " worth a look on a quiet evening, even if you will not remember much of it a week later. ";

    private SessionWarmUp() {}

    /** Runs {@code config.warmUpRounds()} rounds; returns the milliseconds it took. */
    static long run(OnnxClassifier classifier, TextReader reader, InferenceConfig config) throws OrtException {
        if (config.warmUpRounds() == 0) {
            return 0;
        }
        long start = System.nanoTime();
        String longText = SAMPLE.repeat(8);
        long[] sample = reader.read(SAMPLE).windows().get(0).ids();
        for (int round = 0; round < config.warmUpRounds(); round++) {
            reader.read(longText);
            for (int length : lengths(config)) {
                for (int size : batchSizes(config, length)) {
                    classifier.classify(Collections.nCopies(size, sequence(sample, length)));
                }
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The padded lengths batches will have: the bucket bounds when buckets are set, else a short review, two
     * mid-length ones and a full sequence.
     */
    static List<Integer> lengths(InferenceConfig config) {
        int max = config.maxSequenceLength();
        TreeSet<Integer> lengths = new TreeSet<>();
        List<Integer> candidates = config.lengthBuckets().isEmpty() ? List.of(16, 32, 64) : config.lengthBuckets();
        for (int length : candidates) {
            if (length < max) {
                lengths.add(Math.max(3, length));
            }
        }
        lengths.add(max);
        return new ArrayList<>(lengths);
    }

    /** Beyond this many texts a bigger batch costs more warm-up than it teaches the session. */
    static final int MAX_WARM_UP_BATCH = 64;

    /** One text (a quiet stream) and a full batch of this length (a busy one). */
    static List<Integer> batchSizes(InferenceConfig config, int length) {
        int full = Math.max(
                1, Math.min(MAX_WARM_UP_BATCH, Math.min(config.maxBatchSize(), config.maxBatchTokens() / length)));
        return full == 1 ? List.of(1) : List.of(1, full);
    }

    /** A sequence of {@code length} tokens with the sample's special tokens at both ends and its words between. */
    private static long[] sequence(long[] sample, int length) {
        long[] ids = new long[length];
        int words = Math.max(1, sample.length - 2);
        ids[0] = sample[0];
        for (int i = 1; i < length - 1; i++) {
            ids[i] = sample[1 + (i - 1) % words];
        }
        ids[length - 1] = sample[sample.length - 1];
        return ids;
    }
}
