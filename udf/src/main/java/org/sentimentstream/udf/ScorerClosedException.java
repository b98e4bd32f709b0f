package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The outcome of a text that was still waiting for a batch when its scorer closed, or that came after. Not a
 * scoring failure: a closing operator's records in flight are in its last checkpoint or are read again after a
 * restore, so they are neither scored nor dead letters.
 */
@PublicEvolving
public final class ScorerClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ScorerClosedException(String message) {
        super(message);
    }

    /** Whether {@code error}, or its cause, is a closed scorer's. */
    public static boolean isClosed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ScorerClosedException) {
                return true;
            }
        }
        return false;
    }
}
