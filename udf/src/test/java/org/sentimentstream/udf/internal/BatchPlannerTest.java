package org.sentimentstream.udf.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The planner cuts waiting texts (here: their lengths) into sorted, bounded, single-bucket batches. */
class BatchPlannerTest {

    private static final int[] NO_BUCKETS = {};

    private static List<List<Integer>> plan(BatchPlanner planner, Integer... lengths) {
        return planner.plan(List.of(lengths), Integer::intValue);
    }

    @Test
    void sortsByLength() {
        BatchPlanner planner = new BatchPlanner(16, 10_000, NO_BUCKETS);
        assertThat(plan(planner, 9, 3, 7, 3, 12, 5)).containsExactly(List.of(3, 3, 5, 7, 9, 12));
    }

    @Test
    void respectsMaxBatchSize() {
        BatchPlanner planner = new BatchPlanner(3, 10_000, NO_BUCKETS);
        // [4, 5], [6, 7] pad to 10 + 14 tokens, one fewer than [4, 5, 6], [7] with 18 + 7
        assertThat(plan(planner, 7, 1, 6, 2, 5, 3, 4)).containsExactly(List.of(1, 2, 3), List.of(4, 5), List.of(6, 7));
    }

    @Test
    void respectsMaxPaddedTokensCountTimesLongest() {
        // 4 x 5 = 20 fits exactly; a fifth text of 5 would make 25.
        BatchPlanner planner = new BatchPlanner(100, 20, NO_BUCKETS);
        assertThat(plan(planner, 5, 5, 5, 5, 5)).containsExactly(List.of(5, 5, 5, 5), List.of(5));
        // 2, 3 -> 2 x 3 = 6; adding 8 would pad all three to 3 x 8 = 24 > 20; 8, 9 -> 18; adding 10 -> 30.
        assertThat(plan(planner, 10, 9, 8, 3, 2)).containsExactly(List.of(2, 3), List.of(8, 9), List.of(10));
    }

    @Test
    void aBatchIsFullAtItsSizeLimitOrWhenOneMoreTextOfItsLongestWouldPassTheBudget() {
        BatchPlanner planner = new BatchPlanner(3, 20, NO_BUCKETS);
        assertThat(planner.isFull(List.of(1, 2, 3), Integer::intValue))
                .as("3 texts, the size limit")
                .isTrue();
        assertThat(planner.isFull(List.of(5, 5, 5), Integer::intValue)).isTrue();
        assertThat(planner.isFull(List.of(4, 7), Integer::intValue))
                .as("3 x 7 = 21 > 20")
                .isTrue();
        assertThat(planner.isFull(List.of(4, 6), Integer::intValue))
                .as("3 x 6 = 18: another text of 6 fits")
                .isFalse();
        assertThat(planner.isFull(List.of(20), Integer::intValue)).isTrue();
    }

    @Test
    void neverMixesBuckets() {
        BatchPlanner planner = new BatchPlanner(100, 100_000, new int[] {16, 32, 64});
        assertThat(plan(planner, 40, 16, 17, 3, 64, 65, 32, 200, 1))
                .containsExactly(List.of(1, 3, 16), List.of(17, 32), List.of(40, 64), List.of(65), List.of(200));
    }

    @Test
    void aFewLongTextsGetABatchOfTheirOwnRatherThanPaddingTheRest() {
        BatchPlanner planner = new BatchPlanner(64, 512, NO_BUCKETS);
        List<Integer> tens = Collections.nCopies(10, 10);
        List<Integer> thirties = Collections.nCopies(5, 30);
        List<Integer> lengths = new ArrayList<>(thirties);
        lengths.addAll(tens);
        // 15 x 30 = 450 padded tokens for 250 real ones in one batch; 10 x 10 + 5 x 30 = 250 in two
        assertThat(planner.plan(lengths, Integer::intValue)).containsExactly(tens, thirties);
        // a text or two a little longer than the rest pad less than a batch of their own costs
        assertThat(plan(planner, 10, 10, 10, 10, 11, 12)).containsExactly(List.of(10, 10, 10, 10, 11, 12));
    }

    @Test
    void padsNoMoreThanCuttingInOrderWouldOnRandomInputs() {
        Random random = new Random(5);
        BatchPlanner planner = new BatchPlanner(64, 512, NO_BUCKETS);
        for (int round = 0; round < 100; round++) {
            List<Integer> lengths = IntStream.range(0, 1 + random.nextInt(300))
                    .mapToObj(i -> 4 + (int) Math.min(124, Math.abs(random.nextGaussian()) * 30))
                    .collect(Collectors.toCollection(ArrayList::new));
            long planned = cost(planner.plan(lengths, Integer::intValue));
            long inOrder = cost(cutInOrder(lengths, 64, 512));
            assertThat(planned).isLessThanOrEqualTo(inOrder);
        }
    }

    /** Padded tokens plus the planner's cost per batch. */
    private static long cost(List<List<Integer>> batches) {
        return batches.stream()
                        .mapToLong(b -> (long) b.size() * Collections.max(b))
                        .sum()
                + (long) batches.size() * BatchPlanner.BATCH_COST_TOKENS;
    }

    /** The plain cut: sorted, a new batch whenever the next text would pass a limit. */
    private static List<List<Integer>> cutInOrder(List<Integer> lengths, int maxSize, int maxTokens) {
        List<Integer> sorted = new ArrayList<>(lengths);
        Collections.sort(sorted);
        List<List<Integer>> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int len : sorted) {
            if (!current.isEmpty() && (current.size() == maxSize || (current.size() + 1L) * len > maxTokens)) {
                batches.add(current);
                current = new ArrayList<>();
            }
            current.add(len);
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    @Test
    void emptyInputGivesNoBatches() {
        assertThat(new BatchPlanner(4, 100, new int[] {8}).plan(List.<Integer>of(), Integer::intValue))
                .isEmpty();
    }

    @Test
    void singleItemLongerThanEveryBucketIsABatchOfItsOwn() {
        BatchPlanner planner = new BatchPlanner(8, 128, new int[] {16, 32, 64});
        assertThat(plan(planner, 128)).containsExactly(List.of(128));
        assertThat(plan(planner, 10, 128, 12)).containsExactly(List.of(10, 12), List.of(128));
    }

    @Test
    void keepsTheItemsThemselvesNotCopies() {
        record Text(String name, int length) {}
        Text a = new Text("a", 4);
        Text b = new Text("b", 2);
        List<List<Text>> batches = new BatchPlanner(8, 100, NO_BUCKETS).plan(List.of(a, b), Text::length);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactly(b, a);
        assertThat(batches.get(0).get(0)).isSameAs(b);
    }

    @Test
    void randomInputsAlwaysMeetEveryRule() {
        Random random = new Random(11);
        int[] buckets = {8, 24, 64};
        for (int round = 0; round < 200; round++) {
            int maxSize = 1 + random.nextInt(12);
            int maxTokens = 128 + random.nextInt(400);
            BatchPlanner planner = new BatchPlanner(maxSize, maxTokens, buckets);
            List<Integer> lengths = IntStream.range(0, random.nextInt(60))
                    .mapToObj(i -> 2 + random.nextInt(127))
                    .collect(Collectors.toCollection(ArrayList::new));
            List<List<Integer>> batches = planner.plan(lengths, Integer::intValue);

            List<Integer> flat = batches.stream().flatMap(List::stream).collect(Collectors.toList());
            List<Integer> sorted = new ArrayList<>(lengths);
            Collections.sort(sorted);
            assertThat(flat).as("every text once, in length order").isEqualTo(sorted);
            for (List<Integer> batch : batches) {
                assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(maxSize);
                int longest = Collections.max(batch);
                assertThat((long) batch.size() * longest).isLessThanOrEqualTo(maxTokens);
                assertThat(batch.stream().map(l -> bucketOf(l, buckets)).distinct())
                        .hasSize(1);
            }
        }
    }

    private static int bucketOf(int length, int[] bounds) {
        for (int i = 0; i < bounds.length; i++) {
            if (length <= bounds[i]) {
                return i;
            }
        }
        return bounds.length;
    }
}
