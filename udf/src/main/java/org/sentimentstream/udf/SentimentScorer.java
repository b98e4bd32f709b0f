package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.MicroBatcher;
import org.sentimentstream.udf.internal.ModelDirectory;
import org.sentimentstream.udf.internal.OnnxClassifier;
import org.sentimentstream.udf.internal.ReviewTokenizer;
import org.sentimentstream.udf.internal.TextReader;
import org.sentimentstream.udf.internal.TokenWindows;

import ai.onnxruntime.OrtException;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The scoring path shared by the streaming function, the SQL functions and the file commands: the caller's
 * thread prepares and tokenizes the text and cuts it into what the model reads ({@code sentiment.long-text}: one
 * sequence, or windows), a {@link MicroBatcher} thread batches those sequences with everyone else's and runs one
 * ONNX Runtime session, and the returned future completes with the {@link SentimentResult} once every window of
 * the text is scored. Thread-safe; close it to free the session and thread.
 */
@PublicEvolving
public final class SentimentScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentimentScorer.class);

    private final ModelDirectory model;
    private final ReviewTokenizer tokenizer;
    private final TextReader reader;
    private final OnnxClassifier classifier;
    private final MicroBatcher batcher;
    private final double multiLabelThreshold;

    private SentimentScorer(
            ModelDirectory model,
            ReviewTokenizer tokenizer,
            TextReader reader,
            OnnxClassifier classifier,
            InferenceConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.reader = reader;
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
        TextReader reader;
        try {
            reader = TextReader.of(config, tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
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
        SentimentScorer scorer = new SentimentScorer(model, tokenizer, reader, classifier, config);
        LOG.info(
                "Opened model {} with {} intra-op threads, batches of <= {} texts / {} tokens, delay {}; long texts: {}",
                model.identity(),
                classifier.threads(),
                config.maxBatchSize(),
                config.maxBatchTokens(),
                config.maxBatchDelay(),
                scorer.reader);
        return scorer;
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

    /**
     * Prepares and tokenizes the text on the calling thread and queues its windows; never waits for inference. The
     * future completes once, when the last window is scored, or with the first window's error.
     */
    public CompletableFuture<SentimentResult> score(String text, InferenceListener listener) {
        TokenWindows windows;
        try {
            windows = reader.read(text);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (windows.count() == 1) {
            return batcher.submit(windows.windows().get(0), listener).thenApply(logits -> result(logits, windows));
        }
        List<CompletableFuture<float[]>> parts = new ArrayList<>(windows.count());
        windows.windows().forEach(window -> parts.add(batcher.submit(window, listener)));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<float[]> logits = new ArrayList<>(parts.size());
            parts.forEach(part -> logits.add(part.join()));
            return result(windows.combine(logits), windows);
        });
    }

    private SentimentResult result(float[] logits, TokenWindows windows) {
        return model.multiLabel()
                ? SentimentResult.multiLabel(
                        model.labels(),
                        logits,
                        multiLabelThreshold,
                        windows.tokens(),
                        windows.count(),
                        windows.truncated(),
                        model.identity())
                : new SentimentResult(
                        model.labels(),
                        logits,
                        windows.tokens(),
                        windows.count(),
                        windows.truncated(),
                        model.identity());
    }

    /**
     * Token ids of the first sequence the model reads for a text (all of it, for a text that fits one), its special
     * tokens (e.g. [CLS] and [SEP]) included.
     */
    public long[] tokenIds(String text) {
        return reader.read(text).windows().get(0).ids().clone();
    }

    /**
     * Token ids of every sequence the model reads for a text, in order: one for a text that fits, its windows for a
     * longer one ({@code sentiment.long-text}), special tokens included. What a benchmark or a check needs to see a
     * text exactly as the scorer does.
     */
    public List<long[]> sequences(String text) {
        List<long[]> sequences = new ArrayList<>();
        reader.read(text).windows().forEach(window -> sequences.add(window.ids().clone()));
        return sequences;
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
