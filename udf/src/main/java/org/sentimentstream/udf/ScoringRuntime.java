package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.InferenceMetrics;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.functions.FunctionContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a scoring operator holds per parallel subtask, for the DataStream function and both SQL functions alike:
 * a {@link SessionLease} on a scorer, the operator's {@code sentiment} metrics, and the rule that each record has
 * exactly one outcome, counted once.
 */
@Internal
public final class ScoringRuntime implements AutoCloseable {

    /** Counter, next to the scorer's metrics, of NULL or blank texts, which are not scored. */
    public static final String RECORDS_WITHOUT_TEXT = "recordsWithoutText";

    private final SessionLease lease;
    private final InferenceMetrics metrics;
    private final Counter withoutText;

    private ScoringRuntime(SessionLease lease, MetricGroup operatorGroup) {
        this.lease = lease;
        this.metrics = new InferenceMetrics(operatorGroup);
        SentimentScorer scorer = lease.scorer();
        this.metrics.observeModel(
                scorer::modelIdentity, scorer::lastModelSwapMillis, scorer::modelUpdates, scorer::modelUpdatesRefused);
        this.withoutText = operatorGroup.addGroup(InferenceMetrics.GROUP).counter(RECORDS_WITHOUT_TEXT);
    }

    /**
     * Opens the scorer of a subtask of an operator with this parallelism, and registers the metrics; starts with
     * {@code restored} and follows {@code feed} when they are given.
     */
    public static ScoringRuntime open(
            InferenceConfig config,
            int parallelism,
            MetricGroup operatorGroup,
            ModelAnnouncement restored,
            ModelFeed feed)
            throws Exception {
        return new ScoringRuntime(SessionLease.acquire(config, parallelism, restored, feed), operatorGroup);
    }

    /** Opens the scorer of a subtask of a SQL function. */
    public static ScoringRuntime open(InferenceConfig config, FunctionContext context) throws Exception {
        return open(config, context.getTaskInfo().getNumberOfParallelSubtasks(), context.getMetricGroup(), null, null);
    }

    /**
     * Tokenizes on the calling thread and queues the text. The returned future is the record's one outcome: the
     * first completion wins, the result's or the caller's (a timeout completes it exceptionally), and only that one
     * is counted.
     */
    public CompletableFuture<SentimentResult> score(String text) {
        CountedOutcome outcome = new CountedOutcome();
        lease.scorer().score(text, metrics).whenComplete((result, error) -> {
            if (error == null) {
                outcome.complete(result);
            } else {
                outcome.completeExceptionally(error);
            }
        });
        return outcome;
    }

    /**
     * A record's outcome that is counted by whichever completion wins, before any dependent runs: dependents run
     * most recently registered first, so a counting dependent could run after the caller's own.
     */
    private final class CountedOutcome extends CompletableFuture<SentimentResult> {
        private final AtomicBoolean decided = new AtomicBoolean();

        @Override
        public boolean complete(SentimentResult result) {
            if (!decided.compareAndSet(false, true)) {
                return false;
            }
            metrics.onScored(result.windows(), result.truncated());
            return super.complete(result);
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            if (!decided.compareAndSet(false, true)) {
                return false;
            }
            if (!ScorerClosedException.isClosed(error)) { // dropped at close: neither scored nor failed
                metrics.onError();
            }
            return super.completeExceptionally(error);
        }
    }

    /** Like {@link #score}, but a text that is not {@link SentimentScorer#isScorable scorable} completes with null, counted, not queued. */
    public CompletableFuture<SentimentResult> scoreIfText(String text) {
        if (!SentimentScorer.isScorable(text)) {
            withoutText.inc();
            return CompletableFuture.completedFuture(null);
        }
        return score(text);
    }

    /** The subtask's scorer; null after {@link #close()}. */
    public SentimentScorer scorer() {
        return lease.scorer();
    }

    /** Closes the scorer or leaves the shared one; idempotent. */
    @Override
    public void close() throws Exception {
        lease.close();
    }
}
