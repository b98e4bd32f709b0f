package org.sentimentstream.udf;

import java.io.IOException;

/**
 * The scorer of one parallel subtask, opened as {@link SentimentAsyncFunction} opens its own: a per-slot session
 * with the subtask's share of the cores ({@link ThreadBudget}), or the JVM's reference-counted shared session
 * ({@link SentimentOptions.SessionSharing#SHARED}). For other operators that feed the same micro-batcher, such as
 * the Flink SQL functions of {@code org.sentimentstream.udf.sql}. Close it once, in the operator's close.
 */
public final class SubtaskScorer implements AutoCloseable {

    private final InferenceConfig config;
    private SentimentScorer scorer;

    private SubtaskScorer(InferenceConfig config, SentimentScorer scorer) {
        this.config = config;
        this.scorer = scorer;
    }

    /** Opens (or, when shared, acquires) the scorer of a subtask of an operator with this parallelism. */
    public static SubtaskScorer open(InferenceConfig config, int parallelism) throws IOException {
        int threads = ThreadBudget.intraOpThreads(config, parallelism);
        SentimentScorer scorer = config.sessionSharing() == SentimentOptions.SessionSharing.SHARED
                ? SharedScorers.acquire(config, threads)
                : SentimentScorer.open(config, threads);
        return new SubtaskScorer(config, scorer);
    }

    /** The scorer; null after {@link #close()}. */
    public SentimentScorer scorer() {
        return scorer;
    }

    /** Closes a per-slot scorer, or releases the shared one (the last release closes it). Idempotent. */
    @Override
    public void close() throws Exception {
        if (scorer == null) {
            return;
        }
        try {
            if (config.sessionSharing() == SentimentOptions.SessionSharing.SHARED) {
                SharedScorers.release(config);
            } else {
                scorer.close();
            }
        } finally {
            scorer = null;
        }
    }
}
