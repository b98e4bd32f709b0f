package org.sentimentstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** Everything one run measured. */
final class Results {

    static final class Row {
        final int round;
        final String workload;
        final String config;
        final String model;
        final int batchSize;
        final int records;
        final double rps;
        final double padding;
        long batches;
        double[] cpuByCategory; // CPU seconds per E2eHarness.CpuTime.CATEGORIES (end to end only)
        double cores = Double.NaN; // CPU seconds of the JVM per wall second
        double inferenceShare = Double.NaN; // batcher-thread CPU / JVM CPU (pipeline with 1 intra-op thread)

        Row(int round, String workload, String config, String model, int batchSize, int records, double rps,
                double padding) {
            this.round = round;
            this.workload = workload;
            this.config = config;
            this.model = model;
            this.batchSize = batchSize;
            this.records = records;
            this.rps = rps;
            this.padding = padding;
        }
    }

    static final class Latency {
        final String system;
        final int load;
        final double offered;
        final int records;
        final double achieved;
        final long p50;
        final long p95;
        final long p99;
        final String guarantee;
        double cores = Double.NaN; // JVM CPU seconds per wall second during the run

        Latency(String system, int load, double offered, int records, double achieved, long p50, long p95, long p99,
                String guarantee) {
            this.system = system;
            this.load = load;
            this.offered = offered;
            this.records = records;
            this.achieved = achieved;
            this.p50 = p50;
            this.p95 = p95;
            this.p99 = p99;
            this.guarantee = guarantee;
        }
    }

    static final class Memory {
        final String mode;
        final long beforeKb;
        final long afterKb;
        final long hwmKb;
        final long records;

        Memory(String mode, long beforeKb, long afterKb, long hwmKb, long records) {
            this.mode = mode;
            this.beforeKb = beforeKb;
            this.afterKb = afterKb;
            this.hwmKb = hwmKb;
            this.records = records;
        }
    }

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
            if (r.workload.equals(workload) && r.config.equals(config) && r.model.equals(model)) {
                out.add(r);
            }
        }
        return out;
    }

    double median(String workload, String config, String model) {
        return median(rows(workload, config, model).stream().mapToDouble(r -> r.rps).toArray());
    }

    OptionalDouble rps(int round, String workload, String config, String model) {
        return rows.stream().filter(r -> r.round == round && r.workload.equals(workload) && r.config.equals(config)
                && r.model.equals(model)).mapToDouble(r -> r.rps).findFirst();
    }

    /** Median over rounds of f(round), rounds where f is NaN skipped. */
    double medianOverRounds(ToDoubleFunction<Integer> f) {
        TreeMap<Integer, Double> values = new TreeMap<>();
        for (Row r : rows) {
            double v = f.applyAsDouble(r.round);
            if (!Double.isNaN(v)) {
                values.put(r.round, v);
            }
        }
        return median(values.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    List<Double> perRound(ToDoubleFunction<Integer> f) {
        TreeMap<Integer, Double> values = new TreeMap<>();
        for (Row r : rows) {
            double v = f.applyAsDouble(r.round);
            if (!Double.isNaN(v)) {
                values.put(r.round, v);
            }
        }
        return new ArrayList<>(values.values());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
