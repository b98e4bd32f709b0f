package org.sentimentstream.testing;

import org.sentimentstream.testing.TestModels.ReferenceCase;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checks of the {@code sentiment} object of an output against the transformers reference of a tiny model. */
public final class SentimentAssertions {

    /** ONNX Runtime reproduces the reference logits within 1e-5; one reference case is a near tie between labels. */
    public static final double LOGIT_TOLERANCE = 1e-4;

    /** The default multi-label threshold. */
    private static final double THRESHOLD = 0.5;

    private SentimentAssertions() {}

    /** The logits of the reference case, and a label, score and probabilities consistent with them. */
    public static void assertSentiment(JsonNode sentiment, ReferenceCase expected) {
        assertWellFormed(
                sentiment, expected.model, expected.labels, expected.multiLabel, expected.tokens, expected.truncated);
        JsonNode logits = sentiment.get("logits");
        for (int i = 0; i < expected.logits.length; i++) {
            assertThat(logits.get(i).asDouble())
                    .as("logit %d of '%s'", i, expected)
                    .isCloseTo(expected.logits[i], within(LOGIT_TOLERANCE));
        }
        for (int i = 0; expected.probabilities != null && i < expected.probabilities.length; i++) {
            assertThat(sentiment
                            .get("probabilities")
                            .get(expected.labels.get(i))
                            .asDouble())
                    .as("probability of %s for '%s'", expected.labels.get(i), expected)
                    .isCloseTo(expected.probabilities[i], within(LOGIT_TOLERANCE));
        }
    }

    /**
     * What a job with the default {@code long-text windows} writes for a reference text: the reference's result;
     * for a text the reference truncated at 128 tokens, which the job reads whole, a well-formed result of its
     * windows over the whole text's tokens (that windows score as each window alone is checked in udf's
     * ReferenceLogitsTest).
     */
    public static void assertScoredByDefault(JsonNode sentiment, ReferenceCase expected) {
        if (expected.truncated && sentiment.get("windows").asInt() > 1) {
            int tokens = sentiment.get("tokens").asInt();
            assertThat(tokens).as("the whole text's tokens").isGreaterThan(expected.tokens);
            assertWellFormed(sentiment, expected.model, expected.labels, expected.multiLabel, tokens, false);
        } else {
            assertSentiment(sentiment, expected);
        }
    }

    /**
     * A complete sentiment object of the tiny DistilBERT: two logits, softmax probabilities of them, the label and
     * score of the larger one, the token count (for a truncated text: at least {@code tokens}), the windows and the
     * truncation flag.
     */
    public static void assertWellFormed(JsonNode sentiment, int tokens, boolean truncated) {
        assertWellFormed(sentiment, TestModels.TINY, List.of("NEGATIVE", "POSITIVE"), false, tokens, truncated);
        assertThat(sentiment.get("model").asText()).isEqualTo(TinyModel.IDENTITY);
    }

    /**
     * A complete sentiment object of a tiny model: a logit per label, their softmax (single-label) or sigmoid
     * (multi-label) probabilities, the label and score of the most probable, for a multi-label model the labels
     * above the default threshold, the token count and truncation flag, the model's identity.
     */
    public static void assertWellFormed(
            JsonNode sentiment, String model, List<String> labels, boolean multiLabel, int tokens, boolean truncated) {
        assertThat(sentiment).as("sentiment").isNotNull();
        assertThat(sentiment.isObject()).isTrue();
        JsonNode logits = sentiment.get("logits");
        assertThat(logits.isArray()).isTrue();
        assertThat(logits.size()).isEqualTo(labels.size());
        double[] p = new double[labels.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            max = Math.max(max, logits.get(i).asDouble());
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double l = logits.get(i).asDouble();
            p[i] = multiLabel ? 1 / (1 + Math.exp(-l)) : Math.exp(l - max);
            sum += p[i];
        }
        int best = 0;
        List<String> above = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            p[i] = multiLabel ? p[i] : p[i] / sum;
            best = p[i] > p[best] ? i : best;
            if (p[i] > THRESHOLD) {
                above.add(labels.get(i));
            }
        }
        assertThat(sentiment.get("label").asText()).isEqualTo(labels.get(best));
        assertThat(sentiment.get("probabilities").size()).isEqualTo(labels.size());
        for (int i = 0; i < p.length; i++) {
            assertThat(sentiment.get("probabilities").get(labels.get(i)).asDouble())
                    .as("probability of %s", labels.get(i))
                    .isCloseTo(p[i], within(1e-6));
        }
        assertThat(sentiment.get("score").asDouble()).isCloseTo(p[best], within(1e-6));
        if (truncated) {
            // a truncated text's reference counts what the model saw; the output counts the whole text
            assertThat(sentiment.get("tokens").asInt()).as("tokens").isGreaterThanOrEqualTo(tokens);
        } else {
            assertThat(sentiment.get("tokens").asInt()).as("tokens").isEqualTo(tokens);
        }
        assertThat(sentiment.get("windows").asInt()).as("windows").isPositive();
        assertThat(sentiment.get("truncated").asBoolean()).as("truncated").isEqualTo(truncated);
        assertThat(sentiment.get("model").asText()).isEqualTo(TestModels.identity(model));
        if (multiLabel) {
            List<String> got = new ArrayList<>();
            sentiment.get("labels").forEach(l -> got.add(l.asText()));
            assertThat(got).as("labels above %s", THRESHOLD).isEqualTo(above);
            assertThat(sentiment.size()).as("fields of %s", sentiment).isEqualTo(9);
        } else {
            assertThat(sentiment.size()).as("fields of %s", sentiment).isEqualTo(8);
        }
    }
}
