package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a running job learns of new models: a versioned model location it watches ({@code sentiment.model-watch})
 * or a control topic of {@link ModelAnnouncement}s. Serializable, so that it travels with the operator; each
 * session {@link #open opens} its own reader and polls it at {@link #pollInterval}.
 */
@PublicEvolving
public interface ModelFeed extends Serializable {

    /** How often the reader is polled. */
    Duration pollInterval();

    /** Opens a reader; called on the TaskManager, once per session. */
    Reader open() throws Exception;

    /** Reads the feed. Called from one thread. */
    interface Reader extends AutoCloseable {
        /**
         * The model the feed names now, the newest announcement, or empty when it names none yet. The caller
         * applies it only when it differs from the running model, so a reader may return the same one every time.
         */
        Optional<ModelAnnouncement> latest() throws Exception;

        /**
         * Announcements read so far that were not announcements at all (malformed, no model), which the reader
         * logged and skipped; they are counted as refused model updates.
         */
        default long malformed() {
            return 0;
        }

        @Override
        default void close() throws Exception {}
    }
}
