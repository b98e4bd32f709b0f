package org.sentimentstream.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.List;

/** How a review is read from a Kafka record value. */
public final class InputOptions {

    public static final ConfigOption<InputFormat> INPUT_FORMAT = ConfigOptions.key("sentiment.input-format")
            .enumType(InputFormat.class)
            .defaultValue(InputFormat.JSON)
            .withDescription("JSON: a JSON object per record, the review in the text field. TEXT: the"
                    + " whole value is the review, UTF-8.");

    public static final ConfigOption<String> TEXT_FIELD = ConfigOptions.key("sentiment.text-field")
            .stringType()
            .defaultValue("text")
            .withDescription("The JSON field holding the review text (JSON input).");

    public static final List<ConfigOption<?>> ALL = List.of(INPUT_FORMAT, TEXT_FIELD);

    /** Record value formats. */
    public enum InputFormat {
        JSON,
        TEXT
    }

    private InputOptions() {}
}
