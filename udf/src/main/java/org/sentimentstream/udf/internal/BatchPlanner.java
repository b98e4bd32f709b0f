package org.sentimentstream.udf.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts the texts waiting in the queue into inference batches: sorted by token length, so that a batch pads
 * little, and never mixing length buckets, never over the size or padded-token limits.
 */
public final class BatchPlanner {

    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final int[] bucketBounds;

    public BatchPlanner(int maxBatchSize, int maxBatchTokens, int[] bucketBounds) {
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.bucketBounds = bucketBounds.clone();
    }

    public <T> List<List<T>> plan(List<T> waiting, ToIntFunction<T> length) {
        List<T> sorted = new ArrayList<>(waiting);
        sorted.sort(Comparator.comparingInt(length));
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int currentBucket = -1;
        for (T item : sorted) {
            int len = length.applyAsInt(item);
            int bucket = bucketOf(len);
            // Sorted ascending, so this item is the batch's longest: the padded size is count x len.
            boolean full = current.size() == maxBatchSize
                    || (long) (current.size() + 1) * len > maxBatchTokens
                    || bucket != currentBucket;
            if (!current.isEmpty() && full) {
                batches.add(current);
                current = new ArrayList<>();
            }
            current.add(item);
            currentBucket = bucket;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /**
     * Whether a batch of {@link #plan} is full: at its size limit, or one more text at least as long as its longest
     * would pass the padded-token limit.
     */
    public <T> boolean isFull(List<T> batch, ToIntFunction<T> length) {
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
