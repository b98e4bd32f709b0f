package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Scores the text of each record with a micro-batched ONNX Runtime session: one session per parallel subtask
 * (opened in {@code open}, closed in {@code close}), or one shared per TaskManager JVM. {@code asyncInvoke}
 * tokenizes and queues, and never waits for inference. Every record's future is completed exactly once: with
 * {@link ResultHandler#onScored}, or with {@link ResultHandler#onFailure} for a failed or timed-out record.
 *
 * <p>Use with {@code AsyncDataStream.orderedWait} or {@code unorderedWait}; their capacity bounds the records in
 * flight and so gives backpressure.
 */
@PublicEvolving
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

    private transient ScoringRuntime runtime;
    /** The outcome of each record in flight, so that a timeout can complete it first. */
    private transient Map<ResultFuture<OUT>, CompletableFuture<SentimentResult>> inFlight;

    public SentimentAsyncFunction(
            InferenceConfig config, SerializableFunction<IN, String> textOf, ResultHandler<IN, OUT> handler) {
        this.config = config;
        this.textOf = textOf;
        this.handler = handler;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        runtime = ScoringRuntime.open(
                config,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getMetricGroup());
        inFlight = new ConcurrentHashMap<>();
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<OUT> resultFuture) {
        CompletableFuture<SentimentResult> outcome = runtime.score(textOf.apply(input));
        inFlight.put(resultFuture, outcome);
        // Runs once, for whichever completed the outcome first: the result or timeout().
        outcome.whenComplete((result, error) -> {
            inFlight.remove(resultFuture);
            try {
                resultFuture.complete(Collections.singleton(
                        error == null ? handler.onScored(input, result) : handler.onFailure(input, unwrap(error))));
            } catch (Exception e) {
                resultFuture.completeExceptionally(e);
            }
        });
    }

    @Override
    public void timeout(IN input, ResultFuture<OUT> resultFuture) {
        CompletableFuture<SentimentResult> outcome = inFlight.get(resultFuture);
        if (outcome != null) { // else the result came first and completed the record
            outcome.completeExceptionally(new TimeoutException("scoring did not finish within the async timeout"));
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public void close() throws Exception {
        if (runtime != null) { // null when open failed
            runtime.close();
        }
    }

    /** The scorer of this subtask; null before open and after close. Visible for tests. */
    SentimentScorer scorer() {
        return runtime == null ? null : runtime.scorer();
    }
}
