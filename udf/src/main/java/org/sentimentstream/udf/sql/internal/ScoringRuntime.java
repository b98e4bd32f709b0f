package org.sentimentstream.udf.sql.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SubtaskScorer;
import org.sentimentstream.udf.internal.InferenceMetrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.table.functions.FunctionContext;

import java.util.concurrent.CompletableFuture;

/**
 * What a SQL function holds per parallel subtask: the subtask's scorer (per-slot session or the JVM's shared one,
 * exactly as the DataStream function's) and the {@code sentiment} metrics of the operator.
 */
public final class ScoringRuntime implements AutoCloseable {

    /** Counter, next to the scorer's metrics, of NULL or blank texts, which are not scored. */
    public static final String RECORDS_WITHOUT_TEXT = "recordsWithoutText";

    private final SubtaskScorer subtask;
    private final InferenceMetrics metrics;
    private final Counter withoutText;

    private ScoringRuntime(SubtaskScorer subtask, InferenceMetrics metrics, Counter withoutText) {
        this.subtask = subtask;
        this.metrics = metrics;
        this.withoutText = withoutText;
    }

    /**
     * Opens the scorer of this subtask.
     *
     * @param modelOptions whether the settings came from {@code CREATE MODEL} options, so that an error found
     *     while opening (e.g. a max-sequence-length beyond the model's limit) names the SQL key
     */
    public static ScoringRuntime open(InferenceConfig config, FunctionContext context, boolean modelOptions)
            throws Exception {
        SubtaskScorer subtask;
        try {
            subtask = SubtaskScorer.open(config, context.getTaskInfo().getNumberOfParallelSubtasks());
        } catch (InvalidSettingException e) {
            throw modelOptions ? SqlOptions.renamed(e) : e;
        }
        InferenceMetrics metrics = new InferenceMetrics(context.getMetricGroup());
        Counter withoutText = context.getMetricGroup().addGroup(InferenceMetrics.GROUP).counter(RECORDS_WITHOUT_TEXT);
        return new ScoringRuntime(subtask, metrics, withoutText);
    }

    /** Counts a NULL or blank text, which gets a NULL result without being queued. */
    public void countWithoutText() {
        withoutText.inc();
    }

    /** Tokenizes on the calling thread and queues the text; the future completes on the batcher's thread. */
    public CompletableFuture<SentimentResult> score(String text) {
        return subtask.scorer().score(text, metrics).whenComplete((result, error) -> {
            if (error == null) {
                metrics.onScored(result.truncated());
            } else {
                metrics.onError();
            }
        });
    }

    @Override
    public void close() throws Exception {
        subtask.close();
    }
}
