package org.sentimentstream.udf;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Validated, immutable settings of the inference library. Build it with {@link #builder()} or from Flink
 * configuration with {@link #fromConfiguration(ReadableConfig)}; an invalid value fails at once with a
 * message that names the setting and the fix.
 */
public final class InferenceConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String model;
    private final String modelSha256;
    private final String modelCacheDir;
    private final int maxSequenceLength;
    private final int maxBatchSize;
    private final Duration maxBatchDelay;
    private final int maxBatchTokens;
    private final int[] lengthBuckets;
    private final int intraOpThreads;
    private final boolean intraOpSpinning;
    private final SentimentOptions.SessionSharing sessionSharing;

    private InferenceConfig(Configuration c) {
        this.model = c.get(SentimentOptions.MODEL);
        this.modelSha256 = c.get(SentimentOptions.MODEL_SHA256);
        this.modelCacheDir = c.get(SentimentOptions.MODEL_CACHE_DIR);
        this.maxSequenceLength = c.get(SentimentOptions.MAX_SEQUENCE_LENGTH);
        this.maxBatchSize = c.get(SentimentOptions.MAX_BATCH_SIZE);
        this.maxBatchDelay = c.get(SentimentOptions.MAX_BATCH_DELAY);
        this.maxBatchTokens = c.get(SentimentOptions.MAX_BATCH_TOKENS);
        this.lengthBuckets = parseBuckets(c.get(SentimentOptions.LENGTH_BUCKETS));
        this.intraOpThreads = c.get(SentimentOptions.INTRA_OP_THREADS);
        this.intraOpSpinning = c.get(SentimentOptions.INTRA_OP_SPINNING);
        this.sessionSharing = c.get(SentimentOptions.SESSION_SHARING);
        validate();
    }

    /** Reads the {@link SentimentOptions} from Flink configuration, failing fast on invalid values. */
    public static InferenceConfig fromConfiguration(ReadableConfig config) {
        try {
            Configuration copy = new Configuration();
            for (ConfigOption<?> option : allOptions()) {
                copyOption(config, copy, option); // Flink parses string values here
            }
            return new InferenceConfig(copy);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSettingException) {
                throw e;
            }
            // Flink's own parse errors ("Could not parse value '...' for key '...'") already name the key.
            throw new InvalidSettingException(e.getMessage() + " Fix: give it a value of the setting's type.", e);
        }
    }

    public static ConfigOption<?>[] allOptions() {
        return new ConfigOption<?>[] {
            SentimentOptions.MODEL,
            SentimentOptions.MODEL_SHA256,
            SentimentOptions.MODEL_CACHE_DIR,
            SentimentOptions.MAX_SEQUENCE_LENGTH,
            SentimentOptions.MAX_BATCH_SIZE,
            SentimentOptions.MAX_BATCH_DELAY,
            SentimentOptions.MAX_BATCH_TOKENS,
            SentimentOptions.LENGTH_BUCKETS,
            SentimentOptions.INTRA_OP_THREADS,
            SentimentOptions.INTRA_OP_SPINNING,
            SentimentOptions.SESSION_SHARING
        };
    }

    private static <T> void copyOption(ReadableConfig from, Configuration to, ConfigOption<T> option) {
        from.getOptional(option).ifPresent(value -> to.set(option, value));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.conf.addAll(toConfiguration());
        return b;
    }

    public Configuration toConfiguration() {
        Configuration c = new Configuration();
        c.set(SentimentOptions.MODEL, model);
        if (modelSha256 != null) {
            c.set(SentimentOptions.MODEL_SHA256, modelSha256);
        }
        if (modelCacheDir != null) {
            c.set(SentimentOptions.MODEL_CACHE_DIR, modelCacheDir);
        }
        c.set(SentimentOptions.MAX_SEQUENCE_LENGTH, maxSequenceLength);
        c.set(SentimentOptions.MAX_BATCH_SIZE, maxBatchSize);
        c.set(SentimentOptions.MAX_BATCH_DELAY, maxBatchDelay);
        c.set(SentimentOptions.MAX_BATCH_TOKENS, maxBatchTokens);
        c.set(SentimentOptions.LENGTH_BUCKETS, bucketsString());
        c.set(SentimentOptions.INTRA_OP_THREADS, intraOpThreads);
        c.set(SentimentOptions.INTRA_OP_SPINNING, intraOpSpinning);
        c.set(SentimentOptions.SESSION_SHARING, sessionSharing);
        return c;
    }

    private void validate() {
        require(!model.isBlank(), SentimentOptions.MODEL, "must not be blank",
                "set it to a model directory, hf:<repo>[@revision] or a file system URI");
        require(modelSha256 == null || modelSha256.matches("[0-9a-fA-F]{64}"), SentimentOptions.MODEL_SHA256,
                "must be 64 hex characters, was '" + modelSha256 + "'",
                "use the output of `sha256sum model.onnx`, or leave it unset");
        require(maxSequenceLength >= 3 && maxSequenceLength <= 512, SentimentOptions.MAX_SEQUENCE_LENGTH,
                "must be between 3 and 512, was " + maxSequenceLength,
                "use 128 (the SST-2 fine-tuning length) or another value up to the model's position limit");
        require(maxBatchSize >= 1 && maxBatchSize <= 4096, SentimentOptions.MAX_BATCH_SIZE,
                "must be between 1 and 4096, was " + maxBatchSize, "use e.g. 16");
        require(!maxBatchDelay.isNegative() && maxBatchDelay.compareTo(Duration.ofMinutes(1)) <= 0,
                SentimentOptions.MAX_BATCH_DELAY, "must be between 0 ms and 1 min, was " + maxBatchDelay,
                "use e.g. 10 ms");
        require(maxBatchTokens >= maxSequenceLength, SentimentOptions.MAX_BATCH_TOKENS,
                "must be at least sentiment.max-sequence-length (" + maxSequenceLength + "), was "
                        + maxBatchTokens,
                "raise it, so that one text of the longest length fits in a batch");
        require(intraOpThreads >= 0 && intraOpThreads <= 1024, SentimentOptions.INTRA_OP_THREADS,
                "must be 0 (automatic) or a positive thread count, was " + intraOpThreads, "use 0");
    }

    private static int[] parseBuckets(String spec) {
        if (spec == null || spec.isBlank()) {
            return new int[0];
        }
        int[] buckets;
        try {
            buckets = Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw invalid(SentimentOptions.LENGTH_BUCKETS, "must be a comma-separated list of token counts, was '"
                    + spec + "'", "use e.g. 16,32,64, or an empty value for no buckets");
        }
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] < 1 || (i > 0 && buckets[i] <= buckets[i - 1])) {
                throw invalid(SentimentOptions.LENGTH_BUCKETS, "must be positive and strictly ascending, was '"
                        + spec + "'", "use e.g. 16,32,64");
            }
        }
        return buckets;
    }

    private static void require(boolean ok, ConfigOption<?> option, String problem, String fix) {
        if (!ok) {
            throw invalid(option, problem, fix);
        }
    }

    static InvalidSettingException invalid(ConfigOption<?> option, String problem, String fix) {
        return new InvalidSettingException("Invalid setting '" + option.key() + "': " + problem + ". Fix: " + fix + ".");
    }

    private String bucketsString() {
        return String.join(",", Arrays.stream(lengthBuckets).mapToObj(Integer::toString).toArray(String[]::new));
    }

    public String model() {
        return model;
    }

    public String modelSha256() {
        return modelSha256;
    }

    public String modelCacheDir() {
        return modelCacheDir;
    }

    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public Duration maxBatchDelay() {
        return maxBatchDelay;
    }

    public int maxBatchTokens() {
        return maxBatchTokens;
    }

    public int[] lengthBuckets() {
        return lengthBuckets.clone();
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    public boolean intraOpSpinning() {
        return intraOpSpinning;
    }

    public SentimentOptions.SessionSharing sessionSharing() {
        return sessionSharing;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InferenceConfig)) {
            return false;
        }
        InferenceConfig that = (InferenceConfig) o;
        return maxSequenceLength == that.maxSequenceLength
                && maxBatchSize == that.maxBatchSize
                && maxBatchTokens == that.maxBatchTokens
                && intraOpThreads == that.intraOpThreads
                && intraOpSpinning == that.intraOpSpinning
                && model.equals(that.model)
                && Objects.equals(modelSha256, that.modelSha256)
                && Objects.equals(modelCacheDir, that.modelCacheDir)
                && maxBatchDelay.equals(that.maxBatchDelay)
                && Arrays.equals(lengthBuckets, that.lengthBuckets)
                && sessionSharing == that.sessionSharing;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, maxSequenceLength, maxBatchSize, maxBatchDelay, maxBatchTokens, intraOpThreads, intraOpSpinning,
                sessionSharing, Arrays.hashCode(lengthBuckets));
    }

    @Override
    public String toString() {
        return toConfiguration().toMap().toString();
    }

    /** Builder over the {@link SentimentOptions}; {@link #build()} validates. */
    public static final class Builder {
        private final Configuration conf = new Configuration();

        public Builder model(String model) {
            conf.set(SentimentOptions.MODEL, model);
            return this;
        }

        public Builder modelSha256(String sha256) {
            conf.set(SentimentOptions.MODEL_SHA256, sha256);
            return this;
        }

        public Builder modelCacheDir(String dir) {
            conf.set(SentimentOptions.MODEL_CACHE_DIR, dir);
            return this;
        }

        public Builder maxSequenceLength(int tokens) {
            conf.set(SentimentOptions.MAX_SEQUENCE_LENGTH, tokens);
            return this;
        }

        public Builder maxBatchSize(int size) {
            conf.set(SentimentOptions.MAX_BATCH_SIZE, size);
            return this;
        }

        public Builder maxBatchDelay(Duration delay) {
            conf.set(SentimentOptions.MAX_BATCH_DELAY, delay);
            return this;
        }

        public Builder maxBatchTokens(int tokens) {
            conf.set(SentimentOptions.MAX_BATCH_TOKENS, tokens);
            return this;
        }

        public Builder lengthBuckets(String buckets) {
            conf.set(SentimentOptions.LENGTH_BUCKETS, buckets);
            return this;
        }

        public Builder intraOpThreads(int threads) {
            conf.set(SentimentOptions.INTRA_OP_THREADS, threads);
            return this;
        }

        public Builder intraOpSpinning(boolean spinning) {
            conf.set(SentimentOptions.INTRA_OP_SPINNING, spinning);
            return this;
        }

        public Builder sessionSharing(SentimentOptions.SessionSharing sharing) {
            conf.set(SentimentOptions.SESSION_SHARING, sharing);
            return this;
        }

        public InferenceConfig build() {
            return fromConfiguration(conf);
        }
    }
}
