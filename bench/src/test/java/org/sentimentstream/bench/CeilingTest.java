package org.sentimentstream.bench;

import org.sentimentstream.testing.TinyModel;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** bench's own inference and batching, rebuilt on public APIs, against the library's. */
class CeilingTest {

    private static final List<String> TEXTS = List.of(
            "a gorgeous , witty , seductive movie .",
            "the plot is nothing but boilerplate clichés from start to finish , and the script assumes that not"
                    + " only would subtlety be lost on the target audience , but that it 's also too stupid to"
                    + " realize that they 've already seen this exact same movie a hundred times",
            "bad");

    @Test
    void rawOnnxRuntimeGivesTheLibrarysLogitsForTheSameTokens() throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(
                        InferenceConfig.builder()
                                .model(TinyModel.dir().toString())
                                .build(),
                        1);
                RawOnnx raw = RawOnnx.open(TinyModel.dir(), 1)) {
            List<long[]> ids = new ArrayList<>();
            for (String text : TEXTS) {
                ids.add(scorer.tokenIds(text));
            }
            float[][] batched = raw.classify(ids);
            for (int i = 0; i < ids.size(); i++) {
                SentimentResult library = scorer.score(TEXTS.get(i)).get(30, TimeUnit.SECONDS);
                float[] alone = raw.classify(List.of(ids.get(i)))[0];
                float[] padded = raw.classify(List.of(ids.get(i)), 128)[0];
                assertThat(raw.labels()).isEqualTo(library.labels());
                for (int label = 0; label < alone.length; label++) {
                    assertThat(alone[label]).isCloseTo(library.logits()[label], within(1e-4f));
                    assertThat(batched[i][label]).isCloseTo(library.logits()[label], within(1e-4f));
                    assertThat(padded[label]).isCloseTo(library.logits()[label], within(1e-4f));
                }
            }
        }
    }

    @Test
    void budgetBatchesStayWithinTheLimitsAndKeepEveryText() {
        List<long[]> ids = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 500; i++) {
            ids.add(new long[3 + random.nextInt(120)]);
        }
        ids.add(new long[700]); // longer than the budget: a batch of its own

        List<List<long[]>> batches = Ceiling.budgetBatches(ids, 512, 64);

        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(ids.size());
        int previousLongest = 0;
        for (List<long[]> batch : batches) {
            int longest = batch.stream().mapToInt(a -> a.length).max().orElseThrow();
            int shortest = batch.stream().mapToInt(a -> a.length).min().orElseThrow();
            assertThat(batch.size()).isLessThanOrEqualTo(64);
            assertThat(batch.size() == 1 || (long) batch.size() * longest <= 512)
                    .as("padded tokens of %d texts of up to %d tokens", batch.size(), longest)
                    .isTrue();
            assertThat(shortest).as("sorted by length").isGreaterThanOrEqualTo(previousLongest);
            previousLongest = longest;
        }
    }
}
