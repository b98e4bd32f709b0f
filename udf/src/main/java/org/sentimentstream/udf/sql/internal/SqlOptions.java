package org.sentimentstream.udf.sql.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.OptionDocs;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SettingSurface;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.util.List;
import java.util.Map;

/**
 * The options of a {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}: the udf's {@link SentimentOptions}
 * under their {@link SettingSurface#SQL_OPTION SQL names} ({@code 'max-batch-size'} for
 * {@code sentiment.max-batch-size}), validated by {@link InferenceConfig}, with errors that name the SQL option.
 */
@Internal
public final class SqlOptions {

    /** The model options as Flink's factory helper validates them: string-typed, under their SQL names. */
    public static final List<ConfigOption<?>> MODEL_OPTIONS = SentimentOptions.ALL.stream()
            .<ConfigOption<?>>map(o -> ConfigOptions.key(SettingSurface.SQL_OPTION.nameOf(o))
                    .stringType()
                    .noDefaultValue()
                    .withDescription(o.description()))
            .toList();

    private SqlOptions() {}

    /**
     * Validates the model options into an inference config.
     *
     * @throws InvalidSettingException naming the SQL option, with a fix
     */
    public static InferenceConfig toInferenceConfig(Map<String, String> modelOptions) {
        Configuration conf = new Configuration();
        for (ConfigOption<?> option : SentimentOptions.ALL) {
            String value = modelOptions.get(SettingSurface.SQL_OPTION.nameOf(option));
            if (value != null) {
                conf.setString(option.key(), value);
            }
        }
        try {
            return InferenceConfig.from(conf);
        } catch (InvalidSettingException e) {
            throw e.on(SettingSurface.SQL_OPTION);
        }
    }

    /** The options table of docs/sql.md (SqlDocsTest keeps it in sync). */
    public static String markdownTable() {
        return OptionDocs.markdownTable(
                SentimentOptions.ALL,
                List.of(
                        OptionDocs.nameColumn("Model option", SettingSurface.SQL_OPTION, true),
                        OptionDocs.nameColumn("`SENTIMENT()` job parameter", SettingSurface.FLINK_KEY, false),
                        OptionDocs.DEFAULT,
                        OptionDocs.DESCRIPTION));
    }
}
