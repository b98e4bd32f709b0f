package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The full scoring path (DJL tokenizer, micro-batcher, ONNX Runtime session) reproduces the ids, logits and
 * probabilities that Hugging Face transformers computed in PyTorch for each text alone, whatever batch the text
 * lands in, for the tiny model of every family and head. The reference truncated long texts at 128 tokens, so it is
 * compared with {@code long-text truncate}; texts that fit one sequence score bit for bit alike under every
 * strategy, and a long text read in windows scores as its windows do alone.
 */
class ReferenceLogitsTest {

    private static final float TOLERANCE = 1e-4f;

    static final List<String> MODELS = TestModels.ALL;

    private static List<ReferenceCase> cases(String model) {
        List<ReferenceCase> cases = TestModels.referenceCases(model);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);
        return cases;
    }

    private static ReferenceCase longest(String model) {
        ReferenceCase longest =
                cases(model).stream().filter(c -> c.truncated).findFirst().orElseThrow();
        assertThat(longest.tokens).isEqualTo(128);
        return longest;
    }

    private static InferenceConfig.Builder config(String model) {
        return InferenceConfig.builder()
                .model(TestModels.dir(model).toString())
                .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.TRUNCATE)
                .set(SentimentOptions.INTRA_OP_THREADS, 1);
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void textsThatFitOneSequenceScoreBitForBitAlikeUnderEveryStrategy(String model) throws Exception {
        List<ReferenceCase> cases = cases(model);
        Map<String, float[]> truncated = new HashMap<>();
        try (SentimentScorer scorer = SentimentScorer.open(config(model).build())) {
            for (ReferenceCase c : cases) {
                truncated.put(
                        c.text, scorer.score(c.text).get(30, TimeUnit.SECONDS).logits());
            }
        }
        for (SentimentOptions.LongText strategy : SentimentOptions.LongText.values()) {
            try (SentimentScorer scorer = SentimentScorer.open(
                    config(model).set(SentimentOptions.LONG_TEXT, strategy).build())) {
                List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
                cases.forEach(c -> futures.add(scorer.score(c.text)));
                for (int i = 0; i < cases.size(); i++) {
                    ReferenceCase c = cases.get(i);
                    SentimentResult r = futures.get(i).get(30, TimeUnit.SECONDS);
                    if (!c.truncated) {
                        assertThat(r.logits()).as("%s: %s", strategy, c).containsExactly(truncated.get(c.text));
                        assertMatches(c, r);
                        assertThat(r.windows()).isEqualTo(1);
                    } else {
                        // the whole text's tokens, whatever was read of it
                        assertThat(r.tokens()).as("%s: %s", strategy, c).isGreaterThan(128);
                        assertThat(r.truncated()).isEqualTo(strategy != SentimentOptions.LongText.WINDOWS);
                        if (strategy == SentimentOptions.LongText.WINDOWS) {
                            assertThat(r.windows()).isGreaterThanOrEqualTo(2);
                        } else {
                            assertThat(r.windows()).isEqualTo(1);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void aLongTextReadInWindowsScoresAsItsWindowsAlone(String model) throws Exception {
        List<ReferenceCase> cases = cases(model);
        List<String> texts = new ArrayList<>();
        for (int joined : new int[] {8, 20, 40, 90}) {
            StringBuilder text = new StringBuilder();
            cases.subList(0, joined).forEach(c -> text.append(c.text).append(' '));
            texts.add(text.toString().strip());
        }
        texts.add(longest(model).text);
        InferenceConfig windows = config(model)
                .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.WINDOWS)
                .set(SentimentOptions.WINDOW_OVERLAP, 16)
                .set(SentimentOptions.MAX_WINDOWS, 64)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(50))
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(windows);
                AloneScorer alone = new AloneScorer(windows)) {
            // Everything at once, with short texts beside, so that windows share batches with other texts.
            List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
            texts.forEach(t -> futures.add(scorer.score(t)));
            cases.subList(0, 30).forEach(c -> scorer.score(c.text));
            int windowed = 0;
            for (int i = 0; i < texts.size(); i++) {
                SentimentResult r = futures.get(i).get(30, TimeUnit.SECONDS);
                var expected = alone.windows(texts.get(i));
                assertThat(r.windows()).isEqualTo(expected.count());
                assertThat(r.tokens()).isEqualTo(expected.tokens());
                assertThat(r.truncated()).isFalse();
                assertThat(r.logits())
                        .as("logits of text %d", i)
                        .containsExactly(alone.logits(texts.get(i)), within(TOLERANCE));
                windowed += r.windows() > 1 ? 1 : 0;
            }
            assertThat(windowed).as("texts read in several windows").isGreaterThanOrEqualTo(4);
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void tokenIdsEqualTransformers(String model) throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config(model).build())) {
            for (ReferenceCase c : cases(model)) {
                assertThat(scorer.tokenIds(c.text)).as("ids of %s", c).containsExactly(c.inputIds);
            }
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void eachTextAlone(String model) throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(
                config(model).set(SentimentOptions.MAX_BATCH_SIZE, 1).build())) {
            for (ReferenceCase c : cases(model)) {
                assertMatches(c, scorer.score(c.text).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void allTextsQueuedAtOnceInEveryBucket(String model) throws Exception {
        // A long delay makes the batcher flush by size and token budget only: mixed batches of every length.
        InferenceConfig cfg = config(model)
                .set(SentimentOptions.MAX_BATCH_SIZE, 8)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(200))
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            scoreConcurrentlyAndCheck(scorer, cases(model));
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void withoutBucketsShortTextsBesideA128TokenText(String model) throws Exception {
        InferenceConfig cfg = config(model)
                .set(SentimentOptions.MAX_BATCH_SIZE, 64)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 128 * 64)
                .set(SentimentOptions.LENGTH_BUCKETS, "")
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(200))
                .build();
        List<ReferenceCase> mixed = new ArrayList<>(cases(model).subList(0, 30));
        mixed.add(longest(model));
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            scoreConcurrentlyAndCheck(scorer, mixed);
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void randomBatchCompositions(String model) throws Exception {
        Random random = new Random(7);
        InferenceConfig cfg = config(model)
                .set(SentimentOptions.MAX_BATCH_SIZE, 5)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 300)
                .set(SentimentOptions.LENGTH_BUCKETS, "8,24")
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(2))
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            for (int round = 0; round < 5; round++) {
                List<ReferenceCase> shuffled = cases(model);
                Collections.shuffle(shuffled, random);
                scoreConcurrentlyAndCheck(scorer, shuffled.subList(0, 20 + random.nextInt(60)));
            }
        }
    }

    @Test
    void resultCarriesProbabilitiesTokensTruncationAndModel() throws Exception {
        ReferenceCase longest = longest(TestModels.TINY);
        try (SentimentScorer scorer =
                SentimentScorer.open(config(TestModels.TINY).build())) {
            SentimentResult r = scorer.score(longest.text).get(30, TimeUnit.SECONDS);
            assertThat(r.truncated()).isTrue();
            assertThat(r.tokens()).isGreaterThan(128);
            assertThat(r.windows()).isEqualTo(1);
            assertThat(scorer.tokenIds(longest.text)).hasSize(128);
            assertThat(r.model()).isEqualTo("tiny-distilbert@sha256:d1a6bf72edb9");
            assertThat(r.labels()).containsExactly("NEGATIVE", "POSITIVE");
            double pNeg = r.probabilities().get("NEGATIVE");
            double pPos = r.probabilities().get("POSITIVE");
            assertThat(pNeg + pPos).isCloseTo(1.0, within(1e-9));
            double expectedPos = 1 / (1 + Math.exp(longest.logits[0] - longest.logits[1]));
            assertThat(pPos).isCloseTo(expectedPos, within(1e-4));
            assertThat(r.score()).isEqualTo(Math.max(pNeg, pPos));
            assertThat(r.label()).isEqualTo(pPos > pNeg ? "POSITIVE" : "NEGATIVE");
            assertThat(r.multiLabel()).isFalse();
            assertThat(r.predictedLabels()).containsExactly(r.label());
        }
    }

    @Test
    void multiLabelResultsHoldTheLabelsAboveTheThreshold() throws Exception {
        List<ReferenceCase> cases = cases(TestModels.TINY_MULTILABEL);
        int[] labelsPerText = new int[9];
        for (double threshold : new double[] {0.5, 0.7}) {
            try (SentimentScorer scorer = SentimentScorer.open(config(TestModels.TINY_MULTILABEL)
                    .set(SentimentOptions.MULTI_LABEL_THRESHOLD, threshold)
                    .build())) {
                for (ReferenceCase c : cases) {
                    SentimentResult r = scorer.score(c.text).get(30, TimeUnit.SECONDS);
                    assertMatches(c, r);
                    assertThat(r.multiLabel()).isTrue();
                    List<String> above = new ArrayList<>();
                    int best = 0;
                    for (int i = 0; i < c.labels.size(); i++) {
                        // a text near the threshold could go either way within the logit tolerance
                        assertThat(Math.abs(c.probabilities[i] - threshold)).isGreaterThan(1e-4);
                        if (c.probabilities[i] > threshold) {
                            above.add(c.labels.get(i));
                        }
                        best = c.probabilities[i] > c.probabilities[best] ? i : best;
                    }
                    assertThat(r.predictedLabels()).as("labels of %s", c).isEqualTo(above);
                    assertThat(r.label()).isEqualTo(c.labels.get(best));
                    assertThat(r.score()).isCloseTo(c.probabilities[best], within(1e-4));
                    if (threshold == 0.5) {
                        labelsPerText[above.size()]++;
                    }
                }
            }
        }
        // the reference has texts with no label, one label and several labels above 0.5
        assertThat(labelsPerText[0]).isPositive();
        assertThat(labelsPerText[1]).isPositive();
        assertThat(labelsPerText[2] + labelsPerText[3]).isPositive();
    }

    private static void scoreConcurrentlyAndCheck(SentimentScorer scorer, List<ReferenceCase> batch) throws Exception {
        List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
        for (ReferenceCase c : batch) {
            futures.add(scorer.score(c.text));
        }
        for (int i = 0; i < batch.size(); i++) {
            assertMatches(batch.get(i), futures.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    static void assertMatches(ReferenceCase expected, SentimentResult actual) {
        assertThat(actual.logits()).as("logits of %s", expected).containsExactly(expected.logits, within(TOLERANCE));
        if (expected.truncated) {
            // the reference counts the tokens the model saw; the result the whole text's
            assertThat(actual.tokens()).as("tokens of %s", expected).isGreaterThan(expected.tokens);
        } else {
            assertThat(actual.tokens()).as("tokens of %s", expected).isEqualTo(expected.tokens);
        }
        assertThat(actual.truncated()).as("truncation of %s", expected).isEqualTo(expected.truncated);
        assertThat(actual.labels()).as("labels of %s", expected).isEqualTo(expected.labels);
        assertThat(actual.multiLabel()).as("head of %s", expected).isEqualTo(expected.multiLabel);
        for (int i = 0; expected.probabilities != null && i < expected.probabilities.length; i++) {
            assertThat(actual.probabilities().get(expected.labels.get(i)))
                    .as("probability of %s for %s", expected.labels.get(i), expected)
                    .isCloseTo(expected.probabilities[i], within((double) TOLERANCE));
        }
    }
}
