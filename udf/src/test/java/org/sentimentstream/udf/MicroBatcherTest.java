package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.MicroBatcher;
import org.sentimentstream.udf.internal.TokenizedText;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The micro-batcher with a fake model: logits are {sum of ids, number of ids}, so each future's value shows which
 * text it was computed from.
 */
class MicroBatcherTest {

    private static final Duration FOREVER = Duration.ofHours(1);
    private static final long POISON = 666;
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Records every batch it is asked to run (also those it then fails), and fails any batch holding POISON. */
    static final class FakeRunner implements MicroBatcher.BatchRunner {
        final List<List<long[]>> batches = new CopyOnWriteArrayList<>();

        @Override
        public float[][] run(List<long[]> batch) {
            batches.add(List.copyOf(batch));
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                long[] ids = batch.get(i);
                if (Arrays.stream(ids).anyMatch(id -> id == POISON)) {
                    throw new IllegalStateException("poisoned batch of " + batch.size());
                }
                out[i] = expected(ids);
            }
            return out;
        }

        /** Batches as lists of text lengths, in the order the runner saw them. */
        List<List<Integer>> lengths() {
            return batches.stream()
                    .map(b -> b.stream().map(ids -> ids.length).collect(Collectors.toList()))
                    .collect(Collectors.toList());
        }
    }

    static final class RecordingListener implements InferenceListener {
        final List<long[]> batches = new CopyOnWriteArrayList<>();
        final List<Long> queueWaits = new CopyOnWriteArrayList<>();

        @Override
        public void onBatch(int size, long realTokens, long computedTokens, long inferenceNanos) {
            batches.add(new long[] {size, realTokens, computedTokens, inferenceNanos});
        }

        @Override
        public void onQueueWait(long nanos) {
            queueWaits.add(nanos);
        }
    }

    private final FakeRunner runner = new FakeRunner();
    private final List<MicroBatcher> opened = new ArrayList<>();
    private String name;

    private MicroBatcher batcher(int maxBatchSize, Duration delay, int maxBatchTokens, int... buckets) {
        name = "sentiment-batcher-test-" + NAMES.incrementAndGet();
        MicroBatcher b = new MicroBatcher(name, runner, maxBatchSize, delay, maxBatchTokens, buckets);
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (MicroBatcher b : opened) {
            b.close();
        }
    }

    static float[] expected(long[] ids) {
        return new float[] {LongStream.of(ids).sum(), ids.length};
    }

    /** A text of {@code length} ids, each {@code base}, so texts are told apart by their sum. */
    private static TokenizedText text(int length, long base) {
        long[] ids = new long[length];
        Arrays.fill(ids, base);
        return new TokenizedText(ids, false);
    }

    private static float[] get(CompletableFuture<float[]> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void flushesAtMaxSizeWithoutWaitingForTheDelay() throws Exception {
        MicroBatcher b = batcher(4, FOREVER, 10_000);
        List<TokenizedText> texts = List.of(text(5, 1), text(2, 2), text(9, 3), text(3, 4));
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (TokenizedText t : texts) {
            futures.add(b.submit(t, InferenceListener.NOOP));
        }
        for (int i = 0; i < texts.size(); i++) {
            assertThat(get(futures.get(i)))
                    .containsExactly(expected(texts.get(i).ids()));
        }
        assertThat(runner.lengths()).containsExactly(List.of(2, 3, 5, 9));
        assertThat(b.queued()).isZero();
    }

    @Test
    void flushesALoneTextAfterTheDelay() throws Exception {
        MicroBatcher b = batcher(16, Duration.ofMillis(20), 10_000);
        TokenizedText lone = text(7, 3);
        assertThat(get(b.submit(lone, InferenceListener.NOOP))).containsExactly(21f, 7f);
        assertThat(runner.lengths()).containsExactly(List.of(7));
    }

    @Test
    void zeroDelayFlushesEachTextAtOnce() throws Exception {
        MicroBatcher b = batcher(16, Duration.ZERO, 10_000);
        assertThat(get(b.submit(text(4, 1), InferenceListener.NOOP))).containsExactly(4f, 4f);
        assertThat(get(b.submit(text(6, 1), InferenceListener.NOOP))).containsExactly(6f, 6f);
    }

    @Test
    void flushesWhenThePaddedTokenBudgetIsReached() throws Exception {
        MicroBatcher b = batcher(100, FOREVER, 20);
        // 4 x 5 = 20 padded tokens: the budget is reached, no need to wait for the size or the delay.
        List<CompletableFuture<float[]>> fives = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fives.add(b.submit(text(5, i + 1), InferenceListener.NOOP));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(get(fives.get(i))).containsExactly(5f * (i + 1), 5f);
        }
        assertThat(runner.lengths()).containsExactly(List.of(5, 5, 5, 5));
    }

    @Test
    void whileFullBatchesRunAPartialOneWaitsForNewcomersToFillIt() throws Exception {
        MicroBatcher b = batcher(2, FOREVER, 10_000);
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(b.submit(text(5, i + 1), InferenceListener.NOOP));
        }
        get(futures.get(0));
        get(futures.get(1));
        assertThat(runner.lengths()).containsExactly(List.of(5, 5));
        assertThat(futures.get(2))
                .as("a batch of one text is partial: it waits")
                .isNotDone();
        assertThat(b.queued()).isEqualTo(1);
        futures.add(b.submit(text(5, 4), InferenceListener.NOOP));
        assertThat(get(futures.get(2))).containsExactly(15f, 5f);
        assertThat(get(futures.get(3))).containsExactly(20f, 5f);
        assertThat(runner.lengths()).containsExactly(List.of(5, 5), List.of(5, 5));
    }

    @Test
    void aPartialBatchLeftAfterTheFullOnesRunsWhenItsDelayIsUp() throws Exception {
        MicroBatcher b = batcher(2, Duration.ofMillis(20), 10_000);
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(b.submit(text(4, i + 1), InferenceListener.NOOP));
        }
        assertThat(get(futures.get(2))).containsExactly(12f, 4f);
        assertThat(runner.lengths()).containsExactly(List.of(4, 4), List.of(4));
    }

    @Test
    void theLongestQueuedTextCountsForThePaddedBudget() throws Exception {
        MicroBatcher b = batcher(100, FOREVER, 20);
        CompletableFuture<float[]> a = b.submit(text(2, 1), InferenceListener.NOOP);
        CompletableFuture<float[]> c = b.submit(text(2, 2), InferenceListener.NOOP);
        assertThat(b.queued())
                .as("2 x 2 = 4 padded tokens is under the budget of 20")
                .isEqualTo(2);
        // 3 x 10 = 30 >= 20: flush; the planner splits it so that no batch pads past 20.
        CompletableFuture<float[]> d = b.submit(text(10, 3), InferenceListener.NOOP);
        assertThat(get(a)).containsExactly(2f, 2f);
        assertThat(get(c)).containsExactly(4f, 2f);
        assertThat(get(d)).containsExactly(30f, 10f);
        assertThat(runner.lengths()).containsExactly(List.of(2, 2), List.of(10));
    }

    @Test
    void aPoisonTextFailsOnlyItsOwnFuture() throws Exception {
        MicroBatcher b = batcher(3, FOREVER, 10_000);
        TokenizedText good1 = text(3, 1);
        TokenizedText poison = new TokenizedText(new long[] {101, POISON, 102, 103}, false);
        TokenizedText good2 = text(5, 2);
        CompletableFuture<float[]> f1 = b.submit(good1, InferenceListener.NOOP);
        CompletableFuture<float[]> fp = b.submit(poison, InferenceListener.NOOP);
        CompletableFuture<float[]> f2 = b.submit(good2, InferenceListener.NOOP);

        assertThat(get(f1)).containsExactly(3f, 3f);
        assertThat(get(f2)).containsExactly(10f, 5f);
        Throwable failure = catchThrowable(() -> get(fp));
        assertThat(failure)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("poisoned batch of 1");
        // The batch of three failed, then each text ran alone.
        assertThat(runner.lengths()).containsExactly(List.of(3, 4, 5), List.of(3), List.of(4), List.of(5));
    }

    @Test
    void aRunnerErrorIsDeliveredToTheFutureAndTheBatcherKeepsWorking() throws Exception {
        MicroBatcher b = new MicroBatcher(
                "sentiment-batcher-test-error",
                batch -> {
                    if (batch.get(0)[0] == POISON) {
                        throw new OutOfMemoryError("simulated");
                    }
                    return new float[][] {expected(batch.get(0))};
                },
                1,
                FOREVER,
                10_000,
                new int[0]);
        opened.add(b);
        Throwable failure = catchThrowable(() -> get(b.submit(text(2, POISON), InferenceListener.NOOP)));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(OutOfMemoryError.class);
        assertThat(get(b.submit(text(2, 4), InferenceListener.NOOP))).containsExactly(8f, 2f);
        assertThat(b.isRunning()).isTrue();
    }

    @Test
    void closeDropsWhatIsQueuedWithoutRunningItAndStopsTheThread() throws Exception {
        MicroBatcher b = batcher(1000, FOREVER, 1_000_000);
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            futures.add(b.submit(text(1 + i % 11, i), InferenceListener.NOOP));
        }
        assertThat(b.queued()).isEqualTo(256);

        b.close();

        assertThat(runner.batches).as("nothing queued is scored at close").isEmpty();
        assertThat(futures).allSatisfy(f -> {
            assertThat(f).isCompletedExceptionally();
            assertThat(catchThrowable(f::join)).hasCauseInstanceOf(ScorerClosedException.class);
        });
        assertThat(b.isRunning()).isFalse();
        assertThat(b.queued()).isZero();
    }

    @Test
    void closeLetsTheBatchInProgressFinishAndDropsTheRest() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MicroBatcher b = new MicroBatcher(
                "sentiment-batcher-test-" + NAMES.incrementAndGet(),
                batch -> {
                    running.countDown();
                    release.await();
                    return runner.run(batch);
                },
                2,
                FOREVER,
                1_000_000,
                new int[0]);
        opened.add(b);
        List<CompletableFuture<float[]>> inProgress =
                List.of(b.submit(text(3, 1), InferenceListener.NOOP), b.submit(text(3, 2), InferenceListener.NOOP));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<float[]>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(b.submit(text(3, 10 + i), InferenceListener.NOOP));
        }

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                b.close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting)
                .allSatisfy(f -> assertThat(catchThrowable(() -> f.get(10, TimeUnit.SECONDS)))
                        .cause()
                        .isInstanceOf(ScorerClosedException.class));
        assertThat(closing).as("close waits for the batch in progress").isNotDone();
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(inProgress.get(0).getNow(null)).containsExactly(expected(new long[] {1, 1, 1}));
        assertThat(inProgress.get(1).getNow(null)).containsExactly(expected(new long[] {2, 2, 2}));
        assertThat(runner.batches).hasSize(1);
        assertThat(b.isRunning()).isFalse();
    }

    @Test
    void drainScoresEveryQueuedFutureAndStopsTheThread() throws Exception {
        MicroBatcher b = batcher(1000, FOREVER, 1_000_000, 4, 8);
        List<TokenizedText> texts = new ArrayList<>();
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TokenizedText t = i == 7 ? new TokenizedText(new long[] {POISON, 1}, false) : text(1 + i % 11, i);
            texts.add(t);
            futures.add(b.submit(t, InferenceListener.NOOP));
        }
        assertThat(b.queued())
                .as("nothing flushes before the size, budget or delay")
                .isEqualTo(20);
        assertThat(b.isRunning()).isTrue();

        b.drain();

        assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
        for (int i = 0; i < texts.size(); i++) {
            if (i == 7) {
                assertThat(futures.get(i)).isCompletedExceptionally();
            } else {
                assertThat(futures.get(i).getNow(null))
                        .as("text %s", i)
                        .containsExactly(expected(texts.get(i).ids()));
            }
        }
        assertThat(b.isRunning()).isFalse();
        assertThat(b.queued()).isZero();
        String batcherName = name;
        assertThat(Thread.getAllStackTraces().keySet())
                .noneSatisfy(t -> assertThat(t.isAlive() && t.getName().equals(batcherName))
                        .isTrue());
    }

    @Test
    void submitAfterCloseFailsTheFuture() throws Exception {
        MicroBatcher b = batcher(4, FOREVER, 10_000);
        b.close();
        CompletableFuture<float[]> late = b.submit(text(3, 1), InferenceListener.NOOP);
        assertThat(late).isCompletedExceptionally();
        assertThat(catchThrowable(late::join))
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(runner.batches).isEmpty();
        b.close(); // idempotent
        assertThat(b.isRunning()).isFalse();
    }

    @Test
    void listenerReceivesBatchTokenCountsAndQueueWaits() throws Exception {
        MicroBatcher b = batcher(3, FOREVER, 10_000);
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        CompletableFuture<float[]> a = b.submit(text(2, 1), first);
        CompletableFuture<float[]> c = b.submit(text(5, 1), second);
        CompletableFuture<float[]> d = b.submit(text(3, 1), first);
        get(a);
        get(c);
        get(d);

        // One batch of 3 texts: 2 + 5 + 3 = 10 real tokens, padded to 3 x 5 = 15. It is counted once, by the
        // listener of its first (shortest) text, so that sums over listeners (subtasks) stay true.
        assertThat(first.batches).hasSize(1);
        long[] batch = first.batches.get(0);
        assertThat(batch[0]).isEqualTo(3);
        assertThat(batch[1]).isEqualTo(10);
        assertThat(batch[2]).isEqualTo(15);
        assertThat(batch[3]).isNotNegative();
        assertThat(second.batches).isEmpty();
        assertThat(first.queueWaits).hasSize(2).allSatisfy(n -> assertThat(n).isNotNegative());
        assertThat(second.queueWaits).hasSize(1).allSatisfy(n -> assertThat(n).isNotNegative());
    }

    @Test
    void manyThreadsSubmittingConcurrentlyGetTheirOwnResults() throws Exception {
        MicroBatcher b = batcher(8, Duration.ofMillis(1), 64, 4, 8);
        int threads = 4;
        int perThread = 250;
        List<List<CompletableFuture<float[]>>> futures = new ArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<float[]>> mine = new CopyOnWriteArrayList<>();
            futures.add(mine);
            int thread = t;
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    mine.add(b.submit(text(1 + (i % 16), thread * 1000 + i), InferenceListener.NOOP));
                }
            }));
        }
        submitters.forEach(Thread::start);
        for (Thread t : submitters) {
            t.join();
        }
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                int len = 1 + (i % 16);
                assertThat(get(futures.get(t).get(i))).containsExactly((float) len * (t * 1000 + i), len);
            }
        }
        assertThat(runner.batches).allSatisfy(batch -> {
            assertThat(batch).hasSizeLessThanOrEqualTo(8);
            int longest = batch.stream().mapToInt(ids -> ids.length).max().orElseThrow();
            assertThat(batch.size() * longest).isLessThanOrEqualTo(64);
        });
        assertThat(runner.batches.stream().mapToInt(List::size).sum()).isEqualTo(threads * perThread);
    }

    @Test
    void aModelThatReturnsTooFewRowsFailsTheBatchAndTheBatcherLivesOn() throws Exception {
        MicroBatcher.BatchRunner shortRunner = batch -> new float[batch.size() - 1][2];
        MicroBatcher b = new MicroBatcher("sentiment-batcher-short", shortRunner, 2, FOREVER, 1000, new int[0]);
        try {
            CompletableFuture<float[]> first = b.submit(text(3, 1), InferenceListener.NOOP);
            CompletableFuture<float[]> second = b.submit(text(3, 2), InferenceListener.NOOP);
            assertThat(catchThrowable(() -> first.get(30, TimeUnit.SECONDS)))
                    .hasMessageContaining("1 rows of logits for a batch of 2");
            assertThat(catchThrowable(() -> second.get(30, TimeUnit.SECONDS))).hasMessageContaining("1 rows of logits");
            assertThat(b.isRunning()).isTrue();
        } finally {
            b.close();
        }
    }

    @Test
    void aFailingListenerDoesNotStopTheBatcher() throws Exception {
        InferenceListener broken = new InferenceListener() {
            @Override
            public void onBatch(int size, long realTokens, long computedTokens, long inferenceNanos) {
                throw new IllegalStateException("listener bug");
            }
        };
        MicroBatcher b = batcher(1, FOREVER, 1000);
        assertThat(get(b.submit(text(4, 1), broken))).containsExactly(4f, 4f);
        assertThat(get(b.submit(text(5, 1), broken))).containsExactly(5f, 5f);
        assertThat(b.isRunning()).isTrue();
    }
}
