package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentOptions.LongText;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text's token ids (as the tokenizer returns them, whole, with the model's special tokens around them) into
 * what the model reads, by the {@link LongText} strategy: the first tokens ({@code truncate}), the first and the last
 * ({@code head-tail}), or all of them in windows ({@code windows}). Every sequence is the model's leading special
 * tokens, at most {@code capacity} text tokens, and its trailing special tokens, so that each window looks to the
 * model like a text of its own. A text that fits one sequence is returned whole, whatever the strategy.
 */
final class LongTextSplitter {

    private final LongText strategy;
    private final int leading;
    private final int trailing;
    /** Text tokens in one sequence: the maximum length less the special tokens. */
    private final int capacity;

    private final int overlap;
    /** Text tokens of a window's own part (a window adds half the overlap on each side), and so its stride. */
    private final int stride;

    private final int maxWindows;
    private final int headTokens;

    /**
     * @param leading special tokens the tokenizer puts before a text (e.g. 1 for [CLS])
     * @param trailing special tokens it puts after (e.g. 1 for [SEP])
     */
    LongTextSplitter(InferenceConfig config, int leading, int trailing) {
        this(
                config.longText(),
                config.maxSequenceLength(),
                leading,
                trailing,
                config.windowOverlap(),
                config.maxWindows(),
                config.headTokens());
    }

    LongTextSplitter(
            LongText strategy, int maxLength, int leading, int trailing, int overlap, int maxWindows, int headTokens) {
        this.strategy = strategy;
        this.leading = leading;
        this.trailing = trailing;
        this.capacity = maxLength - leading - trailing;
        if (capacity < 1) {
            throw new IllegalArgumentException("a sequence of " + maxLength + " tokens holds no text after the model's "
                    + (leading + trailing) + " special tokens");
        }
        // The overlap is at most half a sequence (InferenceConfig), so every window moves the text forward.
        this.overlap = Math.min(overlap, capacity - 1);
        this.stride = capacity - this.overlap;
        this.maxWindows = maxWindows;
        this.headTokens = Math.min(headTokens, capacity);
    }

    TokenWindows split(long[] ids) {
        int textTokens = ids.length - leading - trailing;
        if (textTokens <= capacity) {
            return TokenWindows.single(new TokenizedText(ids, false), ids.length);
        }
        return switch (strategy) {
            case TRUNCATE -> TokenWindows.single(new TokenizedText(sequence(ids, 0, capacity), true), ids.length);
            case HEAD_TAIL -> TokenWindows.single(new TokenizedText(headAndTail(ids, textTokens), true), ids.length);
            case WINDOWS -> windows(ids, textTokens);
        };
    }

    /**
     * The fewest windows that hold the whole text, of near-equal length: the text is cut into {@code k} parts whose
     * lengths differ by at most one token, and each window is its part with {@code overlap / 2} tokens of each
     * neighbour; a window's weight is its part, so that every token weighs once. Equal windows measured better than
     * full windows and a short last one (the last window's few tokens then sway the text as much as a full one):
     * docs/long-text.md. Past {@code maxWindows}: full windows from the start, {@code maxWindows - 1} of them, and
     * the last full window of the text.
     */
    private TokenWindows windows(long[] ids, int textTokens) {
        int parts = ceilDiv(textTokens, stride);
        List<TokenizedText> windows = new ArrayList<>();
        int[] weights;
        boolean truncated = parts > maxWindows;
        if (!truncated) {
            weights = new int[parts];
            for (int i = 0; i < parts; i++) {
                int from = (int) ((long) i * textTokens / parts);
                int to = (int) ((long) (i + 1) * textTokens / parts);
                int start = Math.max(0, from - overlap / 2);
                int end = Math.min(textTokens, to + (overlap + 1) / 2);
                windows.add(new TokenizedText(sequence(ids, start, end - start), false));
                weights[i] = to - from;
            }
        } else {
            weights = new int[maxWindows];
            for (int i = 0; i < maxWindows - 1; i++) {
                windows.add(new TokenizedText(sequence(ids, i * stride, capacity), false));
                weights[i] = capacity;
            }
            windows.add(new TokenizedText(sequence(ids, textTokens - capacity, capacity), false));
            weights[maxWindows - 1] = capacity;
        }
        return new TokenWindows(windows, weights, ids.length, truncated);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private long[] headAndTail(long[] ids, int textTokens) {
        int tail = capacity - headTokens;
        long[] out = new long[leading + capacity + trailing];
        System.arraycopy(ids, 0, out, 0, leading + headTokens);
        System.arraycopy(ids, leading + textTokens - tail, out, leading + headTokens, tail + trailing);
        return out;
    }

    /** The special tokens around {@code length} text tokens from text position {@code from}. */
    private long[] sequence(long[] ids, int from, int length) {
        long[] out = new long[leading + length + trailing];
        System.arraycopy(ids, 0, out, 0, leading);
        System.arraycopy(ids, leading + from, out, leading, length);
        System.arraycopy(ids, ids.length - trailing, out, leading + length, trailing);
        return out;
    }

    @Override
    public String toString() {
        return strategy + " (" + capacity + " text tokens a sequence"
                + (strategy == LongText.WINDOWS ? ", overlap " + overlap + ", at most " + maxWindows + " windows" : "")
                + (strategy == LongText.HEAD_TAIL ? ", " + headTokens + " from the head" : "") + ")";
    }
}
