package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Options of the inference library: where the model comes from, how text is tokenized, how records are
 * micro-batched and how ONNX Runtime runs. Settable from Flink configuration or the command line.
 */
@PublicEvolving
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

    public static final ConfigOption<Duration> MODEL_WATCH = ConfigOptions.key("sentiment.model-watch")
            .durationType()
            .noDefaultValue()
            .withDescription("Off when unset. When set, sentiment.model is a root of model versions,"
                    + " <root>/<version>/ each holding the three files, on a local path or any Flink file system,"
                    + " and every session checks it at this interval (at least 1 s). The version named in"
                    + " <root>/LATEST is used if that file exists, else the highest version (numbers compared as"
                    + " numbers). A new version is loaded beside the running one, checked, warmed up and scored on"
                    + " a canary set before it takes over between batches; one that fails any step is refused"
                    + " and the running model keeps serving.");

    public static final ConfigOption<Boolean> MODEL_UPDATE_ALLOW_LABEL_CHANGE = ConfigOptions.key(
                    "sentiment.model-update.allow-label-change")
            .booleanType()
            .defaultValue(false)
            .withDescription("Let a model update change the label set (id2label in config.json). Off: a new model"
                    + " whose labels differ from the running model's is refused. On: records scored after the"
                    + " swap carry the new model's labels and probabilities, and its identity.");

    public static final ConfigOption<Integer> WARM_UP_ROUNDS = ConfigOptions.key("sentiment.warm-up-rounds")
            .intType()
            .defaultValue(1)
            .withDescription("Rounds of warm-up batches run on every new session (start, restart, rescale, model"
                    + " update) before it takes records; each round runs one batch per typical shape the batcher"
                    + " forms (short and full-length texts, one text and a full batch). 0 turns warm-up off. At"
                    + " most 20.");

    public static final ConfigOption<Integer> MAX_SEQUENCE_LENGTH = ConfigOptions.key("sentiment.max-sequence-length")
            .intType()
            .defaultValue(128)
            .withDescription("Tokens in one sequence the model reads, its special tokens (e.g. [CLS] and [SEP])"
                    + " included; at most the model's position limit. A longer text is read as long-text says.");

    public static final ConfigOption<LongText> LONG_TEXT = ConfigOptions.key("sentiment.long-text")
            .enumType(LongText.class)
            .defaultValue(LongText.WINDOWS)
            .withDescription("How a text longer than max-sequence-length tokens is read. windows: the whole text,"
                    + " in the fewest windows of at most max-sequence-length tokens (each with the model's special"
                    + " tokens), of near-equal length and overlapping by window-overlap tokens; every window is"
                    + " scored and the text's logits are the mean of the windows' logits, each weighted by its own"
                    + " tokens. head-tail: one sequence of the first head-tokens and the last tokens of the text."
                    + " truncate: the first max-sequence-length tokens. A text that fits one sequence is scored"
                    + " alike by all three.");

    public static final ConfigOption<Integer> WINDOW_OVERLAP = ConfigOptions.key("sentiment.window-overlap")
            .intType()
            .defaultValue(0)
            .withDescription("Tokens that consecutive windows share (long-text windows), so that a sentence cut at"
                    + " a window's edge is read whole in one of them. At least 0, at most half of"
                    + " max-sequence-length.");

    public static final ConfigOption<Integer> MAX_WINDOWS = ConfigOptions.key("sentiment.max-windows")
            .intType()
            .defaultValue(16)
            .withDescription("Most windows scored per text (long-text windows): bounds the work of one very long"
                    + " text. A text that needs more has its first max-windows - 1 windows and its last one"
                    + " scored, and is flagged truncated. Between 1 and 4096.");

    public static final ConfigOption<Integer> HEAD_TOKENS = ConfigOptions.key("sentiment.head-tokens")
            .intType()
            .defaultValue(32)
            .withDescription("Tokens from the start of a long text in its one sequence (long-text head-tail); the"
                    + " rest of the sequence is the text's end. At least 0, less than max-sequence-length"
                    + " minus the model's special tokens.");

    public static final ConfigOption<Boolean> STRIP_HTML = ConfigOptions.key("sentiment.strip-html")
            .booleanType()
            .defaultValue(true)
            .withDescription("Turn HTML markup into plain text before tokenization: line breaks (<br />) and other"
                    + " tags become spaces, entities (&amp;, &#39;) their characters. A text without '<' or '&' is"
                    + " left exactly as it is.");

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
                    + " form large batches, long ones small.");

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
            .withDescription("Let ONNX Runtime's idle intra-op threads busy-wait for work (ONNX Runtime's own"
                    + " default). Off by default: on a TaskManager they share the cores with Flink's threads and"
                    + " the tokenizer.");

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
            MODEL_WATCH,
            MODEL_UPDATE_ALLOW_LABEL_CHANGE,
            MAX_SEQUENCE_LENGTH,
            LONG_TEXT,
            WINDOW_OVERLAP,
            MAX_WINDOWS,
            HEAD_TOKENS,
            STRIP_HTML,
            MAX_BATCH_SIZE,
            MAX_BATCH_DELAY,
            MAX_BATCH_TOKENS,
            LENGTH_BUCKETS,
            INTRA_OP_THREADS,
            INTRA_OP_SPINNING,
            SESSION_SHARING,
            WARM_UP_ROUNDS,
            MULTI_LABEL_THRESHOLD);

    /**
     * How a text longer than one sequence is read. Its string form is the value users write ({@code head-tail}),
     * which Flink's configuration parses case-insensitively.
     */
    public enum LongText {
        TRUNCATE("truncate"),
        HEAD_TAIL("head-tail"),
        WINDOWS("windows");

        private final String value;

        LongText(String value) {
            this.value = value;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** How ONNX Runtime sessions are shared among the parallel subtasks of one TaskManager. */
    public enum SessionSharing {
        PER_SLOT,
        SHARED
    }

    private SentimentOptions() {}
}
