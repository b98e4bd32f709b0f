package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The score of one text: the winning label with its probability, and everything it was derived from. A single-label
 * model's probabilities are the softmax of its logits; a multi-label model's are a sigmoid per label, and its
 * {@link #predictedLabels()} are those above the threshold.
 */
@PublicEvolving
public final class SentimentResult implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String label;
    private final double score;
    private final List<String> labels;
    private final double[] probabilities;
    private final float[] logits;
    private final int tokens;
    private final int windows;
    private final boolean truncated;
    private final String model;
    private final List<String> predictedLabels; // null: single-label, the one label

    /** The result of a single-label model read as one sequence: softmax probabilities. */
    public SentimentResult(List<String> labels, float[] logits, int tokens, boolean truncated, String model) {
        this(labels, logits, tokens, 1, truncated, model);
    }

    /**
     * The result of a single-label model: softmax probabilities of the logits, combined from {@code windows}
     * sequences when the text was read in windows.
     */
    public SentimentResult(
            List<String> labels, float[] logits, int tokens, int windows, boolean truncated, String model) {
        this(labels, logits, softmax(logits), Double.NaN, tokens, windows, truncated, model);
    }

    private SentimentResult(
            List<String> labels,
            float[] logits,
            double[] probabilities,
            double threshold,
            int tokens,
            int windows,
            boolean truncated,
            String model) {
        this.labels = List.copyOf(labels);
        this.logits = logits.clone();
        this.probabilities = probabilities;
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        this.label = labels.get(best);
        this.score = probabilities[best];
        this.tokens = tokens;
        this.windows = windows;
        this.truncated = truncated;
        this.model = model;
        if (Double.isNaN(threshold)) {
            this.predictedLabels = null;
        } else {
            List<String> above = new ArrayList<>();
            for (int i = 0; i < probabilities.length; i++) {
                if (probabilities[i] > threshold) {
                    above.add(labels.get(i));
                }
            }
            this.predictedLabels = List.copyOf(above);
        }
    }

    /**
     * The result of a multi-label model: a sigmoid probability per label, and the labels whose probability is above
     * {@code threshold}.
     */
    public static SentimentResult multiLabel(
            List<String> labels, float[] logits, double threshold, int tokens, boolean truncated, String model) {
        return multiLabel(labels, logits, threshold, tokens, 1, truncated, model);
    }

    /** A multi-label model's result from logits combined from {@code windows} sequences. */
    public static SentimentResult multiLabel(
            List<String> labels,
            float[] logits,
            double threshold,
            int tokens,
            int windows,
            boolean truncated,
            String model) {
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return new SentimentResult(labels, logits, p, threshold, tokens, windows, truncated, model);
    }

    /** Softmax in double precision, shifted by the maximum for stability. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The winning label (the most probable one), e.g. POSITIVE. */
    public String label() {
        return label;
    }

    /** Probability of {@link #label()}. */
    public double score() {
        return score;
    }

    /** Whether this is a multi-label model's result: sigmoid probabilities, any number of predicted labels. */
    public boolean multiLabel() {
        return predictedLabels != null;
    }

    /**
     * A multi-label model's labels above the threshold, in label order (none, one or several); a single-label
     * model's {@link #label()}.
     */
    public List<String> predictedLabels() {
        return predictedLabels != null ? predictedLabels : List.of(label);
    }

    /** Label names in logit order (the model's id2label). */
    public List<String> labels() {
        return labels;
    }

    /** Probability per label, in label order: softmax, or a sigmoid each for a multi-label model. */
    public Map<String, Double> probabilities() {
        Map<String, Double> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            byLabel.put(labels.get(i), probabilities[i]);
        }
        return byLabel;
    }

    public float[] logits() {
        return logits.clone();
    }

    /** Tokens of the whole text, its special tokens (e.g. [CLS] and [SEP]) counted once, whether or not all were read. */
    public int tokens() {
        return tokens;
    }

    /** Sequences the model scored for the text: 1, or its windows (sentiment.long-text windows). */
    public int windows() {
        return windows;
    }

    /** Whether some of the text's tokens were in no sequence the model read. */
    public boolean truncated() {
        return truncated;
    }

    /** Identity of the model that produced this result: name and short sha256 of model.onnx. */
    public String model() {
        return model;
    }

    @Override
    public String toString() {
        return label + " " + String.format("%.4f", score) + (multiLabel() ? " labels=" + predictedLabels : "")
                + " logits=" + Arrays.toString(logits) + " tokens=" + tokens
                + (windows > 1 ? " windows=" + windows : "") + (truncated ? " truncated" : "") + " model=" + model;
    }
}
