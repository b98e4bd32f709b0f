package org.sentimentstream.embedded;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metric reporter for embedded runs (MiniCluster) that keeps the {@code sentiment} metrics the operators really
 * registered, readable in the same JVM after the job has ended: the {@code local} summary and tests use it.
 * Enable it with {@code metrics.reporter.<name>.factory.class: } this class.
 */
public final class RetainingMetricReporter implements MetricReporter, MetricReporterFactory {

    private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String id = group.getMetricIdentifier(name);
        if (id.contains(".sentiment.")) {
            METRICS.put(id, metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept on purpose: they are read after the job has finished
    }

    public static void clear() {
        METRICS.clear();
    }

    /** Sum over all subtasks of the counters or numeric gauges {@code sentiment.<name>}. */
    public static long sum(String name) {
        long total = 0;
        for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
            if (!e.getKey().endsWith(".sentiment." + name)) {
                continue;
            }
            Metric m = e.getValue();
            if (m instanceof Counter) {
                total += ((Counter) m).getCount();
            } else if (m instanceof Gauge && ((Gauge<?>) m).getValue() instanceof Number) {
                total += ((Number) ((Gauge<?>) m).getValue()).longValue();
            }
        }
        return total;
    }

    /** Largest value any subtask's histogram {@code sentiment.<name>} saw, e.g. the largest batch. */
    public static long max(String histogram) {
        long max = 0;
        for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
            if (e.getKey().endsWith(".sentiment." + histogram) && e.getValue() instanceof Histogram) {
                max = Math.max(max, ((Histogram) e.getValue()).getStatistics().getMax());
            }
        }
        return max;
    }
}
