package org.sentimentstream.udf;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The score of one text: the winning label with its probability, and everything it was derived from. */
public final class SentimentResult implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String label;
    private final double score;
    private final List<String> labels;
    private final double[] probabilities;
    private final float[] logits;
    private final int tokens;
    private final boolean truncated;
    private final String model;

    public SentimentResult(List<String> labels, float[] logits, int tokens, boolean truncated, String model) {
        this.labels = List.copyOf(labels);
        this.logits = logits.clone();
        this.probabilities = softmax(logits);
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        this.label = labels.get(best);
        this.score = probabilities[best];
        this.tokens = tokens;
        this.truncated = truncated;
        this.model = model;
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

    /** The winning label, e.g. POSITIVE. */
    public String label() {
        return label;
    }

    /** Softmax probability of {@link #label()}. */
    public double score() {
        return score;
    }

    /** Label names in logit order (the model's id2label). */
    public List<String> labels() {
        return labels;
    }

    /** Softmax probability per label, in label order. */
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

    /** Tokens the model saw, including [CLS] and [SEP]. */
    public int tokens() {
        return tokens;
    }

    /** Whether the text was longer than the maximum sequence length and was cut. */
    public boolean truncated() {
        return truncated;
    }

    /** Identity of the model that produced this result: name and short sha256 of model.onnx. */
    public String model() {
        return model;
    }

    @Override
    public String toString() {
        return label + " " + String.format("%.4f", score) + " logits=" + Arrays.toString(logits) + " tokens=" + tokens
                + (truncated ? " truncated" : "") + " model=" + model;
    }
}
