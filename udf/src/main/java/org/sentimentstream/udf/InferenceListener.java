package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

/** Receives what the micro-batcher measures; implementations must be thread-safe and cheap. */
@PublicEvolving
public interface InferenceListener {

    InferenceListener NOOP = new InferenceListener() {};

    /**
     * One ONNX Runtime call finished.
     *
     * @param size texts in the batch
     * @param realTokens tokens of those texts
     * @param computedTokens size x longest text: the tokens the model computed, padding included
     * @param inferenceNanos time of the call
     */
    default void onBatch(int size, long realTokens, long computedTokens, long inferenceNanos) {}

    /** A text waited this long between being queued and its batch starting. */
    default void onQueueWait(long nanos) {}
}
