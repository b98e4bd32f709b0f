package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.ModelFeed;

import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls a {@link ModelFeed} on its own thread and hands each model it names, that is neither the running one nor
 * the one last refused, to the scorer. The scorer loads, checks and swaps on this thread, so scoring goes on
 * meanwhile; a refused model is not tried again until the feed names another.
 */
@Internal
public final class ModelUpdater implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdater.class);

    /** What the updater updates. */
    public interface Target {
        ModelAnnouncement activeModel();

        /** Loads, checks and swaps to {@code next}; false when it was refused (the target logs and counts why). */
        boolean update(ModelAnnouncement next);
    }

    private final ModelFeed feed;
    private final ModelFeed.Reader reader;
    private final Target target;
    private final ScheduledExecutorService thread;
    private ModelAnnouncement lastRefused;
    private String lastFeedError;

    private ModelUpdater(ModelFeed feed, ModelFeed.Reader reader, Target target, String name) {
        this.feed = feed;
        this.reader = reader;
        this.target = target;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens a reader of {@code feed} and polls it at its interval, first after one interval. */
    public static ModelUpdater start(ModelFeed feed, Target target, String name) throws Exception {
        ModelUpdater updater = new ModelUpdater(feed, feed.open(), target, name);
        long millis = feed.pollInterval().toMillis();
        updater.thread.scheduleWithFixedDelay(updater::poll, millis, millis, TimeUnit.MILLISECONDS);
        LOG.info("Following model updates from {}", feed);
        return updater;
    }

    /** One poll; visible for tests, which call it instead of waiting for the interval. */
    void poll() {
        Optional<ModelAnnouncement> latest;
        try {
            latest = reader.latest();
            lastFeedError = null;
        } catch (Exception e) {
            String error = String.valueOf(e.getMessage());
            if (!error.equals(lastFeedError)) { // once per distinct problem, not every interval
                LOG.warn("Cannot read the model feed ({}); the running model keeps serving: {}", feed, error);
            }
            lastFeedError = error;
            return;
        } catch (Throwable t) {
            LOG.error("The model feed failed ({}); the running model keeps serving", feed, t);
            return;
        }
        if (latest.isEmpty()) {
            return;
        }
        ModelAnnouncement next = latest.get();
        if (next.sameModel(target.activeModel()) || next.sameModel(lastRefused)) {
            return;
        }
        lastRefused = target.update(next) ? null : next;
    }

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("The model updater did not stop within 30 s");
        }
        reader.close();
    }

    @Override
    public String toString() {
        return Objects.toString(feed);
    }
}
