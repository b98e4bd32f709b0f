package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.SentimentOptions.LongText;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What the model reads of a text under each long-text strategy, on ids shaped like a BERT tokenizer's: [CLS] = 101,
 * the text's tokens 1..n, [SEP] = 102.
 */
class LongTextSplitterTest {

    private static final long CLS = 101;
    private static final long SEP = 102;

    /** [CLS] 1 2 ... n [SEP] */
    private static long[] text(int n) {
        return LongStream.concat(
                        LongStream.of(CLS), LongStream.concat(LongStream.rangeClosed(1, n), LongStream.of(SEP)))
                .toArray();
    }

    private static long[] seq(long... textTokens) {
        return LongStream.concat(LongStream.of(CLS), LongStream.concat(LongStream.of(textTokens), LongStream.of(SEP)))
                .toArray();
    }

    private static long[] range(int from, int to) {
        return LongStream.rangeClosed(from, to).toArray();
    }

    private static LongTextSplitter splitter(LongText strategy, int maxLength, int overlap, int maxWindows) {
        return new LongTextSplitter(strategy, maxLength, 1, 1, overlap, maxWindows, 2);
    }

    @ParameterizedTest
    @EnumSource(LongText.class)
    void aTextThatFitsOneSequenceIsReadWholeByEveryStrategy(LongText strategy) {
        for (int n : new int[] {0, 1, 5, 8}) {
            long[] ids = text(n);
            TokenWindows w = splitter(strategy, 10, 2, 4).split(ids);
            assertThat(w.count()).isEqualTo(1);
            assertThat(w.windows().get(0).ids()).isSameAs(ids);
            assertThat(w.tokens()).isEqualTo(n + 2);
            assertThat(w.truncated()).isFalse();
        }
    }

    @Test
    void truncateKeepsTheFirstTokensBetweenTheSpecialTokens() {
        TokenWindows w = splitter(LongText.TRUNCATE, 10, 0, 4).split(text(20));
        assertThat(w.count()).isEqualTo(1);
        assertThat(w.windows().get(0).ids()).containsExactly(seq(range(1, 8)));
        assertThat(w.windows().get(0).truncated()).isTrue();
        assertThat(w.tokens()).isEqualTo(22);
        assertThat(w.truncated()).isTrue();
    }

    @Test
    void headTailKeepsTheFirstHeadTokensAndTheEnd() {
        TokenWindows w = new LongTextSplitter(LongText.HEAD_TAIL, 10, 1, 1, 0, 4, 3).split(text(20));
        assertThat(w.count()).isEqualTo(1);
        assertThat(w.windows().get(0).ids()).containsExactly(seq(1, 2, 3, 16, 17, 18, 19, 20));
        assertThat(w.tokens()).isEqualTo(22);
        assertThat(w.truncated()).isTrue();
    }

    @Test
    void headTailWithNoHeadIsTheTail() {
        TokenWindows w = new LongTextSplitter(LongText.HEAD_TAIL, 10, 1, 1, 0, 4, 0).split(text(20));
        assertThat(w.windows().get(0).ids()).containsExactly(seq(range(13, 20)));
    }

    @Test
    void windowsAreTheFewestOfNearEqualLengthAndCoverEveryTokenOnceWithoutOverlap() {
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 16).split(text(20));
        assertThat(w.windows())
                .extracting(TokenizedText::ids)
                .containsExactly(seq(range(1, 6)), seq(range(7, 13)), seq(range(14, 20)));
        assertThat(w.weights()).containsExactly(6, 7, 7);
        assertThat(w.tokens()).isEqualTo(22);
        assertThat(w.truncated()).isFalse();
    }

    @Test
    void overlappingWindowsShareTheirEdges() {
        // parts of 5 tokens (8 less 2 of overlap fit 6; 20 tokens need 4 parts), each window its part and one
        // token of each neighbour
        TokenWindows w = splitter(LongText.WINDOWS, 10, 2, 16).split(text(20));
        assertThat(w.windows())
                .extracting(TokenizedText::ids)
                .containsExactly(seq(range(1, 6)), seq(range(5, 11)), seq(range(10, 16)), seq(range(15, 20)));
        assertThat(w.weights()).containsExactly(5, 5, 5, 5);
        assertThat(w.truncated()).isFalse();
    }

    @Test
    void aTextOneTokenLongerThanASequenceIsTwoWindows() {
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 16).split(text(9));
        assertThat(w.windows()).extracting(TokenizedText::ids).containsExactly(seq(range(1, 4)), seq(range(5, 9)));
        assertThat(w.weights()).containsExactly(4, 5);
        assertThat(w.truncated()).isFalse();
    }

    @Test
    void pastTheCapTheFirstWindowsAndTheLastAreReadAndTheTextIsTruncated() {
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 3).split(text(50));
        assertThat(w.windows())
                .extracting(TokenizedText::ids)
                .containsExactly(seq(range(1, 8)), seq(range(9, 16)), seq(range(43, 50)));
        assertThat(w.tokens()).isEqualTo(52);
        assertThat(w.truncated()).isTrue();
    }

    @Test
    void aCapOfOneReadsTheLastWindow() {
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 1).split(text(20));
        assertThat(w.windows()).extracting(TokenizedText::ids).containsExactly(seq(range(13, 20)));
        assertThat(w.truncated()).isTrue();
    }

    @Test
    void specialTokensOfOtherModelsSurroundEveryWindow() {
        // e.g. a tokenizer that puts two tokens before a text and none after
        LongTextSplitter twoBefore = new LongTextSplitter(LongText.WINDOWS, 6, 2, 0, 0, 16, 0);
        TokenWindows w = twoBefore.split(new long[] {7, 8, 1, 2, 3, 4, 5, 6});
        assertThat(w.windows())
                .extracting(TokenizedText::ids)
                .containsExactly(new long[] {7, 8, 1, 2, 3}, new long[] {7, 8, 4, 5, 6});
        assertThat(w.tokens()).isEqualTo(8);
    }

    @Test
    void aVeryLongTextIsBoundedByTheCap() {
        TokenWindows w = splitter(LongText.WINDOWS, 128, 32, 16).split(text(100_000));
        assertThat(w.count()).isEqualTo(16);
        assertThat(w.tokens()).isEqualTo(100_002);
        assertThat(w.truncated()).isTrue();
        assertThat(w.windows()).allSatisfy(window -> assertThat(window.length()).isEqualTo(128));
    }

    @Test
    void everyWindowFitsOneSequenceAndEveryTokenWeighsOnceWhateverTheLength() {
        for (int overlap : new int[] {0, 1, 16, 63}) {
            for (int n = 127; n < 2000; n += 37) {
                TokenWindows w = splitter(LongText.WINDOWS, 128, overlap, 64).split(text(n));
                int total = 0;
                for (int i = 0; i < w.count(); i++) {
                    assertThat(w.windows().get(i).length()).isLessThanOrEqualTo(128);
                    total += w.weights()[i];
                }
                assertThat(total)
                        .as("weights of %d tokens, overlap %d", n, overlap)
                        .isEqualTo(n);
                assertThat(w.count()).isEqualTo((n + 126 - overlap - 1) / (126 - overlap));
                assertThat(w.windows().get(0).ids()[1]).as("the first token").isEqualTo(1);
                long[] last = w.windows().get(w.count() - 1).ids();
                assertThat(last[last.length - 2]).as("the last token").isEqualTo(n);
            }
        }
    }

    @Test
    void windowLogitsCombineAsTheirTokenWeightedMean() {
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 16).split(text(20)); // weights 6, 7, 7
        float[] combined = w.combine(List.of(new float[] {1f, -1f}, new float[] {3f, 0f}, new float[] {-2f, 5f}));
        assertThat(combined[0]).isCloseTo((6 * 1f + 7 * 3f + 7 * -2f) / 20f, within(1e-6f));
        assertThat(combined[1]).isCloseTo((6 * -1f + 7 * 0f + 7 * 5f) / 20f, within(1e-6f));
    }

    @Test
    void oneWindowsLogitsAreTheTextsUnchanged() {
        float[] logits = {0.1f, 0.2f, 0.3f};
        TokenWindows w = splitter(LongText.WINDOWS, 10, 0, 16).split(text(3));
        assertThat(w.combine(List.of(logits))).isSameAs(logits);
    }
}
