package org.sentimentstream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** Everything one run measured. */
final class Results {

    /**
     * One timed measurement of one configuration. {@code cpuSeconds}: for the ceiling this JVM's, for a job the
     * job's (this JVM less the harness's producer and consumer); {@code brokerCpuSeconds}: the broker JVM's (jobs
     * only, else NaN); {@code cpuByCategory}: see {@link E2eHarness.CpuTime} (jobs only, else null).
     */
    record Measurement(
            int round,
            String model,
            String workload,
            String config,
            long records,
            double seconds,
            double cpuSeconds,
            double brokerCpuSeconds,
            double padding,
            long batches,
            double[] cpuByCategory) {

        double rps() {
            return records / seconds;
        }

        double perCpuSecond() {
            return records / cpuSeconds;
        }

        double cores() {
            return cpuSeconds / seconds;
        }

        double inferenceCores() {
            return cpuByCategory == null ? Double.NaN : cpuByCategory[E2eHarness.CpuTime.INFERENCE] / seconds;
        }

        double textsPerBatch() {
            return Results.textsPerBatch(records, batches);
        }
    }

    /** Mean texts per ONNX Runtime call; NaN where no batch ran (the ceiling, the naive jobs' metrics). */
    static double textsPerBatch(long records, long batches) {
        return batches == 0 ? Double.NaN : (double) records / batches;
    }

    /** One point of the ceiling's token-budget calibration. */
    record Calibration(
            String model,
            String workload,
            String batching,
            int budget,
            double rps,
            double perCpuSecond,
            double padding) {}

    /**
     * One open-loop run; {@code p*} in milliseconds from the producer's timestamp to a read_committed consumer.
     * {@code run}: how many runs of this guarantee this JVM has made so far, this one included (the JIT compiler
     * warms over the first ones). {@code *Cores}: CPU seconds per second of the run. {@code timeline}: the p99 of
     * the records sent in each {@link PipelineBenchmark#TIMELINE_SECONDS} s, settle time included.
     */
    record Latency(
            String model,
            String workload,
            String guarantee,
            int run,
            long checkpointMs,
            int load,
            double offered,
            int records,
            double achieved,
            long p50,
            long p95,
            long p99,
            long max,
            double jobCores,
            double jitCores,
            double brokerCores,
            double inferenceCores,
            double textsPerBatch,
            List<Long> timeline) {

        /** The timeline as the report and the CSV write it: p99s separated by spaces. */
        String timelineText() {
            return timeline.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
    }

    String startedAt;
    String loadBefore;
    String loadAfter;
    double seconds;
    int cores;
    double capacity = Double.NaN;
    /** Token lengths of each workload's texts, per model name. */
    final Map<String, int[]> lengths = new LinkedHashMap<>();
    /** Best token budget of the ceiling, per model and workload ("model/workload"). */
    final Map<String, Integer> bestBudget = new LinkedHashMap<>();

    final List<Calibration> calibration = new ArrayList<>();
    final List<Measurement> measurements = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();

    List<Measurement> of(String model, String workload, String config) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.model().equals(model)
                    && m.workload().equals(workload)
                    && m.config().equals(config)) {
                out.add(m);
            }
        }
        return out;
    }

    OptionalDouble median(String model, String workload, String config, ToDoubleFunction<Measurement> value) {
        List<Measurement> rows = of(model, workload, config);
        return rows.isEmpty()
                ? OptionalDouble.empty()
                : OptionalDouble.of(
                        Stats.median(rows.stream().mapToDouble(value).toArray()));
    }

    /** Per round, value(a) / value(b) where both configurations were measured in that round. */
    List<Double> ratios(String model, String workload, String a, String b, ToDoubleFunction<Measurement> value) {
        List<Double> out = new ArrayList<>();
        for (Measurement x : of(model, workload, a)) {
            for (Measurement y : of(model, workload, b)) {
                if (x.round() == y.round()) {
                    out.add(value.applyAsDouble(x) / value.applyAsDouble(y));
                }
            }
        }
        return out;
    }
}
