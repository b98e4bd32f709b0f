package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.ModelSession;
import org.sentimentstream.udf.internal.ModelUpdater;
import org.sentimentstream.udf.internal.VersionedModelFeed;

import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The scoring path shared by the streaming function, the SQL functions and the file commands: the caller's
 * thread prepares and tokenizes the text and cuts it into what the model reads ({@code sentiment.long-text}: one
 * sequence, or windows), a batcher thread batches those sequences with everyone else's and runs one ONNX Runtime
 * session, and the returned future completes with the {@link SentimentResult} once every window of the text is
 * scored. Thread-safe; close it to free the session and thread.
 *
 * <p>The model can be replaced while it scores ({@link #update}, or a {@link ModelFeed} it follows): the new model is
 * loaded beside the old one, checked, warmed up and tried on canary texts, and only then takes the texts that come
 * next; the texts already queued finish on the old model, which is closed after them.
 */
@PublicEvolving
public final class SentimentScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentimentScorer.class);

    /** Canary texts of a model update that names none: short and long, plain and marked up. */
    static final List<String> DEFAULT_CANARY = List.of(
            "A wonderful, moving film.",
            "Dull and far too long; I left early.",
            "<p>The plot is thin, but the acting is <b>great</b>.</p>",
            "It was fine. ".repeat(200));

    private static final long CANARY_TIMEOUT_SECONDS = 120;

    private final InferenceConfig config;
    private final int intraOpThreads;
    private final ReentrantReadWriteLock swapLock = new ReentrantReadWriteLock();
    private volatile ModelSession session;
    private volatile long lastSwapMillis;
    private final AtomicLong updatesApplied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Replaced sessions still scoring the texts queued on them. */
    private final Set<ModelSession> retiring = ConcurrentHashMap.newKeySet();

    private ModelUpdater updater;
    private volatile boolean closed;

    private final String owner;

    private SentimentScorer(InferenceConfig config, int intraOpThreads, ModelSession session, String owner) {
        this.config = config;
        this.owner = owner;
        this.intraOpThreads = intraOpThreads;
        this.session = session;
    }

    /**
     * Resolves the model (downloading or fetching it if needed), checks it against the model contract and opens
     * the session with {@code intraOpThreads} threads; with {@code sentiment.model-watch} set, opens the newest
     * version and follows the versions.
     */
    public static SentimentScorer open(InferenceConfig config, int intraOpThreads) throws IOException {
        return open(config, intraOpThreads, Updates.NONE);
    }

    /**
     * How a scorer starts and follows model updates beyond its configuration.
     *
     * @param restored the model to start with (the one a restored job had switched to; if it cannot be opened any
     *     more, the configured one is opened, with a warning), or null
     * @param feed a feed of models to follow, or null; not together with {@code sentiment.model-watch}
     * @param owner who the scorer scores for (e.g. a subtask), named in its log lines
     */
    public record Updates(ModelAnnouncement restored, ModelFeed feed, String owner) {
        public static final Updates NONE = new Updates(null, null, "this process");
    }

    /** As {@link #open(InferenceConfig, int)}, starting and following model updates as {@code updates} says. */
    public static SentimentScorer open(InferenceConfig config, int intraOpThreads, Updates updates) throws IOException {
        ModelAnnouncement restored = updates.restored();
        ModelFeed feed = updates.feed();
        if (feed != null && config.modelWatch() != null) {
            throw new InvalidSettingException(
                    SentimentOptions.MODEL_WATCH,
                    "is set together with another model feed (" + feed + "); a job follows one source of models",
                    "unset " + SentimentOptions.MODEL_WATCH.key() + ", or stop announcing models on the other feed");
        }
        VersionedModelFeed watch =
                config.modelWatch() != null ? new VersionedModelFeed(config.model(), config.modelWatch()) : null;
        ModelFeed follow = watch != null ? watch : feed;
        ModelAnnouncement configured = watch != null ? watch.requireNewest() : ModelAnnouncement.of(config);
        int threads = Math.max(1, intraOpThreads);
        ModelSession first = null;
        if (restored != null && !restored.sameModel(configured)) {
            try {
                first = ModelSession.open(config, restored, threads);
                LOG.info("{}: restored model {}, the one this job had switched to", updates.owner(), first);
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "{}: cannot open the model this job had switched to ({}): {}; opening {} instead",
                        updates.owner(),
                        restored.model(),
                        e.getMessage(),
                        configured.model());
            }
        }
        if (first == null) {
            first = ModelSession.open(config, configured, threads);
        }
        SentimentScorer scorer = new SentimentScorer(config, threads, first, updates.owner());
        LOG.info(
                "{}: opened model {} with {} intra-op threads, warmed up in {} ms; batches of <= {} texts / {} tokens,"
                        + " delay {}; long texts: {}",
                updates.owner(),
                first,
                first.intraOpThreads(),
                first.warmUpMillis(),
                config.maxBatchSize(),
                config.maxBatchTokens(),
                config.maxBatchDelay(),
                first.reader());
        if (follow != null) {
            try {
                scorer.updater =
                        ModelUpdater.start(follow, scorer.updateTarget(), "sentiment-model-updates " + updates.owner());
            } catch (Exception e) {
                try {
                    scorer.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
                throw new IOException("cannot follow model updates from " + follow + ": " + e.getMessage(), e);
            }
        }
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
        // The read lock keeps a swap from retiring a session between choosing it and queuing on it.
        ReentrantReadWriteLock.ReadLock lock = swapLock.readLock();
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new ScorerClosedException("the scorer is closed"));
            }
            return session.score(text, listener);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the model: loads {@code next} beside the running one, checks it against the model contract and the
     * running model's labels (unless {@code sentiment.model-update.allow-label-change}), warms it up, scores its
     * canary texts (or a default set) and requires finite results; only then do the texts that come next go to it,
     * while the ones already queued finish on the old model. Returns false, logged with the reason and counted in
     * {@link #modelUpdatesRefused}, when any step fails: the running model then goes on as if nothing happened.
     */
    public boolean update(ModelAnnouncement next) {
        ModelSession old = session;
        long start = System.nanoTime();
        long rssBefore = residentBytes();
        List<String> canary = next.canary().isEmpty() ? DEFAULT_CANARY : next.canary();
        ModelSession candidate = null;
        try {
            candidate = ModelSession.open(config, next, intraOpThreads);
            checkLabels(old, candidate);
            checkCanary(candidate, canary);
        } catch (Exception e) {
            closeQuietly(candidate);
            if (closed) { // interrupted by close: not a refusal
                return false;
            }
            refused.incrementAndGet();
            LOG.warn("{}: refused the model update to {} ({}); {} keeps serving", owner, next.model(), reason(e), old);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
        long peak = residentBytes();
        ReentrantReadWriteLock.WriteLock lock = swapLock.writeLock();
        lock.lock();
        try {
            if (closed) {
                closeQuietly(candidate);
                return false;
            }
            session = candidate;
            lastSwapMillis = System.currentTimeMillis();
            updatesApplied.incrementAndGet();
        } finally {
            lock.unlock();
        }
        LOG.info(
                "{}: swapped model {} -> {} in {} ms (warm-up {} ms, {} canary texts); resident memory {} MiB before,"
                        + " {} MiB with both models; {} texts finish on the old model",
                owner,
                old,
                candidate,
                (System.nanoTime() - start) / 1_000_000,
                candidate.warmUpMillis(),
                canary.size(),
                rssBefore >> 20,
                peak >> 20,
                old.queued());
        retire(old);
        return true;
    }

    private void checkLabels(ModelSession old, ModelSession candidate) {
        if (!config.allowLabelChange()
                && (!old.labels().equals(candidate.labels()) || old.multiLabel() != candidate.multiLabel())) {
            throw new ModelContractException(
                    "its labels " + candidate.labels() + (candidate.multiLabel() ? " (multi-label)" : "")
                            + " differ from the running model's " + old.labels()
                            + (old.multiLabel() ? " (multi-label)" : ""),
                    "announce a model with the same labels, or set "
                            + SentimentOptions.MODEL_UPDATE_ALLOW_LABEL_CHANGE.key() + "=true");
        }
    }

    private static void checkCanary(ModelSession candidate, List<String> canary) throws Exception {
        List<CompletableFuture<SentimentResult>> results = new ArrayList<>();
        for (String text : canary) {
            results.add(candidate.score(text, InferenceListener.NOOP));
        }
        for (int i = 0; i < results.size(); i++) {
            SentimentResult result = results.get(i).get(CANARY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (float logit : result.logits()) {
                if (!Float.isFinite(logit)) {
                    throw new ModelContractException(
                            "canary text " + (i + 1) + " of " + canary.size() + " scored " + result
                                    + ", which is not finite",
                            "check the exported model (e.g. its precision) on these texts before announcing it");
                }
            }
        }
    }

    /** Lets the replaced session score what is queued on it, then closes it, on a thread of its own. */
    private void retire(ModelSession old) {
        retiring.add(old);
        Thread t = new Thread(
                () -> {
                    try {
                        old.retire();
                    } catch (Exception e) {
                        LOG.warn("Closing the replaced model {} failed", old, e);
                    } finally {
                        retiring.remove(old);
                    }
                },
                "sentiment-retire-" + old.identity());
        t.setDaemon(true);
        t.start();
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null
                && (cause.getMessage() == null || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static void closeQuietly(ModelSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed", session, e);
        }
    }

    /** The process's resident memory in bytes (Linux), 0 where unknown: what a swap costs while both models are open. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the log line says 0
        }
        return 0;
    }

    private ModelUpdater.Target updateTarget() {
        return new ModelUpdater.Target() {
            @Override
            public ModelAnnouncement activeModel() {
                return SentimentScorer.this.activeModel();
            }

            @Override
            public boolean update(ModelAnnouncement next) {
                return SentimentScorer.this.update(next);
            }

            @Override
            public void refusedUnread(long count) {
                refused.addAndGet(count);
            }
        };
    }

    /**
     * Token ids of the first sequence the model reads for a text (all of it, for a text that fits one), its special
     * tokens (e.g. [CLS] and [SEP]) included.
     */
    public long[] tokenIds(String text) {
        return session.reader().read(text).windows().get(0).ids().clone();
    }

    /**
     * Token ids of every sequence the model reads for a text, in order: one for a text that fits, its windows for a
     * longer one ({@code sentiment.long-text}), special tokens included. What a benchmark or a check needs to see a
     * text exactly as the scorer does.
     */
    public List<long[]> sequences(String text) {
        List<long[]> sequences = new ArrayList<>();
        session.reader()
                .read(text)
                .windows()
                .forEach(window -> sequences.add(window.ids().clone()));
        return sequences;
    }

    /** Name and short sha256 of the running model, as carried by every result it scores. */
    public String modelIdentity() {
        return session.identity();
    }

    /** The running model as it was announced (or configured). */
    public ModelAnnouncement activeModel() {
        return session.announcement();
    }

    /** When the running model took over, in epoch milliseconds; 0 if it is the one the scorer opened with. */
    public long lastModelSwapMillis() {
        return lastSwapMillis;
    }

    /** Model updates applied since open. */
    public long modelUpdates() {
        return updatesApplied.get();
    }

    /** Model updates refused since open. */
    public long modelUpdatesRefused() {
        return refused.get();
    }

    public List<String> labels() {
        return session.labels();
    }

    public int intraOpThreads() {
        return session.intraOpThreads();
    }

    /** Texts queued and not yet in a batch. */
    public int queued() {
        return session.queued();
    }

    /** Whether the batcher thread is alive: false once closed. */
    public boolean isRunning() {
        return session.isRunning();
    }

    /**
     * Stops following model updates, drops the texts still waiting for a batch (their futures complete with a
     * {@link ScorerClosedException}), and frees the thread, the session and the tokenizer once the batch in
     * progress has finished.
     */
    @Override
    public void close() throws Exception {
        swapLock.writeLock().lock();
        try {
            closed = true;
        } finally {
            swapLock.writeLock().unlock();
        }
        try {
            if (updater != null) {
                updater.close();
            }
        } finally {
            try {
                session.close();
            } finally {
                for (ModelSession old : retiring) {
                    closeQuietly(old);
                }
            }
        }
    }
}
