package org.sentimentstream.udf.sql;

import org.apache.flink.metrics.Counter;
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
 * A MiniCluster metric reporter that keeps the {@code sentiment} metrics the SQL operators really registered,
 * readable after the job has ended.
 */
public final class SentimentMetricsReporter implements MetricReporter, MetricReporterFactory {

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
        // kept: the tests read them after the job
    }

    static void clear() {
        METRICS.clear();
    }

    /** Largest batch any subtask ran, from the {@code sentiment.batchSize} histograms. */
    static long maxBatchSize() {
        long max = 0;
        for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
            if (e.getKey().endsWith(".sentiment.batchSize")) {
                max = Math.max(max, ((Histogram) e.getValue()).getStatistics().getMax());
            }
        }
        return max;
    }

    /** Sum over subtasks of the counter {@code sentiment.<name>}. */
    static long count(String name) {
        long total = 0;
        for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
            if (e.getKey().endsWith(".sentiment." + name)) {
                total += ((Counter) e.getValue()).getCount();
            }
        }
        return total;
    }
}
