package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.MicroBatcher;
import org.sentimentstream.udf.internal.ModelDirectory;
import org.sentimentstream.udf.internal.OnnxClassifier;
import org.sentimentstream.udf.internal.ReviewTokenizer;
import org.sentimentstream.udf.internal.TokenizedText;

import ai.onnxruntime.OrtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The scoring path shared by the streaming function, the SQL functions and the file commands: the caller's
 * thread tokenizes, a {@link MicroBatcher} thread batches and runs one ONNX Runtime session, and the returned
 * future completes with the {@link SentimentResult}. Thread-safe; close it to free the session and thread.
 */
public final class SentimentScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentimentScorer.class);

    private final ModelDirectory model;
    private final ReviewTokenizer tokenizer;
    private final OnnxClassifier classifier;
    private final MicroBatcher batcher;
    private final double multiLabelThreshold;

    private SentimentScorer(
            ModelDirectory model, ReviewTokenizer tokenizer, OnnxClassifier classifier, InferenceConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.classifier = classifier;
        this.multiLabelThreshold = config.multiLabelThreshold();
        this.batcher = new MicroBatcher("sentiment-batcher-" + model.identity(), classifier::classify, config);
    }

    /**
     * Resolves the model (downloading or fetching it if needed), checks it against the model contract and opens
     * the session with {@code intraOpThreads} threads.
     */
    public static SentimentScorer open(InferenceConfig config, int intraOpThreads) throws IOException {
        ModelResolver.ResolvedModel resolved = ModelResolver.forConfig(config).resolve(config.model());
        ModelDirectory model = ModelDirectory.read(resolved.dir(), resolved.name());
        if (config.maxSequenceLength() > model.maxPositions()) {
            throw new InvalidSettingException(
                    SentimentOptions.MAX_SEQUENCE_LENGTH,
                    config.maxSequenceLength() + " is more than the model's position limit (" + model.maxPositions()
                            + ", max_position_embeddings in " + model.dir().resolve("config.json") + ")",
                    "use at most " + model.maxPositions());
        }
        ReviewTokenizer tokenizer = ReviewTokenizer.open(model.tokenizerFile(), config.maxSequenceLength());
        OnnxClassifier classifier;
        try {
            classifier = OnnxClassifier.open(model, Math.max(1, intraOpThreads), config.intraOpSpinning());
        } catch (OrtException e) {
            tokenizer.close();
            throw new IOException(e);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        LOG.info(
                "Opened model {} with {} intra-op threads, batches of <= {} texts / {} tokens, delay {}",
                model.identity(),
                classifier.threads(),
                config.maxBatchSize(),
                config.maxBatchTokens(),
                config.maxBatchDelay());
        return new SentimentScorer(model, tokenizer, classifier, config);
    }

    /** Opens with the default thread count for a scorer that has the whole machine. */
    public static SentimentScorer open(InferenceConfig config) throws IOException {
        return open(
                config,
                config.intraOpThreads() > 0
                        ? config.intraOpThreads()
                        : Runtime.getRuntime().availableProcessors());
    }

    /** Whether a text is scored at all, in every surface: null, empty and whitespace-only texts are not. */
    public static boolean isScorable(String text) {
        return text != null && !text.isBlank();
    }

    public CompletableFuture<SentimentResult> score(String text) {
        return score(text, InferenceListener.NOOP);
    }

    /** Tokenizes on the calling thread and queues the text; never waits for inference. */
    public CompletableFuture<SentimentResult> score(String text, InferenceListener listener) {
        TokenizedText tokens;
        try {
            tokens = tokenizer.encode(text);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.submit(tokens, listener).thenApply(logits -> result(logits, tokens));
    }

    private SentimentResult result(float[] logits, TokenizedText tokens) {
        return model.multiLabel()
                ? SentimentResult.multiLabel(
                        model.labels(),
                        logits,
                        multiLabelThreshold,
                        tokens.length(),
                        tokens.truncated(),
                        model.identity())
                : new SentimentResult(model.labels(), logits, tokens.length(), tokens.truncated(), model.identity());
    }

    /** Token ids the model sees for a text, its special tokens (e.g. [CLS] and [SEP]) included. */
    public long[] tokenIds(String text) {
        return tokenizer.encode(text).ids().clone();
    }

    /** Name and short sha256 of the model, as carried by every result. */
    public String modelIdentity() {
        return model.identity();
    }

    public List<String> labels() {
        return model.labels();
    }

    public int intraOpThreads() {
        return classifier.threads();
    }

    /** Texts queued and not yet in a batch. */
    public int queued() {
        return batcher.queued();
    }

    /** Whether the batcher thread is alive: false once closed. */
    public boolean isRunning() {
        return batcher.isRunning();
    }

    /** Scores what is queued, then frees the thread, the session and the tokenizer. */
    @Override
    public void close() throws Exception {
        try {
            batcher.close();
        } finally {
            try {
                classifier.close();
            } finally {
                tokenizer.close();
            }
        }
    }
}
