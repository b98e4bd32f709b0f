package org.sentimentstream.testing;

import org.sentimentstream.testing.TestModels.ReferenceCase;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checks of the {@code sentiment} object of an output against the transformers reference of the tiny model. */
public final class SentimentAssertions {

    /** ONNX Runtime reproduces the reference logits within 1e-5; one reference case is a near tie between labels. */
    public static final double LOGIT_TOLERANCE = 1e-4;

    private SentimentAssertions() {}

    /** The logits of the reference case, and a label, score and probabilities consistent with them. */
    public static void assertSentiment(JsonNode sentiment, ReferenceCase expected) {
        assertWellFormed(sentiment, expected.tokens, expected.truncated);
        JsonNode logits = sentiment.get("logits");
        assertThat(logits.get(0).asDouble())
                .as("logit 0 of '%s'", expected)
                .isCloseTo(expected.logits[0], within(LOGIT_TOLERANCE));
        assertThat(logits.get(1).asDouble())
                .as("logit 1 of '%s'", expected)
                .isCloseTo(expected.logits[1], within(LOGIT_TOLERANCE));
    }

    /**
     * A complete sentiment object of the tiny model: two logits, softmax probabilities of them, the label and
     * score of the larger one, the token count and truncation flag.
     */
    public static void assertWellFormed(JsonNode sentiment, int tokens, boolean truncated) {
        assertThat(sentiment).as("sentiment").isNotNull();
        assertThat(sentiment.isObject()).isTrue();
        JsonNode logits = sentiment.get("logits");
        assertThat(logits.isArray()).isTrue();
        assertThat(logits.size()).isEqualTo(2);
        double l0 = logits.get(0).asDouble();
        double l1 = logits.get(1).asDouble();
        double positive = 1 / (1 + Math.exp(l0 - l1));
        assertThat(sentiment.get("label").asText()).isEqualTo(l1 > l0 ? "POSITIVE" : "NEGATIVE");
        assertThat(sentiment.get("probabilities").size()).isEqualTo(2);
        assertThat(sentiment.get("probabilities").get("POSITIVE").asDouble()).isCloseTo(positive, within(1e-6));
        assertThat(sentiment.get("probabilities").get("NEGATIVE").asDouble()).isCloseTo(1 - positive, within(1e-6));
        assertThat(sentiment.get("score").asDouble()).isCloseTo(Math.max(positive, 1 - positive), within(1e-6));
        assertThat(sentiment.get("tokens").asInt()).as("tokens").isEqualTo(tokens);
        assertThat(sentiment.get("truncated").asBoolean()).as("truncated").isEqualTo(truncated);
        assertThat(sentiment.get("model").asText()).isEqualTo(TinyModel.IDENTITY);
        assertThat(sentiment.size()).as("fields of %s", sentiment).isEqualTo(7);
    }
}
