package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.ScoringRuntime;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.AsyncScalarFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.util.concurrent.CompletableFuture;

/**
 * {@code SENTIMENT(text)}: the label and its probability, as {@code ROW<label STRING, score DOUBLE>}, from the
 * same micro-batcher and per-slot (or shared) session as the DataStream function. NULL, empty and
 * whitespace-only texts give NULL. A scoring error fails the job.
 *
 * <pre>{@code
 * CREATE TEMPORARY SYSTEM FUNCTION SENTIMENT AS 'org.sentimentstream.udf.sql.SentimentFunction';
 * SET 'pipeline.global-job-parameters' = 'sentiment.model:/models/sst2,sentiment.max-batch-size:32';
 * SET 'table.exec.async-scalar.max-concurrent-operations' = '64';
 * SELECT id, s.label, s.score FROM (SELECT id, SENTIMENT(text) AS s FROM reviews);
 * }</pre>
 *
 * <p>Registered by class name (no-argument constructor), it reads the udf's {@code sentiment.*} settings from the
 * job parameters ({@code pipeline.global-job-parameters}) when it opens; from Java, pass an
 * {@link InferenceConfig} to the constructor. Batches grow at most to
 * {@code table.exec.async-scalar.max-concurrent-operations} (default 10) per subtask: raise it to a few times
 * {@code sentiment.max-batch-size}.
 */
@FunctionHint(output = @DataTypeHint(value = "ROW<label STRING, score DOUBLE>", bridgedTo = RowData.class))
@PublicEvolving
public class SentimentFunction extends AsyncScalarFunction {

    private static final long serialVersionUID = 1L;

    /** The name the documentation registers it under. */
    public static final String NAME = "SENTIMENT";

    private final InferenceConfig config;

    private transient ScoringRuntime runtime;

    /** Settings from the job parameters (unset ones take the udf's defaults). */
    public SentimentFunction() {
        this.config = null;
    }

    /** These settings, whatever the job parameters say. */
    public SentimentFunction(InferenceConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        InferenceConfig settings = config != null ? config : fromJobParameters(context);
        runtime = ScoringRuntime.open(settings, context);
    }

    /** The {@code sentiment.*} job parameters, validated; an invalid one fails with its key and a fix. */
    static InferenceConfig fromJobParameters(FunctionContext context) {
        Configuration conf = new Configuration();
        for (ConfigOption<?> option : SentimentOptions.ALL) {
            String value = context.getJobParameter(option.key(), null);
            if (value != null) {
                conf.setString(option.key(), value);
            }
        }
        return InferenceConfig.from(conf);
    }

    /**
     * The result row is in Flink's internal format (RowData): Flink 2.2's async scalar runtime cannot convert a
     * NULL external Row, and a NULL RowData needs no conversion.
     */
    public void eval(CompletableFuture<RowData> result, String text) {
        runtime.scoreIfText(text).whenComplete((scored, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(
                        scored == null
                                ? null
                                : GenericRowData.of(StringData.fromString(scored.label()), scored.score()));
            }
        });
    }

    @Override
    public void close() throws Exception {
        if (runtime != null) { // null when open failed
            runtime.close();
        }
    }
}
