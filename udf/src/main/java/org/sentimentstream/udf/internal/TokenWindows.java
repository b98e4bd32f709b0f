package org.sentimentstream.udf.internal;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * What the model reads of one text: one or more sequences of at most the maximum length, each with the model's
 * special tokens, and how their logits combine into the text's.
 *
 * @param windows the sequences to score, in the text's order
 * @param weights each window's weight in the combined logits: the text tokens it holds
 * @param tokens the whole text's tokens, special tokens included once, whether or not all were read
 * @param truncated whether some of the text's tokens are in no window
 */
@Internal
public record TokenWindows(List<TokenizedText> windows, int[] weights, int tokens, boolean truncated) {

    public TokenWindows {
        windows = List.copyOf(windows);
        if (windows.isEmpty() || weights.length != windows.size()) {
            throw new IllegalArgumentException("one weight per window, at least one window");
        }
    }

    /** A text read as one sequence. */
    public static TokenWindows single(TokenizedText sequence, int tokens) {
        return new TokenWindows(List.of(sequence), new int[] {1}, tokens, sequence.truncated());
    }

    public int count() {
        return windows.size();
    }

    /**
     * The text's logits from its windows' logits (in window order): the mean, each window weighted by its tokens,
     * computed in double precision. One window's logits are returned as they are, so that a text that fits one
     * sequence scores exactly as it would alone.
     */
    public float[] combine(List<float[]> windowLogits) {
        if (windowLogits.size() != windows.size()) {
            throw new IllegalArgumentException(
                    windowLogits.size() + " rows of logits for " + windows.size() + " windows");
        }
        if (windowLogits.size() == 1) {
            return windowLogits.get(0);
        }
        int labels = windowLogits.get(0).length;
        double[] sum = new double[labels];
        double total = 0;
        for (int w = 0; w < windowLogits.size(); w++) {
            float[] logits = windowLogits.get(w);
            for (int i = 0; i < labels; i++) {
                sum[i] += (double) weights[w] * logits[i];
            }
            total += weights[w];
        }
        float[] combined = new float[labels];
        for (int i = 0; i < labels; i++) {
            combined[i] = (float) (sum[i] / total);
        }
        return combined;
    }
}
