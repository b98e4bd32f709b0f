package org.sentimentstream.udf.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts the texts waiting in the queue into inference batches: sorted by token length, never mixing length buckets,
 * never over the size or padded-token limits, and cut where the fewest padding tokens result: a few texts much
 * longer than the rest get a batch of their own rather than padding all the others to their length.
 */
final class BatchPlanner {

    /**
     * What one more batch is worth in padded tokens: ONNX Runtime's fixed cost of a run, and the smaller matrices
     * of a smaller batch. Small against the budgets measured best (docs/benchmarks.md, calibration: 128 to 1024
     * tokens score alike), large enough that a few padding tokens do not split a batch.
     */
    static final int BATCH_COST_TOKENS = 32;

    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final int[] bucketBounds;

    BatchPlanner(int maxBatchSize, int maxBatchTokens, int[] bucketBounds) {
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.bucketBounds = bucketBounds.clone();
    }

    <T> List<List<T>> plan(List<T> waiting, ToIntFunction<T> length) {
        List<T> sorted = new ArrayList<>(waiting);
        sorted.sort(Comparator.comparingInt(length));
        int[] lengths = new int[sorted.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = length.applyAsInt(sorted.get(i));
        }
        List<List<T>> batches = new ArrayList<>();
        int start = 0;
        while (start < lengths.length) {
            int bucket = bucketOf(lengths[start]);
            int end = start;
            while (end < lengths.length && bucketOf(lengths[end]) == bucket) {
                end++;
            }
            for (int[] range : cheapestCuts(lengths, start, end)) {
                batches.add(new ArrayList<>(sorted.subList(range[0], range[1])));
            }
            start = end;
        }
        return batches;
    }

    /**
     * The batches of {@code lengths[from..to)} (ascending) within the limits whose padded tokens, plus
     * {@link #BATCH_COST_TOKENS} each, sum to the least: the classic optimal partition of a sorted sequence, by
     * dynamic programming over the end of the last batch. On ties the last batch is the shortest, which keeps the
     * earlier ones full. A single text longer than the budget is a batch of its own.
     */
    private List<int[]> cheapestCuts(int[] lengths, int from, int to) {
        int n = to - from;
        long[] cost = new long[n + 1];
        int[] lastStart = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            cost[j] = Long.MAX_VALUE;
            int longest = lengths[from + j - 1];
            for (int i = j - 1; i >= 0 && j - i <= maxBatchSize; i--) {
                int size = j - i;
                if (size > 1 && (long) size * longest > maxBatchTokens) {
                    break;
                }
                long c = cost[i] + (long) size * longest + BATCH_COST_TOKENS;
                if (c < cost[j]) {
                    cost[j] = c;
                    lastStart[j] = i;
                }
            }
        }
        List<int[]> ranges = new ArrayList<>();
        for (int j = n; j > 0; j = lastStart[j]) {
            ranges.add(new int[] {from + lastStart[j], from + j});
        }
        Collections.reverse(ranges);
        return ranges;
    }

    /**
     * Whether a batch of {@link #plan} is full: at its size limit, or one more text at least as long as its longest
     * would pass the padded-token limit.
     */
    <T> boolean isFull(List<T> batch, ToIntFunction<T> length) {
        int longest = 0;
        for (T item : batch) {
            longest = Math.max(longest, length.applyAsInt(item));
        }
        return batch.size() >= maxBatchSize || (long) (batch.size() + 1) * longest > maxBatchTokens;
    }

    int bucketOf(int length) {
        for (int i = 0; i < bucketBounds.length; i++) {
            if (length <= bucketBounds[i]) {
                return i;
            }
        }
        return bucketBounds.length;
    }
}
