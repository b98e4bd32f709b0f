package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InferenceListener;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.ModelResolver;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentResult;

import ai.onnxruntime.OrtException;
import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One model, open: its files checked against the model contract, its tokenizer, its ONNX Runtime session warmed up,
 * and the {@link MicroBatcher} thread that feeds the session. A scorer holds one at a time and replaces it whole when
 * the model is updated, so that a text is read and scored by one model from its first window to its last.
 */
@Internal
public final class ModelSession implements AutoCloseable {

    private final ModelAnnouncement announcement;
    private final ModelDirectory model;
    private final ReviewTokenizer tokenizer;
    private final TextReader reader;
    private final OnnxClassifier classifier;
    private final MicroBatcher batcher;
    private final double multiLabelThreshold;
    private final long warmUpMillis;
    private final AtomicBoolean resourcesClosed = new AtomicBoolean();

    private ModelSession(
            ModelAnnouncement announcement,
            ModelDirectory model,
            ReviewTokenizer tokenizer,
            TextReader reader,
            OnnxClassifier classifier,
            InferenceConfig config,
            long warmUpMillis) {
        this.announcement = announcement;
        this.model = model;
        this.tokenizer = tokenizer;
        this.reader = reader;
        this.classifier = classifier;
        this.multiLabelThreshold = config.multiLabelThreshold();
        this.warmUpMillis = warmUpMillis;
        this.batcher = new MicroBatcher("sentiment-batcher-" + model.identity(), classifier::classify, config);
    }

    /**
     * Resolves the announced model (downloading or fetching it if needed, checking its sha256 when given), checks it
     * against the model contract, opens the session with {@code intraOpThreads} threads and warms it up.
     */
    public static ModelSession open(InferenceConfig config, ModelAnnouncement announcement, int intraOpThreads)
            throws IOException {
        ModelResolver.ResolvedModel resolved =
                new ModelResolver(ModelResolver.cacheDir(config), announcement.sha256()).resolve(announcement.model());
        ModelDirectory model = ModelDirectory.read(resolved.dir(), resolved.name());
        if (config.maxSequenceLength() > model.maxPositions()) {
            throw new InvalidSettingException(
                    SentimentOptions.MAX_SEQUENCE_LENGTH,
                    config.maxSequenceLength() + " is more than the model's position limit (" + model.maxPositions()
                            + ", max_position_embeddings in " + model.dir().resolve("config.json") + ")",
                    "use at most " + model.maxPositions());
        }
        ReviewTokenizer tokenizer = ReviewTokenizer.open(model.tokenizerFile(), config.maxSequenceLength());
        OnnxClassifier classifier = null;
        try {
            TextReader reader = TextReader.of(config, tokenizer);
            classifier = OnnxClassifier.open(model, Math.max(1, intraOpThreads), config.intraOpSpinning());
            long warmUpMillis = SessionWarmUp.run(classifier, reader, config);
            return new ModelSession(announcement, model, tokenizer, reader, classifier, config, warmUpMillis);
        } catch (OrtException e) {
            closeQuietly(classifier, e);
            tokenizer.close();
            throw new IOException(e);
        } catch (RuntimeException e) {
            closeQuietly(classifier, e);
            tokenizer.close();
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable resource, Exception primary) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * Reads the text on the calling thread and queues its sequences; the future completes when the last one is
     * scored, or with the first one's error.
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

    public TextReader reader() {
        return reader;
    }

    public ModelAnnouncement announcement() {
        return announcement;
    }

    public String identity() {
        return model.identity();
    }

    public List<String> labels() {
        return model.labels();
    }

    public boolean multiLabel() {
        return model.multiLabel();
    }

    public long modelBytes() {
        return model.modelFile().toFile().length();
    }

    public long warmUpMillis() {
        return warmUpMillis;
    }

    public int intraOpThreads() {
        return classifier.threads();
    }

    public int queued() {
        return batcher.queued();
    }

    public boolean isRunning() {
        return batcher.isRunning();
    }

    /** Scores everything queued on this model, then frees it: how a replaced model finishes its texts. */
    public void retire() throws Exception {
        try {
            batcher.drain();
        } finally {
            closeResources();
        }
    }

    /** Drops what waits ({@link MicroBatcher#close}), then frees the thread, the session and the tokenizer. */
    @Override
    public void close() throws Exception {
        try {
            batcher.close();
        } finally {
            closeResources();
        }
    }

    /**
     * Frees the session and the tokenizer once: a scorer that closes while a replaced session is still draining
     * closes it too, and native memory must not be freed twice.
     */
    private void closeResources() throws Exception {
        if (!resourcesClosed.compareAndSet(false, true)) {
            return;
        }
        try {
            classifier.close();
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return model.identity() + " (" + announcement.model() + ")";
    }
}
