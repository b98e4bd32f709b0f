package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shipped compact int8 model gives a text the same logits alone and in any batch: its activation scales are
 * constants of the graph (static quantization), so neither the neighbours nor the padding a batch adds can move a
 * text's score. Runs the full scoring path (tokenizer, micro-batcher, ONNX Runtime session).
 */
class CompactModelBatchIndependenceTest {

    private static final float TOLERANCE = 1e-4f;

    /** Lengths from 3 to past 128 tokens, both labels, so that batches mix short and long texts. */
    private static final List<String> TEXTS = List.of(
            "great",
            "awful .",
            "a wonderful , moving film .",
            "this movie was terrible , a complete waste of time .",
            "not bad at all",
            "the acting is fine but the script is a mess , and the ending drags on far too long",
            "it is neither as clever nor as funny as it thinks it is , but the cast tries hard",
            "one of the worst films of the year , with wooden acting and a predictable ending",
            "the performances are superb and the soundtrack is simply unforgettable , go see it",
            "an uneven but ultimately rewarding story about friendship , loss and second chances",
            "boring",
            "I bought this blender last month. It is loud, the lid leaks, and the motor already smells burnt."
                    + " Customer service never answered my emails. Do not buy it.",
            "Five stars! The battery lasts two full days, the screen is bright even in sunlight, and setup took"
                    + " less than five minutes. Honestly the best phone I have owned in years.",
            "the first half is slow and the dialogue is clunky , yet by the end i was completely absorbed by the"
                    + " characters and their quiet , stubborn hope . the photography is gorgeous , the score is"
                    + " restrained , and the two leads give performances of real warmth and intelligence . it is"
                    + " not a perfect film , and some of the subplots go nowhere , but it stayed with me for days"
                    + " afterwards , which is more than i can say for most of what i see in a year of going to the"
                    + " cinema every week . recommended , with patience .",
            "meh .",
            "a film that takes its time and earns every minute of it",
            "what a mess .",
            "surprisingly touching , and funnier than it has any right to be");

    private static Map<String, float[]> alone;
    private static float worst;

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.compactModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 2);
    }

    /** Batches limited by size: no length buckets, a token budget no batch reaches, a long delay. */
    private static InferenceConfig batchesOf(int size) {
        return config().set(SentimentOptions.MAX_BATCH_SIZE, size)
                .set(SentimentOptions.LENGTH_BUCKETS, "")
                .set(SentimentOptions.MAX_BATCH_TOKENS, 64 * 512)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(300))
                .build();
    }

    @BeforeAll
    static void scoreEachTextAlone() throws Exception {
        alone = new LinkedHashMap<>();
        try (SentimentScorer scorer = SentimentScorer.open(
                config().set(SentimentOptions.MAX_BATCH_SIZE, 1).build())) {
            assertThat(scorer.modelIdentity()).startsWith("sst2-minilm-l6@sha256:");
            for (String text : TEXTS) {
                alone.put(text, scorer.score(text).get(60, TimeUnit.SECONDS).logits());
            }
            // the model separates sentiment: a constant model would be batch-independent trivially
            assertThat(scorer.score("a wonderful , moving film .")
                            .get(60, TimeUnit.SECONDS)
                            .label())
                    .isEqualTo("POSITIVE");
            assertThat(scorer.score("awful .").get(60, TimeUnit.SECONDS).label())
                    .isEqualTo("NEGATIVE");
        }
    }

    @AfterAll
    static void reportLargestDifference() {
        System.out.printf("largest |logit alone - logit batched| over all compositions: %.3e%n", worst);
    }

    @Test
    void sameLogitsInBatchesOfEverySizeWithEveryNeighbour() throws Exception {
        Random random = new Random(11);
        for (int size : new int[] {2, 3, 8, 32}) {
            List<List<String>> orders = new ArrayList<>();
            orders.add(TEXTS);
            orders.add(reversed(TEXTS));
            for (int i = 0; i < 3; i++) {
                List<String> shuffled = new ArrayList<>(TEXTS);
                Collections.shuffle(shuffled, random);
                orders.add(shuffled);
            }
            try (SentimentScorer scorer = SentimentScorer.open(batchesOf(size))) {
                for (List<String> order : orders) {
                    List<int[]> batches = scoreAndCheck(scorer, order, "batches of " + size);
                    // the batches really mixed texts of different lengths, padded to the longest (the planner
                    // gives texts much longer than their neighbours a batch of their own, so not every batch is full)
                    assertThat(batches).anySatisfy(b -> {
                        assertThat(b[0]).isGreaterThanOrEqualTo(2);
                        assertThat(b[2]).isGreaterThan(b[1]);
                    });
                    assertThat(batches.stream().mapToInt(b -> b[0]).max().orElse(0))
                            .as("the largest batch")
                            .isGreaterThanOrEqualTo(Math.min(size, 4));
                }
            }
        }
    }

    @Test
    void sameLogitsBesideTheLongestAndTheShortestText() throws Exception {
        String longest = TEXTS.get(13);
        String shortest = TEXTS.get(0);
        try (SentimentScorer scorer = SentimentScorer.open(batchesOf(2))) {
            for (String text : TEXTS) {
                scoreAndCheck(scorer, List.of(text, longest), "beside the longest text");
                scoreAndCheck(scorer, List.of(shortest, text), "beside the shortest text");
            }
        }
    }

    /** Queues all texts at once and checks each one's logits; returns (size, real tokens, computed tokens). */
    private static List<int[]> scoreAndCheck(SentimentScorer scorer, List<String> texts, String composition)
            throws Exception {
        List<int[]> batches = new CopyOnWriteArrayList<>();
        InferenceListener listener = new InferenceListener() {
            @Override
            public void onBatch(int size, long realTokens, long computedTokens, long inferenceNanos) {
                batches.add(new int[] {size, (int) realTokens, (int) computedTokens});
            }
        };
        List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
        for (String text : texts) {
            futures.add(scorer.score(text, listener));
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            float[] batched = futures.get(i).get(60, TimeUnit.SECONDS).logits();
            float[] single = alone.get(text);
            worst = Math.max(worst, Math.max(Math.abs(batched[0] - single[0]), Math.abs(batched[1] - single[1])));
            assertThat(batched)
                    .as(
                            "logits of '%s' (text %d of %d queued together, %s) vs alone",
                            text, i + 1, texts.size(), composition)
                    .containsExactly(single, within(TOLERANCE));
        }
        return batches;
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
