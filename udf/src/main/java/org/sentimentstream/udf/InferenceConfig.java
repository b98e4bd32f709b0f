package org.sentimentstream.udf;

import org.sentimentstream.udf.SentimentOptions.LongText;
import org.sentimentstream.udf.SentimentOptions.SessionSharing;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.sentimentstream.udf.InvalidSettingException.require;
import static org.sentimentstream.udf.SentimentOptions.HEAD_TOKENS;
import static org.sentimentstream.udf.SentimentOptions.INTRA_OP_SPINNING;
import static org.sentimentstream.udf.SentimentOptions.INTRA_OP_THREADS;
import static org.sentimentstream.udf.SentimentOptions.LENGTH_BUCKETS;
import static org.sentimentstream.udf.SentimentOptions.LONG_TEXT;
import static org.sentimentstream.udf.SentimentOptions.MAX_BATCH_DELAY;
import static org.sentimentstream.udf.SentimentOptions.MAX_BATCH_SIZE;
import static org.sentimentstream.udf.SentimentOptions.MAX_BATCH_TOKENS;
import static org.sentimentstream.udf.SentimentOptions.MAX_SEQUENCE_LENGTH;
import static org.sentimentstream.udf.SentimentOptions.MAX_WINDOWS;
import static org.sentimentstream.udf.SentimentOptions.MODEL;
import static org.sentimentstream.udf.SentimentOptions.MODEL_CACHE_DIR;
import static org.sentimentstream.udf.SentimentOptions.MODEL_SHA256;
import static org.sentimentstream.udf.SentimentOptions.MODEL_UPDATE_ALLOW_LABEL_CHANGE;
import static org.sentimentstream.udf.SentimentOptions.MODEL_WATCH;
import static org.sentimentstream.udf.SentimentOptions.MULTI_LABEL_THRESHOLD;
import static org.sentimentstream.udf.SentimentOptions.SESSION_SHARING;
import static org.sentimentstream.udf.SentimentOptions.STRIP_HTML;
import static org.sentimentstream.udf.SentimentOptions.WARM_UP_ROUNDS;
import static org.sentimentstream.udf.SentimentOptions.WINDOW_OVERLAP;

/**
 * The validated settings of the inference library, one component per {@link SentimentOptions} option. Read it from
 * Flink configuration with {@link #from(ReadableConfig)}, or build it with {@link #builder()}; an invalid value fails
 * at construction with an {@link InvalidSettingException}. {@code modelSha256}, {@code modelCacheDir} and
 * {@code modelWatch} are null when
 * unset.
 */
@PublicEvolving
public record InferenceConfig(
        String model,
        String modelSha256,
        String modelCacheDir,
        Duration modelWatch,
        boolean allowLabelChange,
        int maxSequenceLength,
        LongText longText,
        int windowOverlap,
        int maxWindows,
        int headTokens,
        boolean stripHtml,
        int maxBatchSize,
        Duration maxBatchDelay,
        int maxBatchTokens,
        List<Integer> lengthBuckets,
        int intraOpThreads,
        boolean intraOpSpinning,
        SessionSharing sessionSharing,
        int warmUpRounds,
        double multiLabelThreshold)
        implements Serializable {

    public InferenceConfig {
        lengthBuckets = List.copyOf(lengthBuckets);
        require(
                !model.isBlank(),
                MODEL,
                "must not be blank",
                "set it to a model directory, hf:<repo>[@revision] or a file system URI");
        require(
                modelSha256 == null || modelSha256.matches("[0-9a-fA-F]{64}"),
                MODEL_SHA256,
                "must be 64 hex characters, was '" + modelSha256 + "'",
                "use the output of `sha256sum model.onnx`, or leave it unset");
        require(
                modelWatch == null || modelWatch.compareTo(Duration.ofSeconds(1)) >= 0,
                MODEL_WATCH,
                "must be at least 1 s, was " + OptionDocs.describe(modelWatch),
                "use e.g. 30 s, or leave it unset to turn watching off");
        require(
                warmUpRounds >= 0 && warmUpRounds <= 20,
                WARM_UP_ROUNDS,
                "must be between 0 and 20, was " + warmUpRounds,
                "use 1, or 0 to turn warm-up off");
        require(
                maxSequenceLength >= 3 && maxSequenceLength <= 512,
                MAX_SEQUENCE_LENGTH,
                "must be between 3 and 512, was " + maxSequenceLength,
                "use 128 (the SST-2 fine-tuning length) or another value up to the model's position limit");
        require(
                windowOverlap >= 0 && windowOverlap <= maxSequenceLength / 2,
                WINDOW_OVERLAP,
                "must be between 0 and half of {" + MAX_SEQUENCE_LENGTH.key() + "} (" + maxSequenceLength / 2
                        + "), was " + windowOverlap,
                "use 0, or e.g. 32 for windows of 128 tokens");
        require(
                maxWindows >= 1 && maxWindows <= 4096,
                MAX_WINDOWS,
                "must be between 1 and 4096, was " + maxWindows,
                "use e.g. 16");
        require(
                headTokens >= 0 && (longText != LongText.HEAD_TAIL || headTokens < maxSequenceLength - 2),
                HEAD_TOKENS,
                "must be at least 0 and less than {" + MAX_SEQUENCE_LENGTH.key() + "} - 2 (" + (maxSequenceLength - 2)
                        + "), was " + headTokens,
                "use about a quarter of {" + MAX_SEQUENCE_LENGTH.key() + "}, e.g. 32 for 128");
        require(
                maxBatchSize >= 1 && maxBatchSize <= 4096,
                MAX_BATCH_SIZE,
                "must be between 1 and 4096, was " + maxBatchSize,
                "use e.g. 16");
        require(
                !maxBatchDelay.isNegative() && maxBatchDelay.compareTo(Duration.ofMinutes(1)) <= 0,
                MAX_BATCH_DELAY,
                "must be between 0 ms and 1 min, was " + maxBatchDelay,
                "use e.g. 10 ms");
        require(
                maxBatchTokens >= maxSequenceLength,
                MAX_BATCH_TOKENS,
                "must be at least {" + MAX_SEQUENCE_LENGTH.key() + "} (" + maxSequenceLength + "), was "
                        + maxBatchTokens,
                "raise it, so that one text of the longest length fits in a batch");
        for (int i = 0; i < lengthBuckets.size(); i++) {
            require(
                    lengthBuckets.get(i) >= 1 && (i == 0 || lengthBuckets.get(i) > lengthBuckets.get(i - 1)),
                    LENGTH_BUCKETS,
                    "must be positive and strictly ascending, was '"
                            + lengthBuckets.stream().map(String::valueOf).collect(Collectors.joining(",")) + "'",
                    "use e.g. 16,32,64");
        }
        require(
                intraOpThreads >= 0 && intraOpThreads <= 1024,
                INTRA_OP_THREADS,
                "must be 0 (automatic) or a positive thread count, was " + intraOpThreads,
                "use 0");
        require(
                multiLabelThreshold > 0 && multiLabelThreshold < 1,
                MULTI_LABEL_THRESHOLD,
                "must be between 0 and 1 (exclusive), was " + multiLabelThreshold,
                "use e.g. 0.5");
    }

    /** This configuration with another number of warm-up rounds: 0 for a session that only checks the model. */
    public InferenceConfig withWarmUpRounds(int rounds) {
        return new InferenceConfig(
                model,
                modelSha256,
                modelCacheDir,
                modelWatch,
                allowLabelChange,
                maxSequenceLength,
                longText,
                windowOverlap,
                maxWindows,
                headTokens,
                stripHtml,
                maxBatchSize,
                maxBatchDelay,
                maxBatchTokens,
                lengthBuckets,
                intraOpThreads,
                intraOpSpinning,
                sessionSharing,
                rounds,
                multiLabelThreshold);
    }

    /** Reads the {@link SentimentOptions} (unset ones take their defaults) and validates them. */
    public static InferenceConfig from(ReadableConfig config) {
        return new InferenceConfig(
                read(config, MODEL),
                read(config, MODEL_SHA256),
                read(config, MODEL_CACHE_DIR),
                read(config, MODEL_WATCH),
                read(config, MODEL_UPDATE_ALLOW_LABEL_CHANGE),
                read(config, MAX_SEQUENCE_LENGTH),
                read(config, LONG_TEXT),
                read(config, WINDOW_OVERLAP),
                read(config, MAX_WINDOWS),
                read(config, HEAD_TOKENS),
                read(config, STRIP_HTML),
                read(config, MAX_BATCH_SIZE),
                read(config, MAX_BATCH_DELAY),
                read(config, MAX_BATCH_TOKENS),
                parseBuckets(read(config, LENGTH_BUCKETS)),
                read(config, INTRA_OP_THREADS),
                read(config, INTRA_OP_SPINNING),
                read(config, SESSION_SHARING),
                read(config, WARM_UP_ROUNDS),
                read(config, MULTI_LABEL_THRESHOLD));
    }

    /**
     * The value of an option, parsed by Flink; a value Flink cannot parse fails as an {@link InvalidSettingException}
     * that names the option.
     */
    public static <T> T read(ReadableConfig config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSettingException) {
                throw e;
            }
            Object example = option.hasDefaultValue() ? option.defaultValue() : null;
            throw new InvalidSettingException(
                    option,
                    "cannot read '" + config.toMap().get(option.key()) + "'",
                    example instanceof Enum<?> constant
                            ? "use one of "
                                    + Arrays.toString(
                                            constant.getDeclaringClass().getEnumConstants())
                            : example != null
                                    ? "give a value like the default, " + OptionDocs.describe(example)
                                    : "see the configuration reference for the kind of value it takes");
        }
    }

    private static List<Integer> parseBuckets(String spec) {
        List<Integer> buckets = new ArrayList<>();
        for (String bound : spec.isBlank() ? new String[0] : spec.split(",")) {
            try {
                buckets.add(Integer.parseInt(bound.trim()));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(
                        LENGTH_BUCKETS,
                        "must be a comma-separated list of token counts, was '" + spec + "'",
                        "use e.g. 16,32,64, or an empty value for no buckets");
            }
        }
        return buckets;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sets {@link SentimentOptions} by option; {@link #build()} validates. */
    public static final class Builder {
        private final Configuration conf = new Configuration();

        public Builder model(String model) {
            return set(MODEL, model);
        }

        public <T> Builder set(ConfigOption<T> option, T value) {
            conf.set(option, value);
            return this;
        }

        public InferenceConfig build() {
            return from(conf);
        }
    }
}
