package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceListener;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The scorer's Flink metrics, in the operator's metric group under {@code sentiment}: batch size, inference time
 * and queue wait histograms, padding efficiency, and counters of scored, truncated and failed records and of the
 * windows scored for them (a long text read in windows is one record and several windows).
 */
@Internal
public final class InferenceMetrics implements InferenceListener {

    public static final String GROUP = "sentiment";

    /** Counter of model updates applied. */
    public static final String MODEL_UPDATES = "modelUpdates";
    /** Counter of model updates refused. */
    public static final String MODEL_UPDATES_REFUSED = "modelUpdatesRefused";
    /** Gauge: when the running model took over, epoch ms; 0 for the model the session opened with. */
    public static final String LAST_MODEL_SWAP_TIME = "lastModelSwapTime";
    /** Gauge: the running model's identity, as scored records carry it. */
    public static final String ACTIVE_MODEL = "activeModel";

    private static final int WINDOW = 1024;

    private final Histogram batchSize = new DescriptiveStatisticsHistogram(WINDOW);
    private final Histogram inferenceMillis = new DescriptiveStatisticsHistogram(WINDOW);
    private final Histogram queueWaitMillis = new DescriptiveStatisticsHistogram(WINDOW);
    private final AtomicLong realTokens = new AtomicLong();
    private final AtomicLong computedTokens = new AtomicLong();
    private final Counter recordsScored;
    private final Counter recordsTruncated;
    private final Counter windowsScored;
    private final Counter errors;
    private final Counter batches;
    private final MetricGroup group;

    public InferenceMetrics(MetricGroup operatorGroup) {
        MetricGroup g = operatorGroup.addGroup(GROUP);
        this.group = g;
        g.histogram("batchSize", batchSize);
        g.histogram("inferenceTimeMs", inferenceMillis);
        g.histogram("queueWaitMs", queueWaitMillis);
        g.gauge("paddingEfficiency", (Gauge<Double>) this::paddingEfficiency);
        g.gauge("realTokens", (Gauge<Long>) realTokens::get);
        g.gauge("computedTokens", (Gauge<Long>) computedTokens::get);
        recordsScored = g.counter("recordsScored");
        recordsTruncated = g.counter("recordsTruncated");
        windowsScored = g.counter("windowsScored");
        errors = g.counter("errors");
        batches = g.counter("batches");
        g.meter("recordsScoredPerSecond", new MeterView(recordsScored));
    }

    /**
     * Registers the model metrics, read from the scorer when reported. A shared session's updates are reported by
     * every subtask that shares it.
     */
    public void observeModel(
            Supplier<String> identity, LongSupplier lastSwapMillis, LongSupplier updates, LongSupplier refused) {
        group.gauge(ACTIVE_MODEL, (Gauge<String>) identity::get);
        group.gauge(LAST_MODEL_SWAP_TIME, (Gauge<Long>) lastSwapMillis::getAsLong);
        group.counter(MODEL_UPDATES, new ObservedCounter(updates));
        group.counter(MODEL_UPDATES_REFUSED, new ObservedCounter(refused));
    }

    /** A counter whose count lives elsewhere; reporters only read it. */
    private record ObservedCounter(LongSupplier count) implements Counter {
        @Override
        public void inc() {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void inc(long n) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void dec() {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void dec(long n) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public long getCount() {
            return count.getAsLong();
        }
    }

    @Override
    public void onBatch(int size, long real, long computed, long inferenceNanos) {
        batchSize.update(size);
        inferenceMillis.update(TimeUnit.NANOSECONDS.toMillis(inferenceNanos));
        realTokens.addAndGet(real);
        computedTokens.addAndGet(computed);
        batches.inc();
    }

    @Override
    public void onQueueWait(long nanos) {
        queueWaitMillis.update(TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** A record was scored from {@code windows} sequences. */
    public void onScored(int windows, boolean truncated) {
        recordsScored.inc();
        windowsScored.inc(windows);
        if (truncated) {
            recordsTruncated.inc();
        }
    }

    public void onError() {
        errors.inc();
    }

    /** Real tokens over computed tokens since start; 1.0 means no padding at all. */
    public double paddingEfficiency() {
        long computed = computedTokens.get();
        return computed == 0 ? 1.0 : (double) realTokens.get() / computed;
    }
}
