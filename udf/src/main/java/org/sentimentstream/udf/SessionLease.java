package org.sentimentstream.udf;

import org.sentimentstream.udf.SentimentOptions.SessionSharing;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A subtask's hold on a scorer: its own ({@link SessionSharing#PER_SLOT}, with its share of the cores), or the one
 * reference-counted scorer per configuration that the subtasks of a TaskManager JVM share ({@link
 * SessionSharing#SHARED}, which saves the memory of the other sessions). Closing the last lease closes the scorer.
 */
final class SessionLease implements AutoCloseable {

    /** Shared scorers by configuration; per job classloader, as this class is loaded by each job's. */
    private static final Map<InferenceConfig, Shared> SHARED = new HashMap<>();

    private static final class Shared {
        final SentimentScorer scorer;
        int leases;

        Shared(SentimentScorer scorer) {
            this.scorer = scorer;
        }
    }

    private final InferenceConfig config;
    private SentimentScorer scorer;

    private SessionLease(InferenceConfig config, SentimentScorer scorer) {
        this.config = config;
        this.scorer = scorer;
    }

    /** Opens or joins the scorer of a subtask of an operator with this parallelism. */
    static SessionLease acquire(InferenceConfig config, int parallelism) throws IOException {
        return acquire(config, parallelism, null, null);
    }

    /**
     * Opens or joins the scorer of a subtask of an operator with this parallelism, starting with {@code restored}
     * and following {@code feed} when given (see {@link SentimentScorer#open(InferenceConfig, int,
     * ModelAnnouncement, ModelFeed)}); a shared scorer is opened by the first subtask, with its arguments.
     */
    static SessionLease acquire(InferenceConfig config, int parallelism, ModelAnnouncement restored, ModelFeed feed)
            throws IOException {
        int threads = ThreadBudget.intraOpThreads(config, parallelism);
        return new SessionLease(
                config,
                isShared(config)
                        ? acquireShared(config, threads, restored, feed)
                        : SentimentScorer.open(config, threads, restored, feed));
    }

    /** The scorer; null after {@link #close()}. */
    SentimentScorer scorer() {
        return scorer;
    }

    /** Closes a scorer of its own, or leaves the shared one. Idempotent. */
    @Override
    public void close() throws Exception {
        if (scorer == null) {
            return;
        }
        try {
            if (isShared(config)) {
                releaseShared(config);
            } else {
                scorer.close();
            }
        } finally {
            scorer = null;
        }
    }

    private static boolean isShared(InferenceConfig config) {
        return config.sessionSharing() == SessionSharing.SHARED;
    }

    private static synchronized SentimentScorer acquireShared(
            InferenceConfig config, int threads, ModelAnnouncement restored, ModelFeed feed) throws IOException {
        Shared shared = SHARED.get(config);
        if (shared == null) {
            shared = new Shared(SentimentScorer.open(config, threads, restored, feed));
            SHARED.put(config, shared);
        }
        shared.leases++;
        return shared.scorer;
    }

    private static synchronized void releaseShared(InferenceConfig config) throws Exception {
        Shared shared = SHARED.get(config);
        if (shared != null && --shared.leases == 0) {
            SHARED.remove(config);
            shared.scorer.close();
        }
    }

    static synchronized int openSharedScorers() {
        return SHARED.size();
    }
}
