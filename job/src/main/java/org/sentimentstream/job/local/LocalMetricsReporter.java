package org.sentimentstream.job.local;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the job's {@code sentiment} metrics of an embedded run in memory, so that {@code local} can report the
 * batch size and padding efficiency the job really exported. Metrics stay readable after the job ends.
 */
public final class LocalMetricsReporter implements MetricReporter, MetricReporterFactory {

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
        // kept on purpose: the summary reads them after the job has finished
    }

    static void clear() {
        METRICS.clear();
    }

    /** Sum over all subtasks of the counters or long gauges whose identifier ends with {@code .sentiment.<name>}. */
    static long sum(String name) {
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
}
