package org.sentimentstream.udf.sql.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The options of a {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}: the udf's
 * {@link org.sentimentstream.udf.SentimentOptions} without their {@code sentiment.} prefix ({@code 'max-batch-size'}
 * for {@code sentiment.max-batch-size}), validated by {@link InferenceConfig}, with errors that name the SQL key.
 */
public final class SqlOptions {

    public static final String PREFIX = "sentiment.";

    /** The model options as the SQL layer spells them, in the order of {@link InferenceConfig#allOptions()}. */
    public static final List<ConfigOption<String>> MODEL_OPTIONS;

    static {
        List<ConfigOption<String>> options = new ArrayList<>();
        for (ConfigOption<?> option : InferenceConfig.allOptions()) {
            options.add(ConfigOptions.key(sqlKey(option)).stringType().noDefaultValue()
                    .withDescription(option.description()));
        }
        MODEL_OPTIONS = Collections.unmodifiableList(options);
    }

    private SqlOptions() {}

    /** {@code sentiment.max-batch-size} -> {@code max-batch-size}. */
    public static String sqlKey(ConfigOption<?> udfOption) {
        return udfOption.key().substring(PREFIX.length());
    }

    /**
     * Validates the model options (only the keys of {@link #MODEL_OPTIONS} are read) into an inference config.
     *
     * @throws InvalidSettingException naming the SQL key of the bad option, with a fix
     */
    public static InferenceConfig toInferenceConfig(Map<String, String> modelOptions) {
        Configuration conf = new Configuration();
        for (ConfigOption<?> option : InferenceConfig.allOptions()) {
            String value = modelOptions.get(sqlKey(option));
            if (value != null) {
                conf.setString(option.key(), value);
            }
        }
        try {
            return InferenceConfig.fromConfiguration(conf);
        } catch (InvalidSettingException e) {
            throw renamed(e);
        }
    }

    /** The same exception with every {@code sentiment.<key>} of its message spelt as the SQL model option. */
    public static InvalidSettingException renamed(InvalidSettingException e) {
        String message = e.getMessage();
        for (ConfigOption<?> option : InferenceConfig.allOptions()) {
            message = message.replace(option.key(), sqlKey(option));
        }
        message = message.replace("Invalid setting '", "Invalid model option '");
        return new InvalidSettingException(message, e.getCause());
    }

    /** An option's description as plain text. */
    public static String text(ConfigOption<?> option) {
        StringBuilder text = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (block instanceof TextElement) {
                text.append(((TextElement) block).getFormat());
            }
        }
        return text.toString().replaceAll("\\s+", " ").trim();
    }

    /** The options table of the README's Flink SQL section (SqlDocsTest keeps it in sync). */
    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| Model option | `SENTIMENT()` job parameter | Default | Description |\n");
        md.append("|---|---|---|---|\n");
        for (ConfigOption<?> option : InferenceConfig.allOptions()) {
            md.append("| `'").append(sqlKey(option)).append("'` | `").append(option.key()).append("` | ")
                    .append(option.hasDefaultValue() ? "`" + describe(option.defaultValue()) + "`" : "—")
                    .append(" | ").append(text(option).replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    private static String describe(Object value) {
        if (value instanceof Duration) {
            Duration d = (Duration) value;
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
        return String.valueOf(value);
    }
}
