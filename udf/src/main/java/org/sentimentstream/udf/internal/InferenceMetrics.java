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

/**
 * The scorer's Flink metrics, in the operator's metric group under {@code sentiment}: batch size, inference time
 * and queue wait histograms, padding efficiency, and counters of scored, truncated and failed records and of the
 * windows scored for them (a long text read in windows is one record and several windows).
 */
@Internal
public final class InferenceMetrics implements InferenceListener {

    public static final String GROUP = "sentiment";

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

    public InferenceMetrics(MetricGroup operatorGroup) {
        MetricGroup g = operatorGroup.addGroup(GROUP);
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
