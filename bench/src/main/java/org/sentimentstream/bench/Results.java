package org.sentimentstream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** Everything one run measured. */
final class Results {

    /**
     * One measurement of one configuration. {@code cpuByCategory}: CPU seconds per {@link E2eHarness.CpuTime}
     * category (end to end only, else null); {@code cores}: CPU seconds of the JVM per wall second;
     * {@code inferenceShare}: batcher-thread CPU / JVM CPU (the pipeline, where ONNX Runtime runs in the batcher).
     */
    record Row(
            int round,
            String workload,
            String config,
            String model,
            int batchSize,
            int records,
            double rps,
            double padding,
            long batches,
            double[] cpuByCategory,
            double cores,
            double inferenceShare) {
        /** A raw ONNX Runtime measurement, without CPU accounting. */
        static Row ceiling(
                int round,
                String workload,
                String config,
                String model,
                int batchSize,
                int records,
                double rps,
                double padding) {
            return new Row(
                    round, workload, config, model, batchSize, records, rps, padding, 0, null, Double.NaN, Double.NaN);
        }
    }

    /** One open-loop run; {@code cores}: JVM CPU seconds per wall second during the run. */
    record Latency(
            String system,
            int load,
            double offered,
            int records,
            double achieved,
            long p50,
            long p95,
            long p99,
            String guarantee,
            double cores) {}

    /** Resident memory of one child JVM, before the job and after scoring. */
    record Memory(String mode, long beforeKb, long afterKb, long hwmKb, long records) {}

    String startedAt;
    String loadBefore;
    String loadAfter;
    double seconds;
    int cores;
    double capacity = Double.NaN;
    final Map<String, int[]> lengths = new LinkedHashMap<>();
    final List<Row> sweep = new ArrayList<>();
    final List<Row> rows = new ArrayList<>();
    final List<Row> padding = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();
    final List<Memory> memory = new ArrayList<>();

    List<Row> rows(String workload, String config, String model) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.workload().equals(workload)
                    && r.config().equals(config)
                    && r.model().equals(model)) {
                out.add(r);
            }
        }
        return out;
    }

    double median(String workload, String config, String model) {
        return Stats.median(
                rows(workload, config, model).stream().mapToDouble(Row::rps).toArray());
    }

    OptionalDouble rps(int round, String workload, String config, String model) {
        return rows(workload, config, model).stream()
                .filter(r -> r.round() == round)
                .mapToDouble(Row::rps)
                .findFirst();
    }

    /** f(round) for each round that has rows, in round order, NaN values skipped. */
    List<Double> perRound(ToDoubleFunction<Integer> f) {
        TreeMap<Integer, Double> values = new TreeMap<>();
        for (Row r : rows) {
            double v = f.applyAsDouble(r.round());
            if (!Double.isNaN(v)) {
                values.put(r.round(), v);
            }
        }
        return new ArrayList<>(values.values());
    }
}
