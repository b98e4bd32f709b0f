package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.sql.internal.OutputColumns;
import org.sentimentstream.udf.sql.internal.SqlOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code 'onnx'} model provider of Flink SQL's {@code ML_PREDICT}: DistilBERT-style sequence classification
 * with ONNX Runtime in the TaskManager, micro-batched across rows on the same per-slot (or shared) session as the
 * DataStream {@link org.sentimentstream.udf.SentimentAsyncFunction}.
 *
 * <pre>{@code
 * CREATE MODEL review_sentiment
 *   INPUT (text STRING)
 *   OUTPUT (label STRING, score DOUBLE)
 *   WITH ('provider' = 'onnx', 'model' = 'hf:optimum/distilbert-base-uncased-finetuned-sst-2-english',
 *         'max-batch-size' = '32');
 * SELECT id, text, label, score
 * FROM ML_PREDICT(TABLE reviews, MODEL review_sentiment, DESCRIPTOR(text),
 *                 MAP['max-concurrent-operations', '64']);
 * }</pre>
 *
 * <p>The options are the udf's {@link org.sentimentstream.udf.SentimentOptions} without the {@code sentiment.}
 * prefix; OUTPUT may hold any of {@link OutputColumns.Column}. Both are checked when a query that uses the model
 * is planned, with errors that name the option or column. Discovered through {@code META-INF/services}.
 */
@PublicEvolving
public final class OnnxModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "onnx";

    /** Optional; Flink's convention for what a model does. This provider only classifies. */
    public static final ConfigOption<String> TASK = ConfigOptions.key("task")
            .stringType()
            .defaultValue("classification")
            .withDescription("What the model does; only 'classification' is supported.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>(SqlOptions.MODEL_OPTIONS);
        options.add(TASK);
        return options;
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate(); // unknown keys, with the list of supported ones
        String name = context.getObjectIdentifier().asSummaryString();
        ResolvedCatalogModel model = context.getCatalogModel();
        String task = helper.getOptions().get(TASK);
        if (!"classification".equalsIgnoreCase(task.trim())) {
            throw new ValidationException(String.format(
                    "Model %s: invalid model option 'task': '%s' is not"
                            + " supported. Fix: leave it out, or use 'classification'.",
                    name, task));
        }
        InferenceConfig config;
        try {
            config = SqlOptions.toInferenceConfig(model.getOptions());
        } catch (InvalidSettingException e) {
            throw new ValidationException("Model " + name + ": " + e.getMessage(), e);
        }
        OutputColumns columns = OutputColumns.of(name, model.getResolvedInputSchema(), model.getResolvedOutputSchema());
        return new OnnxModelProvider(config, columns);
    }
}
