package org.sentimentstream.udf;

import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.testing.TestModels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped compact model on real texts: every SST-2 dev sentence fits one sequence, and so scores bit for bit as
 * it did before long texts were read in windows, whatever the strategy and with the HTML preparation on.
 */
class LongTextOnTheCompactModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> sst2Dev() throws Exception {
        List<String> texts = new ArrayList<>();
        for (String line : SampleReviews.loadSampleLines()) {
            JsonNode r = JSON.readTree(line);
            if (r.get("id").asText().startsWith(SampleReviews.SST2_DEV_ID_PREFIX)) {
                texts.add(r.get("text").asText());
            }
        }
        assertThat(texts).hasSize(872);
        return texts;
    }

    private static InferenceConfig.Builder compact() {
        return InferenceConfig.builder()
                .model(TestModels.compactModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                // each text in a batch of its own, so that only the strategy differs between runs
                .set(SentimentOptions.MAX_BATCH_SIZE, 1)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ZERO);
    }

    private static List<SentimentResult> scoreAll(InferenceConfig config, List<String> texts) throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
            texts.forEach(t -> futures.add(scorer.score(t)));
            List<SentimentResult> results = new ArrayList<>();
            for (CompletableFuture<SentimentResult> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    @Test
    void sst2DevScoresBitForBitAlikeUnderEveryStrategy() throws Exception {
        List<String> dev = sst2Dev();
        // As before long-text existed: the first 128 tokens of the text as given.
        List<SentimentResult> before = scoreAll(
                compact()
                        .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.TRUNCATE)
                        .set(SentimentOptions.STRIP_HTML, false)
                        .build(),
                dev);
        assertThat(before).allSatisfy(r -> assertThat(r.truncated()).isFalse());
        for (SentimentOptions.LongText strategy : SentimentOptions.LongText.values()) {
            List<SentimentResult> now =
                    scoreAll(compact().set(SentimentOptions.LONG_TEXT, strategy).build(), dev);
            for (int i = 0; i < dev.size(); i++) {
                assertThat(now.get(i).logits())
                        .as("%s: %s", strategy, dev.get(i))
                        .containsExactly(before.get(i).logits());
                assertThat(now.get(i).tokens()).isEqualTo(before.get(i).tokens());
                assertThat(now.get(i).windows()).isEqualTo(1);
                assertThat(now.get(i).truncated()).isFalse();
            }
        }
    }
}
