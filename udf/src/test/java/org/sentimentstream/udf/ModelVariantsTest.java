package org.sentimentstream.udf;

import org.sentimentstream.testing.ModelVariants;
import org.sentimentstream.testing.TestModels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The model-update fixtures of the testing module, opened by ONNX Runtime: a copy of the shipped compact model
 * under a new identity ({@link TestModels#variant}) is a valid model that scores exactly as its source; a copy with
 * other labels of the same count is valid, one with another label count breaks the model contract.
 */
class ModelVariantsTest {

    private static final String REVIEW = "A quietly moving film with a wonderful cast.";

    @TempDir
    Path temp;

    private static InferenceConfig config(Path dir) {
        return InferenceConfig.builder()
                .model(dir.toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                .build();
    }

    private static SentimentResult score(Path dir) throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config(dir))) {
            return scorer.score(REVIEW).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCompactModelUnderANewIdentityScoresAsBefore() throws Exception {
        Path source = TestModels.compactModelDir();
        Path copy = TestModels.variant(source, temp.resolve("sst2-minilm-l6"), "retrained 2026-12-04");

        SentimentResult before = score(source);
        SentimentResult after = score(copy);

        String name = "sst2-minilm-l6@sha256:";
        assertThat(before.model()).startsWith(name);
        assertThat(after.model()).startsWith(name).isNotEqualTo(before.model());
        assertThat(after.logits()).containsExactly(before.logits());
        assertThat(after.label()).isEqualTo(before.label()).isEqualTo("POSITIVE");
    }

    @Test
    void aLongDocStringKeepsTheModelValid() throws Exception {
        // a length of two varint bytes
        Path copy = TestModels.variant(TestModels.tinyModelDir(), temp.resolve("v2"), "x".repeat(300));
        TestModels.ReferenceCase first = TestModels.referenceCases().get(0);
        try (SentimentScorer scorer = SentimentScorer.open(config(copy))) {
            ReferenceLogitsTest.assertMatches(first, scorer.score(first.text).get(30, TimeUnit.SECONDS));
            assertThat(scorer.modelIdentity()).startsWith("v2@sha256:");
        }
    }

    @Test
    void anotherLabelSetOfTheSameSizeIsAValidModel() throws Exception {
        Path copy = ModelVariants.withLabels(TestModels.tinyModelDir(), temp.resolve("renamed"), List.of("neg", "pos"));
        try (SentimentScorer scorer = SentimentScorer.open(config(copy))) {
            assertThat(scorer.labels()).containsExactly("neg", "pos");
        }
    }

    @Test
    void aLabelCountOtherThanTheLogitsBreaksTheContract() throws Exception {
        Path copy = ModelVariants.withLabels(
                TestModels.tinyModelDir(), temp.resolve("three"), List.of("NEGATIVE", "NEUTRAL", "POSITIVE"));
        Throwable t = catchThrowable(() -> score(copy));
        assertThat(t).as("scoring with a 3-label config on 2 logits").isNotNull();
        assertThat(t).hasStackTraceContaining("config.json's id2label names 3 labels");
    }
}
