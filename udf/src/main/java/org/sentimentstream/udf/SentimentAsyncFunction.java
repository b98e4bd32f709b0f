package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.InferenceMetrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scores the text of each record with a micro-batched ONNX Runtime session: one session per parallel subtask
 * (opened in {@code open}, closed in {@code close}), or one shared per TaskManager JVM. {@code asyncInvoke}
 * tokenizes and queues, and never waits for inference. Every record's future is completed: with
 * {@link ResultHandler#onScored}, or with {@link ResultHandler#onFailure} for a failed or timed-out record.
 *
 * <p>Use with {@code AsyncDataStream.orderedWait} or {@code unorderedWait}; their capacity bounds the records in
 * flight and so gives backpressure.
 */
public class SentimentAsyncFunction<IN, OUT> extends RichAsyncFunction<IN, OUT> {

    private static final long serialVersionUID = 1L;

    /** Turns a scored or failed record into the output record. */
    public interface ResultHandler<IN, OUT> extends Serializable {
        OUT onScored(IN input, SentimentResult result);

        /**
         * A record whose scoring failed or timed out. Return an output record (e.g. a dead letter), or throw to
         * fail the job.
         */
        OUT onFailure(IN input, Throwable error) throws Exception;
    }

    private final InferenceConfig config;
    private final SerializableFunction<IN, String> textOf;
    private final ResultHandler<IN, OUT> handler;

    private transient SubtaskScorer subtask;
    private transient InferenceMetrics metrics;
    /** Records in flight: whichever of result and timeout comes first completes the record, once. */
    private transient Map<ResultFuture<OUT>, AtomicBoolean> pending;

    public SentimentAsyncFunction(
            InferenceConfig config, SerializableFunction<IN, String> textOf, ResultHandler<IN, OUT> handler) {
        this.config = config;
        this.textOf = textOf;
        this.handler = handler;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        subtask = SubtaskScorer.open(config, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        metrics = new InferenceMetrics(getRuntimeContext().getMetricGroup());
        pending = new ConcurrentHashMap<>();
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<OUT> resultFuture) {
        AtomicBoolean done = new AtomicBoolean();
        pending.put(resultFuture, done);
        subtask.scorer().score(textOf.apply(input), metrics).whenComplete((result, error) -> {
            pending.remove(resultFuture);
            if (!done.compareAndSet(false, true)) {
                return; // timed out already; the record went out through timeout()
            }
            if (error == null) {
                metrics.onScored(result.truncated());
                resultFuture.complete(Collections.singleton(handler.onScored(input, result)));
            } else {
                metrics.onError();
                completeWithFailure(input, error, resultFuture);
            }
        });
    }

    @Override
    public void timeout(IN input, ResultFuture<OUT> resultFuture) {
        AtomicBoolean done = pending.remove(resultFuture);
        if (done != null && !done.compareAndSet(false, true)) {
            return; // the result arrived just in time
        }
        metrics.onError();
        completeWithFailure(input, new TimeoutException("scoring did not finish within the async timeout"),
                resultFuture);
    }

    private void completeWithFailure(IN input, Throwable error, ResultFuture<OUT> resultFuture) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        try {
            resultFuture.complete(Collections.singleton(handler.onFailure(input, cause)));
        } catch (Exception e) {
            resultFuture.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (subtask != null) {
            try {
                subtask.close();
            } finally {
                subtask = null;
            }
        }
    }

    /** The scorer of this subtask; null before open and after close. Visible for tests. */
    SentimentScorer scorer() {
        return subtask == null ? null : subtask.scorer();
    }
}
