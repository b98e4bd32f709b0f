package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
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
 *
 * <p>The model can change while the job runs ({@code sentiment.model-watch}, or {@link #withModelFeed}); the model a
 * subtask runs is in the operator's state, so a job restored from a checkpoint or savepoint goes on with the model
 * it had switched to, not the one it was started with. Records still waiting for a batch when the function closes
 * (cancel, stop, failover) are dropped, neither scored nor failed: they are in the checkpoint or are read again.
 */
@PublicEvolving
public class SentimentAsyncFunction<IN, OUT> extends RichAsyncFunction<IN, OUT> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /**
     * Union list state: each subtask's running model and since when; a restored subtask, whatever the new
     * parallelism, takes the one switched to last.
     */
    static final String ACTIVE_MODEL_STATE = "sentiment-active-model";

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
    private ModelFeed modelFeed;

    private transient ListState<String> activeModelState;
    private transient ModelAnnouncement restoredModel;
    private transient ScoringRuntime runtime;
    /** The outcome of each record in flight, so that a timeout can complete it first. */
    private transient Map<ResultFuture<OUT>, CompletableFuture<SentimentResult>> inFlight;

    public SentimentAsyncFunction(
            InferenceConfig config, SerializableFunction<IN, String> textOf, ResultHandler<IN, OUT> handler) {
        this.config = config;
        this.textOf = textOf;
        this.handler = handler;
    }

    /**
     * Follows {@code feed} for new models (e.g. a control topic of announcements); not together with {@code
     * sentiment.model-watch}, which is a feed of its own.
     */
    public SentimentAsyncFunction<IN, OUT> withModelFeed(ModelFeed feed) {
        this.modelFeed = feed;
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        activeModelState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(ACTIVE_MODEL_STATE, Types.STRING));
        if (context.isRestored()) {
            restoredModel = ActiveModel.latest(activeModelState.get());
        }
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        runtime = ScoringRuntime.open(
                config,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getMetricGroup(),
                restoredModel,
                modelFeed);
        inFlight = new ConcurrentHashMap<>();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        SentimentScorer scorer = runtime == null ? null : runtime.scorer();
        if (scorer != null) {
            activeModelState.update(List.of(ActiveModel.toState(scorer.activeModel(), scorer.lastModelSwapMillis())));
        }
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<OUT> resultFuture) {
        CompletableFuture<SentimentResult> outcome = runtime.score(textOf.apply(input));
        inFlight.put(resultFuture, outcome);
        // Runs once, for whichever completed the outcome first: the result or timeout().
        outcome.whenComplete((result, error) -> {
            inFlight.remove(resultFuture);
            if (error != null && ScorerClosedException.isClosed(error)) {
                return; // closing: the record is in the checkpoint or is read again; not a dead letter
            }
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
