package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The full scoring path (DJL tokenizer, micro-batcher, ONNX Runtime session) reproduces the logits that Hugging
 * Face transformers computed in PyTorch for each text alone, whatever batch the text lands in.
 */
class ReferenceLogitsTest {

    private static final float TOLERANCE = 1e-4f;
    private static List<ReferenceCase> cases;
    private static ReferenceCase longest;

    @BeforeAll
    static void load() {
        cases = TestModels.referenceCases();
        longest = cases.stream().filter(c -> c.truncated).findFirst().orElseThrow();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);
        assertThat(longest.tokens).isEqualTo(128);
    }

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1);
    }

    @Test
    void tokenIdsEqualTransformers() throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config().build())) {
            for (ReferenceCase c : cases) {
                assertThat(scorer.tokenIds(c.text)).as("ids of %s", c).containsExactly(c.inputIds);
            }
        }
    }

    @Test
    void eachTextAlone() throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(
                config().set(SentimentOptions.MAX_BATCH_SIZE, 1).build())) {
            for (ReferenceCase c : cases) {
                assertMatches(c, scorer.score(c.text).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void allTextsQueuedAtOnceInEveryBucket() throws Exception {
        // A long delay makes the batcher flush by size and token budget only: mixed batches of every length.
        InferenceConfig cfg = config().set(SentimentOptions.MAX_BATCH_SIZE, 8)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(200))
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            scoreConcurrentlyAndCheck(scorer, cases);
        }
    }

    @Test
    void withoutBucketsShortTextsBesideA128TokenText() throws Exception {
        InferenceConfig cfg = config().set(SentimentOptions.MAX_BATCH_SIZE, 64)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 128 * 64)
                .set(SentimentOptions.LENGTH_BUCKETS, "")
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(200))
                .build();
        List<ReferenceCase> mixed = new ArrayList<>(cases.subList(0, 30));
        mixed.add(longest);
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            scoreConcurrentlyAndCheck(scorer, mixed);
        }
    }

    @Test
    void randomBatchCompositions() throws Exception {
        Random random = new Random(7);
        InferenceConfig cfg = config().set(SentimentOptions.MAX_BATCH_SIZE, 5)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 300)
                .set(SentimentOptions.LENGTH_BUCKETS, "8,24")
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(2))
                .build();
        try (SentimentScorer scorer = SentimentScorer.open(cfg)) {
            for (int round = 0; round < 5; round++) {
                List<ReferenceCase> shuffled = new ArrayList<>(cases);
                Collections.shuffle(shuffled, random);
                scoreConcurrentlyAndCheck(scorer, shuffled.subList(0, 20 + random.nextInt(60)));
            }
        }
    }

    @Test
    void resultCarriesProbabilitiesTokensTruncationAndModel() throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config().build())) {
            SentimentResult r = scorer.score(longest.text).get(30, TimeUnit.SECONDS);
            assertThat(r.truncated()).isTrue();
            assertThat(r.tokens()).isEqualTo(128);
            assertThat(r.model()).isEqualTo("tiny-distilbert@sha256:d1a6bf72edb9");
            assertThat(r.labels()).containsExactly("NEGATIVE", "POSITIVE");
            double pNeg = r.probabilities().get("NEGATIVE");
            double pPos = r.probabilities().get("POSITIVE");
            assertThat(pNeg + pPos).isCloseTo(1.0, within(1e-9));
            double expectedPos = 1 / (1 + Math.exp(longest.logits[0] - longest.logits[1]));
            assertThat(pPos).isCloseTo(expectedPos, within(1e-4));
            assertThat(r.score()).isEqualTo(Math.max(pNeg, pPos));
            assertThat(r.label()).isEqualTo(pPos > pNeg ? "POSITIVE" : "NEGATIVE");
        }
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
        assertThat(actual.tokens()).as("tokens of %s", expected).isEqualTo(expected.tokens);
        assertThat(actual.truncated()).as("truncation of %s", expected).isEqualTo(expected.truncated);
    }
}
