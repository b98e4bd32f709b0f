package org.sentimentstream.udf;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link SentimentScorer} per configuration and JVM (per job classloader, in fact), reference-counted: the
 * memory-saving {@link SentimentOptions.SessionSharing#SHARED} mode. The last release closes it.
 */
final class SharedScorers {

    private static final Map<InferenceConfig, Entry> ENTRIES = new HashMap<>();

    private static final class Entry {
        final SentimentScorer scorer;
        int references;

        Entry(SentimentScorer scorer) {
            this.scorer = scorer;
        }
    }

    private SharedScorers() {}

    static synchronized SentimentScorer acquire(InferenceConfig config, int intraOpThreads) throws IOException {
        Entry entry = ENTRIES.get(config);
        if (entry == null) {
            entry = new Entry(SentimentScorer.open(config, intraOpThreads));
            ENTRIES.put(config, entry);
        }
        entry.references++;
        return entry.scorer;
    }

    static synchronized void release(InferenceConfig config) throws Exception {
        Entry entry = ENTRIES.get(config);
        if (entry != null && --entry.references == 0) {
            ENTRIES.remove(config);
            entry.scorer.close();
        }
    }

    static synchronized int openScorers() {
        return ENTRIES.size();
    }
}
