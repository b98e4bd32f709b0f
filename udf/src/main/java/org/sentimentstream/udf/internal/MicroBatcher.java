package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InferenceListener;
import org.sentimentstream.udf.ScorerClosedException;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects tokenized texts from any number of threads and runs them through the model on its own thread, in
 * batches cut by the {@link BatchPlanner}: sorted by length, at most {@code maxBatchSize} texts and
 * {@code maxBatchTokens} padded tokens each, cut where they pad least. While the waiting texts fill at least one
 * batch, only full batches run and the rest wait to be sorted together with the texts that arrive meanwhile, so
 * that a busy model gets full, evenly long batches; when none is full, everything waiting runs once the oldest
 * text has waited {@code maxBatchDelay}. Every submitted future is completed: with logits, with the batch's error,
 * or with a {@link ScorerClosedException} when {@link #close} drops it.
 */
@Internal
public final class MicroBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /**
     * A text in a partial batch runs, whatever else waits, once it has waited this many times the batch delay: a
     * rare length must not wait for full batches of the common ones for ever.
     */
    static final int STARVATION_DELAYS = 20;

    /** Runs one padded batch; returns logits in the batch's order. */
    @FunctionalInterface
    public interface BatchRunner {
        float[][] run(List<long[]> batch) throws Exception;
    }

    private final BatchRunner runner;
    private final BatchPlanner planner;
    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final long maxDelayNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int queuedMaxLength;
    /** No more submissions; whatever is queued is flushed at once. */
    private boolean closed;
    /** Set by {@link #close}: batches taken but not yet run are dropped too. */
    private volatile boolean dropping;

    private final Thread thread;

    /** A batcher with the batch limits of {@code config}. */
    public MicroBatcher(String name, BatchRunner runner, InferenceConfig config) {
        this(
                name,
                runner,
                config.maxBatchSize(),
                config.maxBatchDelay(),
                config.maxBatchTokens(),
                config.lengthBuckets().stream().mapToInt(Integer::intValue).toArray());
    }

    public MicroBatcher(
            String name,
            BatchRunner runner,
            int maxBatchSize,
            Duration maxBatchDelay,
            int maxBatchTokens,
            int[] lengthBuckets) {
        this.runner = runner;
        this.planner = new BatchPlanner(maxBatchSize, maxBatchTokens, lengthBuckets);
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.maxDelayNanos = maxBatchDelay.toNanos();
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a text; never blocks beyond a short lock. */
    public CompletableFuture<float[]> submit(TokenizedText text, InferenceListener listener) {
        Pending p = new Pending(text, listener, System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                p.future.completeExceptionally(new ScorerClosedException("the scorer is closed"));
                return p.future;
            }
            queue.add(p);
            queuedMaxLength = Math.max(queuedMaxLength, text.length());
            if (readyToFlush(p.enqueuedNanos)) {
                changed.signal();
            } else if (queue.size() == 1) {
                changed.signal(); // start the delay clock
            }
        } finally {
            lock.unlock();
        }
        return p.future;
    }

    private boolean readyToFlush(long now) {
        if (queue.isEmpty()) {
            return false;
        }
        return closed
                || queue.size() >= maxBatchSize
                || (long) queue.size() * queuedMaxLength >= maxBatchTokens
                || now - queue.peekFirst().enqueuedNanos >= maxDelayNanos;
    }

    private void loop() {
        while (true) {
            List<List<Pending>> flushed;
            lock.lock();
            try {
                while (true) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (readyToFlush(now)) {
                        break;
                    }
                    if (queue.isEmpty()) {
                        changed.await();
                    } else {
                        changed.awaitNanos(maxDelayNanos - (now - queue.peekFirst().enqueuedNanos));
                    }
                }
                flushed = takeBatches(System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(new ScorerClosedException("the batcher thread was interrupted"));
                return;
            } finally {
                lock.unlock();
            }
            for (List<Pending> batch : flushed) {
                if (dropping) {
                    drop(batch);
                } else {
                    runBatch(batch);
                }
            }
        }
    }

    /**
     * The batches to run now, removed from the queue, oldest text first: the full ones if there are any (the texts
     * of a partial batch keep waiting, unless one of them has waited {@link #STARVATION_DELAYS} delays), else all
     * of them. Oldest first, because an ordered async operator emits nothing behind its oldest record. Called with
     * the lock held.
     */
    private List<List<Pending>> takeBatches(long now) {
        List<List<Pending>> planned = planner.plan(new ArrayList<>(queue), p -> p.text.length());
        List<List<Pending>> run = new ArrayList<>();
        for (List<Pending> batch : planned) {
            if (closed || planner.isFull(batch, p -> p.text.length()) || waitedTooLong(batch, now)) {
                run.add(batch);
            }
        }
        if (run.isEmpty()) {
            run = planned;
        }
        if (run.size() == planned.size()) {
            queue.clear();
        } else {
            Set<Pending> taken = Collections.newSetFromMap(new IdentityHashMap<>());
            run.forEach(taken::addAll);
            queue.removeIf(taken::contains);
        }
        queuedMaxLength = 0;
        for (Pending p : queue) {
            queuedMaxLength = Math.max(queuedMaxLength, p.text.length());
        }
        run.sort(Comparator.comparingLong(MicroBatcher::oldest));
        return run;
    }

    private static long oldest(List<Pending> batch) {
        long oldest = Long.MAX_VALUE;
        for (Pending p : batch) {
            oldest = Math.min(oldest, p.enqueuedNanos);
        }
        return oldest;
    }

    private boolean waitedTooLong(List<Pending> batch, long now) {
        for (Pending p : batch) {
            if (now - p.enqueuedNanos >= STARVATION_DELAYS * maxDelayNanos) {
                return true;
            }
        }
        return false;
    }

    private void runBatch(List<Pending> batch) {
        runBatch(batch, true);
    }

    private void runBatch(List<Pending> batch, boolean firstAttempt) {
        long start = System.nanoTime();
        List<long[]> ids = new ArrayList<>(batch.size());
        long realTokens = 0;
        int longest = 0;
        for (Pending p : batch) {
            ids.add(p.text.ids());
            realTokens += p.text.length();
            longest = Math.max(longest, p.text.length());
            if (firstAttempt) {
                notifyQueueWait(p, start);
            }
        }
        float[][] logits;
        try {
            logits = runner.run(ids);
        } catch (Throwable e) {
            if (batch.size() > 1) {
                // Find the culprit: one bad text must not fail its neighbours.
                LOG.warn("Inference of a batch of {} failed; retrying its texts one by one", batch.size(), e);
                for (Pending p : batch) {
                    if (dropping) {
                        drop(List.of(p));
                    } else {
                        runBatch(List.of(p), false);
                    }
                }
            } else {
                batch.get(0).future.completeExceptionally(e);
            }
            return;
        }
        if (logits == null || logits.length != batch.size()) {
            IllegalStateException e = new IllegalStateException("the model returned "
                    + (logits == null ? "no" : logits.length) + " rows of logits for a batch of " + batch.size());
            batch.forEach(p -> p.future.completeExceptionally(e));
            return;
        }
        long elapsed = System.nanoTime() - start;
        // A shared session batches the records of several subtasks: the batch is counted once, by the subtask of
        // its first record, so that sums over subtasks stay true.
        try {
            batch.get(0).listener.onBatch(batch.size(), realTokens, (long) longest * batch.size(), elapsed);
        } catch (RuntimeException e) {
            LOG.warn("An inference listener failed; ignoring it", e);
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future.complete(logits[i]);
        }
    }

    private static void notifyQueueWait(Pending p, long start) {
        try {
            p.listener.onQueueWait(start - p.enqueuedNanos);
        } catch (RuntimeException e) {
            LOG.warn("An inference listener failed; ignoring it", e);
        }
    }

    private void failAll(Exception e) {
        lock.lock();
        try {
            for (Pending p : queue) {
                p.future.completeExceptionally(e);
            }
            queue.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Texts waiting for a batch. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking texts, drops what waits (its futures complete with a {@link ScorerClosedException}) and returns
     * once the batch in progress, if any, has finished: a cancelled or stopped job lets go of its slot at once
     * instead of scoring a full queue first. Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            dropping = true;
            drop(queue);
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        awaitThread(TimeUnit.SECONDS.toMillis(30));
    }

    /**
     * Stops taking texts, scores everything queued and returns when it is done: how a model that has been replaced
     * finishes the texts that were batched on it.
     */
    public void drain() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        awaitThread(TimeUnit.MINUTES.toMillis(5));
    }

    private void awaitThread(long millis) throws InterruptedException {
        thread.join(millis);
        if (thread.isAlive()) {
            LOG.warn("The batcher thread {} is still running after {} ms; interrupting it", thread.getName(), millis);
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        failAll(new ScorerClosedException("the scorer is closed"));
    }

    private static void drop(Iterable<Pending> texts) {
        ScorerClosedException closed = new ScorerClosedException(
                "the scorer closed before this text was scored; a restored job reads it again");
        for (Pending p : texts) {
            p.future.completeExceptionally(closed);
        }
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    private static final class Pending {
        final TokenizedText text;
        final InferenceListener listener;
        final long enqueuedNanos;
        final CompletableFuture<float[]> future = new CompletableFuture<>();

        Pending(TokenizedText text, InferenceListener listener, long enqueuedNanos) {
            this.text = text;
            this.listener = listener;
            this.enqueuedNanos = enqueuedNanos;
        }
    }
}
