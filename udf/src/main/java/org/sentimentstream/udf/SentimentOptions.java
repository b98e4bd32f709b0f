package org.sentimentstream.udf;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Options of the inference library: where the model comes from, how text is tokenized, how records are
 * micro-batched and how ONNX Runtime runs. Settable from Flink configuration or the command line.
 */
public final class SentimentOptions {

    public static final String DEFAULT_MODEL = "hf:optimum/distilbert-base-uncased-finetuned-sst-2-english";

    public static final ConfigOption<String> MODEL = ConfigOptions.key("sentiment.model")
            .stringType()
            .defaultValue(DEFAULT_MODEL)
            .withDescription("The model: a local directory, 'hf:<repo>[@revision]' (downloaded from the Hugging Face"
                    + " hub into the model cache, reused offline), or a Flink file system URI"
                    + " (s3://, hdfs://, file://) that each TaskManager fetches. The directory holds"
                    + " model.onnx, tokenizer.json and config.json.");

    public static final ConfigOption<String> MODEL_SHA256 = ConfigOptions.key("sentiment.model-sha256")
            .stringType()
            .noDefaultValue()
            .withDescription("Expected sha256 (hex) of model.onnx. When set, a model whose file differs is refused.");

    public static final ConfigOption<String> MODEL_CACHE_DIR = ConfigOptions.key("sentiment.model-cache-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where downloaded and fetched models are kept. Default: $SENTIMENT_MODEL_CACHE, else"
                    + " ~/.cache/sentiment-stream/models.");

    public static final ConfigOption<Integer> MAX_SEQUENCE_LENGTH = ConfigOptions.key("sentiment.max-sequence-length")
            .intType()
            .defaultValue(128)
            .withDescription("Tokens per text including [CLS] and [SEP]; longer texts are truncated and flagged."
                    + " 128 is the SST-2 fine-tuning length; at most the model's position limit.");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE = ConfigOptions.key("sentiment.max-batch-size")
            .intType()
            .defaultValue(64)
            .withDescription("Most texts in one ONNX Runtime call: a cap beside the padded-token budget, which"
                    + " sizes the batches.");

    public static final ConfigOption<Duration> MAX_BATCH_DELAY = ConfigOptions.key("sentiment.max-batch-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time the oldest waiting text is held back to let a batch fill up.");

    public static final ConfigOption<Integer> MAX_BATCH_TOKENS = ConfigOptions.key("sentiment.max-batch-tokens")
            .intType()
            .defaultValue(512)
            .withDescription("Most padded tokens (batch size x longest text) in one ONNX Runtime call: short texts"
                    + " form large batches, long ones small. Between the budgets measured best on 2 cores"
                    + " for short and for long texts, with the compact int8 model and the DistilBERT-base"
                    + " shape (docs/benchmarks.md, calibration).");

    public static final ConfigOption<String> LENGTH_BUCKETS = ConfigOptions.key("sentiment.length-buckets")
            .stringType()
            .defaultValue("")
            .withDescription("Token-length boundaries, comma-separated, ascending: a batch never mixes texts from"
                    + " different buckets. Empty (no buckets): batches are cut from the waiting texts sorted by"
                    + " length, where they pad least, which keeps padding low without splitting them further.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOptions.key("sentiment.intra-op-threads")
            .intType()
            .defaultValue(0)
            .withDescription("ONNX Runtime threads per session. 0 = the TaskManager's cores divided by its task"
                    + " slots (all cores for a shared session).");

    public static final ConfigOption<Boolean> INTRA_OP_SPINNING = ConfigOptions.key("sentiment.intra-op-spinning")
            .booleanType()
            .defaultValue(false)
            .withDescription("Let ONNX Runtime's idle intra-op threads busy-wait for work (its own default). Off,"
                    + " because on a TaskManager they share the cores with Flink's threads and the"
                    + " tokenizer: measured with 2 threads on 2 busy cores, spinning cost up to a"
                    + " third of the throughput.");

    public static final ConfigOption<SessionSharing> SESSION_SHARING = ConfigOptions.key("sentiment.session-sharing")
            .enumType(SessionSharing.class)
            .defaultValue(SessionSharing.PER_SLOT)
            .withDescription("PER_SLOT: one ONNX Runtime session per parallel subtask. SHARED: one"
                    + " reference-counted session per TaskManager JVM, saving memory.");

    public static final ConfigOption<Double> MULTI_LABEL_THRESHOLD = ConfigOptions.key(
                    "sentiment.multi-label-threshold")
            .doubleType()
            .defaultValue(0.5)
            .withDescription("For multi-label models (config.json problem_type multi_label_classification): the"
                    + " sigmoid probability a label must pass to be among a text's labels.");

    /** Every option, in the order of the configuration reference. */
    public static final List<ConfigOption<?>> ALL = List.of(
            MODEL,
            MODEL_SHA256,
            MODEL_CACHE_DIR,
            MAX_SEQUENCE_LENGTH,
            MAX_BATCH_SIZE,
            MAX_BATCH_DELAY,
            MAX_BATCH_TOKENS,
            LENGTH_BUCKETS,
            INTRA_OP_THREADS,
            INTRA_OP_SPINNING,
            SESSION_SHARING,
            MULTI_LABEL_THRESHOLD);

    /** How ONNX Runtime sessions are shared among the parallel subtasks of one TaskManager. */
    public enum SessionSharing {
        PER_SLOT,
        SHARED
    }

    private SentimentOptions() {}
}
