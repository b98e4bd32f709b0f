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
     * One open-loop run of the latency-load curve; {@code p*} in milliseconds from the producer's timestamp to a
     * read_committed consumer. {@code run}: how many runs of this guarantee this JVM has made so far, this one
     * included. {@code *Cores}: CPU seconds per second of the run: the job (its JVM less the JIT compiler and the
     * load generator), the JIT compiler, the broker's JVM, the load generator (the harness's producer and
     * read_committed consumer threads), and the whole machine (every process, other users' included).
     * {@code timeline}: the p99 of the records sent in each {@link PipelineBenchmark#TIMELINE_SECONDS} s, settle
     * time included.
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
            long p99,
            long p999,
            long max,
            double jobCores,
            double jitCores,
            double brokerCores,
            double loadGeneratorCores,
            double machineCores,
            double inferenceCores,
            double textsPerBatch,
            List<Long> timeline) {

        /** The timeline as the report and the CSV write it: p99s separated by spaces. */
        String timelineText() {
            return timeline.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
    }

    /**
     * One restart run: open-loop load, the TaskManager killed at {@code killedAtSeconds} (from the first record
     * sent), the job restarted from its last checkpoint. {@code secondsToSteady}: from the kill to the send time from
     * which every {@code window}-second window (stepping 1 s) has p99 at most the steady threshold; NaN if never
     * within the run; {@code secondsToSteadyFromStart} likewise from the job's first record to the kill (its start,
     * cold in a new JVM). {@code p99Before}: of the records sent in the 10 s before the kill; {@code maxAfter}: the
     * worst latency of a record sent after it; {@code timeline}: p99 per window from the first record sent.
     */
    record Restart(
            String model,
            String workload,
            int warmUpRounds,
            int load,
            double offered,
            double killedAtSeconds,
            double secondsToSteady,
            double secondsToSteadyFromStart,
            long p99Before,
            long maxAfter,
            int deadLetters,
            List<Long> timeline) {

        static Restart of(
                String model,
                String workload,
                int warmUpRounds,
                int load,
                double rate,
                E2eHarness.Outcome out,
                int killAt,
                int window,
                long steadyMs) {
            long[] l = out.latencyBySendIndex;
            double killSeconds = killAt / rate;
            int end = (int) Math.floor(l.length / rate);
            double steady = Double.NaN;
            for (int t = end - window; t >= (int) Math.floor(killSeconds); t--) {
                if (p99(l, (int) (t * rate), (int) ((t + window) * rate)) > steadyMs) {
                    break;
                }
                steady = t - killSeconds;
            }
            double fromStart = Double.NaN; // the job's start: every window before the kill
            for (int t = (int) Math.floor(killSeconds) - window; t >= 0; t--) {
                if (p99(l, (int) (t * rate), (int) ((t + window) * rate)) > steadyMs) {
                    break;
                }
                fromStart = t;
            }
            long maxAfter = java.util.Arrays.stream(l, killAt, l.length).max().orElse(-1);
            List<Long> timeline = new ArrayList<>();
            int perWindow = (int) Math.max(1, Math.round(rate * window));
            for (int from = 0; from < l.length; from += perWindow) {
                timeline.add(p99(l, from, Math.min(l.length, from + perWindow)));
            }
            double killedAt = out.disruptedAtMs == 0 ? Double.NaN : (out.disruptedAtMs - out.firstSentMs) / 1000.0;
            return new Restart(
                    model,
                    workload,
                    warmUpRounds,
                    load,
                    rate,
                    killedAt,
                    Double.isNaN(steady) ? Double.NaN : Math.max(0, steady),
                    fromStart,
                    p99(l, (int) Math.max(0, killAt - 10 * rate), killAt),
                    maxAfter,
                    out.deadLetters,
                    timeline);
        }

        private static long p99(long[] l, int from, int to) {
            long[] scored = java.util.Arrays.stream(l, Math.max(0, from), Math.min(l.length, to))
                    .filter(x -> x >= 0)
                    .toArray();
            return scored.length == 0 ? -1 : org.sentimentstream.embedded.Percentiles.of(scored, 99);
        }

        String timelineText() {
            return timeline.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
    }

    /** One Python peer's run (written by bench/python_peers.py). */
    record Peer(
            String peer,
            String model,
            String workload,
            int batch,
            int threads,
            long records,
            double seconds,
            double cpuSeconds,
            String versions) {

        double rps() {
            return records / seconds;
        }

        double perCpuSecond() {
            return records / cpuSeconds;
        }
    }

    String startedAt;
    /** Seconds of the whole run (bench/run.sh from its start, when it says when that was), else of this JVM's. */
    double runSeconds;
    /** Why the Python peers did not run, if they did not. */
    String peersSkipped;

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
    final List<Restart> restarts = new ArrayList<>();
    final List<Peer> peers = new ArrayList<>();

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
