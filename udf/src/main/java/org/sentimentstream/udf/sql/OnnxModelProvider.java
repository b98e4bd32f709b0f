package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.sql.internal.OutputColumns;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/** The planner's handle on an {@code 'onnx'} model: validated settings and output columns; immutable. */
final class OnnxModelProvider implements AsyncPredictRuntimeProvider {

    private final InferenceConfig config;
    private final OutputColumns columns;

    OnnxModelProvider(InferenceConfig config, OutputColumns columns) {
        this.config = config;
        this.columns = columns;
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(Context context) {
        return new OnnxPredictFunction(config, columns);
    }

    @Override
    public ModelProvider copy() {
        return new OnnxModelProvider(config, columns);
    }

    @Override
    public String toString() {
        return "OnnxModelProvider" + config + columns;
    }
}
