package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ScoringRuntime;
import org.sentimentstream.udf.SettingSurface;
import org.sentimentstream.udf.sql.internal.OutputColumns;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime of {@code ML_PREDICT} over an {@code 'onnx'} model: tokenizes on the operator's thread, queues the
 * text on the subtask's micro-batcher and completes when its batch is scored. Exactly one output row per input
 * row: a NULL, empty or whitespace-only text gives NULL in every output column. A scoring error fails the job.
 *
 * <p>How many rows are in flight, and so how large batches can grow, is bounded by ML_PREDICT's
 * {@code 'max-concurrent-operations'} (or {@code table.exec.async-ml-predict.max-concurrent-operations},
 * default 10): set it to a few times {@code max-batch-size}.
 *
 * <p>Public only because Flink's generated code refers to it; created by {@link OnnxModelProviderFactory}.
 */
@Internal
public final class OnnxPredictFunction extends AsyncPredictFunction {

    private static final long serialVersionUID = 1L;

    private final InferenceConfig config;
    private final OutputColumns columns;

    private transient ScoringRuntime runtime;

    OnnxPredictFunction(InferenceConfig config, OutputColumns columns) {
        this.config = config;
        this.columns = columns;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        try {
            runtime = ScoringRuntime.open(config, context);
        } catch (InvalidSettingException e) {
            throw e.on(SettingSurface.SQL_OPTION); // found only now, e.g. a length beyond the model's limit
        }
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        String text = input.isNullAt(0) ? null : input.getString(0).toString();
        return runtime.scoreIfText(text)
                .thenApply(
                        result -> Collections.singletonList(result == null ? columns.nullRow() : columns.row(result)));
    }

    @Override
    public void close() throws Exception {
        if (runtime != null) { // null when open failed
            runtime.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxPredictFunction" + columns;
    }
}
