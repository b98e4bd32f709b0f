package org.sentimentstream.bench;

import org.sentimentstream.embedded.Percentiles;

import com.samskivert.mustache.Mustache;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Writes docs/bench/*.csv and docs/benchmarks.md from one run's {@link Results}. The document's text and tables are
 * the template {@value #TEMPLATE}; this class computes the values that fill it.
 */
final class Report {

    static final String TEMPLATE = "/bench/benchmarks.md.mustache";

    record Target(String name, String measured, String threshold, String verdict) {}

    private final PipelineBenchmark.Options o;
    private final Results r;
    private final Map<String, Object> values = new HashMap<>();
    private final List<Target> targets = new ArrayList<>();

    Report(PipelineBenchmark.Options o, Results r) {
        this.o = o;
        this.r = r;
    }

    void write() throws Exception {
        Files.createDirectories(o.outDir);
        writeCsvs();
        machine();
        workloads();
        headline();
        naive();
        cpu();
        calibration();
        latency();
        restarts();
        peers();
        jmh();
        targets.add(new Target(
                "whole run at most 15 min ("
                        + (o.runStarted == null ? "this JVM" : "`" + o.command + "` from its start") + ")",
                String.format(Locale.ROOT, "%.1f min", r.runSeconds / 60),
                "15 min",
                r.runSeconds <= 900 ? "met" : "**missed**"));
        double shortest = r.measurements.stream()
                .mapToDouble(Results.Measurement::seconds)
                .min()
                .orElse(Double.NaN);
        targets.add(new Target(
                "every measurement at least " + f0(o.seconds) + " s",
                "shortest " + f1(shortest) + " s",
                f0(o.seconds) + " s",
                shortest >= o.seconds ? "met" : "**missed**"));
        values.put("targets", targets);
        Files.createDirectories(o.report.toAbsolutePath().getParent());
        Files.writeString(o.report, render(TEMPLATE, values), StandardCharsets.UTF_8);
    }

    /** The Mustache template (a classpath resource) filled with {@code values}; a missing value is an error. */
    static String render(String resource, Object values) throws IOException {
        try (Reader template =
                new InputStreamReader(Report.class.getResourceAsStream(resource), StandardCharsets.UTF_8)) {
            return Mustache.compiler().escapeHTML(false).compile(template).execute(values);
        }
    }

    private void machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse("?");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal"))
                .findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MB")
                .orElse("?");
        String ort = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        values.put("command", o.command);
        values.put("startedAt", r.startedAt);
        values.put("minutes", f1(r.seconds / 60));
        values.put("runMinutes", f1(r.runSeconds / 60));
        values.put("runName", o.runName);
        values.put("naiveRounds", Math.min(o.naiveRounds, o.rounds));
        values.put("cores", r.cores);
        values.put("cpuModel", cpu);
        values.put("memoryTotal", mem);
        values.put("loadBefore", loadOf(r.loadBefore));
        values.put("loadAfter", loadOf(r.loadAfter));
        values.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        values.put("onnxRuntime", ort == null ? "1.28.0" : ort);
        values.put("git", git());
        values.put(
                "models",
                o.models.entrySet().stream()
                        .map(e -> Map.of("name", e.getKey(), "dir", e.getValue()))
                        .collect(Collectors.toList()));
        values.put("settings", o.settings.toString());
        values.put("checkpointMs", o.checkpointIntervalMs);
        values.put("parallelism", o.parallelism);
        values.put("rounds", o.rounds);
        values.put("seconds", f0(o.seconds));
        values.put("naiveModel", o.naiveModel);
        values.put("naiveWorkload", o.naiveWorkload);
    }

    private static String loadOf(String loadavg) {
        String[] f = loadavg == null ? new String[0] : loadavg.split(" ");
        return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "?";
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (Exception e) {
            return "?";
        }
    }

    private void workloads() {
        Map<String, String> what = Map.of(
                "phrase",
                "SST-2 train phrases as they are (`sst2-train-phrases.jsonl`)",
                "mixed",
                "real review text: 3/4 review sentences as they are, 1/4 reviews of 2+ sentences of one"
                        + " site joined (30-127 tokens), shuffled (`uci-review-sentences.jsonl`)",
                "long",
                "real review sentences of one site joined to 60-127 tokens (`uci-review-sentences.jsonl`)",
                "imdb",
                "300 whole IMDB reviews, read in windows of up to 128 tokens with the default settings;"
                        + " texts and tokens here are the windows (`imdb-reviews.jsonl`)");
        List<Map<String, Object>> rows = new ArrayList<>();
        r.lengths.forEach((w, l) -> rows.add(Map.of(
                "name",
                w,
                "what",
                what.getOrDefault(w, ""),
                "records",
                l.length,
                "p50",
                l.length == 0 ? 0 : Percentiles.of(l, 50),
                "p90",
                l.length == 0 ? 0 : Percentiles.of(l, 90),
                "max",
                Arrays.stream(l).max().orElse(0),
                "mean",
                f1(Arrays.stream(l).average().orElse(0)))));
        values.put("workloads", rows);
    }

    private void headline() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String model : o.models.keySet()) {
            for (String w : o.workloads) {
                List<Double> perCpu = r.ratios(
                        model,
                        w,
                        PipelineBenchmark.PIPELINE,
                        PipelineBenchmark.CEILING,
                        Results.Measurement::perCpuSecond);
                List<Double> perWall = r.ratios(
                        model, w, PipelineBenchmark.PIPELINE, PipelineBenchmark.CEILING, Results.Measurement::rps);
                List<Results.Measurement> pipeline = r.of(model, w, PipelineBenchmark.PIPELINE);
                List<Results.Measurement> ceiling = r.of(model, w, PipelineBenchmark.CEILING);
                if (pipeline.isEmpty() || ceiling.isEmpty()) {
                    continue;
                }
                double padding = median(pipeline, Results.Measurement::padding);
                double brokerMsPerRecord = median(pipeline, m -> m.brokerCpuSeconds() * 1000 / m.records());
                Map<String, Object> row = new HashMap<>();
                row.put("model", model);
                row.put("workload", w);
                row.put("budget", r.bestBudget.getOrDefault(model + "/" + w, 0));
                row.put("ceilingRps", spread(ceiling, Results.Measurement::rps, Report::f1));
                row.put("pipelineRps", spread(pipeline, Results.Measurement::rps, Report::f1));
                row.put("perWall", spreadOf(perWall));
                row.put("ceilingCpu", spread(ceiling, Results.Measurement::perCpuSecond, Report::f1));
                row.put("pipelineCpu", spread(pipeline, Results.Measurement::perCpuSecond, Report::f1));
                row.put("perCpu", spreadOf(perCpu));
                row.put("padding", f3(padding));
                row.put("pipelineCores", f2(median(pipeline, Results.Measurement::cores)));
                row.put("brokerMs", f2(brokerMsPerRecord));
                row.put(
                        "shortest",
                        f1(Math.min(
                                min(pipeline, Results.Measurement::seconds),
                                min(ceiling, Results.Measurement::seconds))));
                rows.add(row);
                target(model + ", " + w + ": pipeline / ceiling, records per CPU-second", perCpu, 0.9);
                target(model + ", " + w + ": padding efficiency of the pipeline", List.of(padding), 0.9);
            }
        }
        values.put("headline", rows);
    }

    private void naive() {
        String model = o.naiveModel;
        String w = o.naiveWorkload;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String config :
                List.of(PipelineBenchmark.PIPELINE, PipelineBenchmark.NAIVE, PipelineBenchmark.NAIVE_PADDED)) {
            List<Results.Measurement> m = r.of(model, w, config);
            if (m.isEmpty()) {
                continue;
            }
            List<Double> ratio = r.ratios(model, w, PipelineBenchmark.PIPELINE, config, Results.Measurement::rps);
            rows.add(Map.of(
                    "config", config,
                    "rps", spread(m, Results.Measurement::rps, Report::f1),
                    "perCpu", spread(m, Results.Measurement::perCpuSecond, Report::f1),
                    "ratio", spreadOf(ratio),
                    "padding", f3(median(m, Results.Measurement::padding))));
        }
        target(
                model + ", " + w + ": pipeline / naive per-record job",
                r.ratios(model, w, PipelineBenchmark.PIPELINE, PipelineBenchmark.NAIVE, Results.Measurement::rps),
                1.5);
        target(
                model + ", " + w + ": pipeline / naive job padded to 128",
                r.ratios(
                        model, w, PipelineBenchmark.PIPELINE, PipelineBenchmark.NAIVE_PADDED, Results.Measurement::rps),
                3.0);
        values.put("naive", rows);
    }

    /** Where the pipeline's CPU goes, mean shares over its measurements. */
    private void cpu() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String model : o.models.keySet()) {
            for (String w : o.workloads) {
                List<Results.Measurement> m = r.of(model, w, PipelineBenchmark.PIPELINE);
                if (m.isEmpty()) {
                    continue;
                }
                double[] sum = new double[E2eHarness.CpuTime.CATEGORIES.length];
                for (Results.Measurement x : m) {
                    for (int c = 0; c < sum.length; c++) {
                        sum[c] += x.cpuByCategory()[c];
                    }
                }
                List<String> shares = new ArrayList<>();
                for (int c = 1; c < sum.length; c++) { // shares of the whole process, harness and JIT included
                    shares.add(Math.round(100 * sum[c] / sum[0]) + " %");
                }
                rows.add(Map.of("model", model, "workload", w, "shares", shares));
            }
        }
        values.put("cpu", rows);
    }

    private void calibration() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Results.Calibration c : r.calibration) {
            boolean best = c.batching().equals("budget")
                    && r.bestBudget.getOrDefault(c.model() + "/" + c.workload(), -1) == c.budget();
            rows.add(Map.of(
                    "model", c.model(),
                    "workload", c.workload(),
                    "batching", c.batching().equals("budget") ? c.budget() + " tokens" : c.batching(),
                    "rps", f1(c.rps()),
                    "perCpu", best ? "**" + f1(c.perCpuSecond()) + "**" : f1(c.perCpuSecond()),
                    "padding", f3(c.padding())));
        }
        values.put("calibration", rows);
        values.put("calibrationSeconds", f1(o.calibrationSeconds));
        values.put("calibrationPasses", o.calibrationPasses);
    }

    private void latency() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        Results.Latency target = null;
        for (Results.Latency l : r.latency) {
            Map<String, Object> row = new HashMap<>();
            row.put("model", l.model());
            row.put("workload", l.workload());
            row.put("guarantee", l.guarantee());
            row.put("load", l.load());
            row.put("offered", f1(l.offered()));
            row.put("records", l.records());
            row.put("achieved", f1(l.achieved()));
            row.put("p50", l.p50());
            row.put("p99", l.p99());
            row.put("p999", l.p999());
            row.put(
                    "p99OverInterval",
                    l.guarantee().equals("EXACTLY_ONCE") ? f2((double) l.p99() / l.checkpointMs()) : "–");
            row.put("jobCores", f2(l.jobCores()));
            row.put("jitCores", f2(l.jitCores()));
            row.put("brokerCores", f2(l.brokerCores()));
            row.put("loadGeneratorCores", f2(l.loadGeneratorCores()));
            row.put("machineCores", f2(l.machineCores()));
            row.put(
                    "otherCores",
                    f2(l.machineCores() - l.jobCores() - l.jitCores() - l.brokerCores() - l.loadGeneratorCores()));
            row.put("inferenceCores", f2(l.inferenceCores()));
            row.put("textsPerBatch", f1(l.textsPerBatch()));
            row.put("timeline", l.timelineText());
            rows.add(row);
            if (l.guarantee().equals("AT_LEAST_ONCE") && l.load() == 25) {
                target = l;
            }
        }
        values.put("fullLoadBatch", fullLoad(target, Results.Measurement::textsPerBatch, Report::f1));
        values.put("fullLoadInferenceCores", fullLoad(target, Results.Measurement::inferenceCores, Report::f2));
        if (target != null) {
            targets.add(new Target(
                    "p99 latency at 25 % load, AT_LEAST_ONCE, warm JVM (" + target.model() + ", " + target.workload()
                            + ")",
                    target.p99() + " ms",
                    "≤ " + PipelineBenchmark.STEADY_P99_MS + " ms",
                    target.p99() <= PipelineBenchmark.STEADY_P99_MS ? "met" : "**missed**"));
        }
        for (Results.Latency l : r.latency) {
            if (l.guarantee().equals("EXACTLY_ONCE") && l.load() == 25) {
                targets.add(new Target(
                        "EXACTLY_ONCE at 25 % load: p99 over the checkpoint interval (" + l.checkpointMs() + " ms)",
                        l.p99() + " ms = " + f2((double) l.p99() / l.checkpointMs()) + " x",
                        "reported",
                        "–"));
            }
        }
        values.put("latency", rows);
        values.put("hasLatency", !rows.isEmpty());
        values.put("capacity", f1(r.capacity));
        values.put(
                "capacitySource",
                o.latencyCapacity != null ? "as given by `--latency-capacity`" : "the pipeline's median in the rounds");
        values.put("timelineSeconds", PipelineBenchmark.TIMELINE_SECONDS);
        values.put("latencySeconds", f0(o.latencySeconds));
        values.put("settleSeconds", f0(o.latencySettleSeconds));
        if (!r.latency.isEmpty()) {
            Path png = o.outDir.resolve(CHART);
            Charts.latencyLoad(r.latency, png);
            values.put("chart", "bench/" + CHART);
        }
    }

    static final String CHART = "latency-load.png";

    private void restarts() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Results.Restart x : r.restarts) {
            Map<String, Object> row = new HashMap<>();
            row.put("warmUp", x.warmUpRounds() == 0 ? "off (0)" : x.warmUpRounds() + " rounds");
            row.put("model", x.model());
            row.put("workload", x.workload());
            row.put("load", x.load());
            row.put("offered", f1(x.offered()));
            row.put("killedAt", f1(x.killedAtSeconds()));
            row.put("steady", Double.isNaN(x.secondsToSteady()) ? "not within the run" : f0(x.secondsToSteady()));
            row.put(
                    "steadyFromStart",
                    Double.isNaN(x.secondsToSteadyFromStart())
                            ? "not before the kill"
                            : f0(x.secondsToSteadyFromStart()));
            row.put("p99Before", x.p99Before());
            row.put("maxAfter", x.maxAfter());
            row.put("timeline", x.timelineText());
            rows.add(row);
            if (x.warmUpRounds() > 0) {
                targets.add(new Target(
                        "after a TaskManager kill at 25 % load, p99 per " + PipelineBenchmark.TIMELINE_SECONDS
                                + " s back under " + PipelineBenchmark.STEADY_P99_MS + " ms (warm-up "
                                + x.warmUpRounds() + " rounds)",
                        Double.isNaN(x.secondsToSteady()) ? "not within the run" : f0(x.secondsToSteady()) + " s",
                        "≤ 10 s",
                        !Double.isNaN(x.secondsToSteady()) && x.secondsToSteady() <= 10 ? "met" : "**missed**"));
            }
        }
        values.put("restarts", rows);
        values.put("hasRestarts", !rows.isEmpty());
        values.put("restartBefore", o.restartBeforeSeconds);
        values.put("restartAfter", o.restartAfterSeconds);
        values.put("restartDelayMs", E2eHarness.RESTART_DELAY_MS);
    }

    /** The Python peers beside the ceiling and the pipeline on the same model and workload. */
    private void peers() {
        List<Map<String, Object>> rows = new ArrayList<>();
        String model = o.peersModel;
        String w = o.peersWorkload;
        List<Results.Measurement> ceiling = r.of(model, w, PipelineBenchmark.CEILING);
        List<Results.Measurement> pipeline = r.of(model, w, PipelineBenchmark.PIPELINE);
        if (!ceiling.isEmpty()) {
            rows.add(peerRow(
                    "ceiling: raw ONNX Runtime (Java), pre-tokenized, sorted batches",
                    o.parallelism + " sessions x 1",
                    spread(ceiling, Results.Measurement::rps, Report::f1),
                    spread(ceiling, Results.Measurement::perCpuSecond, Report::f1)));
        }
        if (!pipeline.isEmpty()) {
            rows.add(peerRow(
                    "**this job**, Kafka -> Flink -> Kafka (job CPU)",
                    o.parallelism + " sessions x 1",
                    spread(pipeline, Results.Measurement::rps, Report::f1),
                    spread(pipeline, Results.Measurement::perCpuSecond, Report::f1)));
            rows.add(peerRow(
                    "this job, its CPU and the broker's",
                    o.parallelism + " sessions x 1",
                    spread(pipeline, Results.Measurement::rps, Report::f1),
                    spread(pipeline, m -> m.records() / (m.cpuSeconds() + m.brokerCpuSeconds()), Report::f1)));
        }
        for (Results.Peer p : r.peers) {
            rows.add(peerRow(
                    p.peer().equals("transformers-pipeline")
                            ? "Python: transformers `pipeline` on PyTorch, batch " + p.batch()
                            : "Python: ONNX Runtime + tokenizers loop, batch " + p.batch(),
                    p.threads() + " threads",
                    f1(p.rps()),
                    f1(p.perCpuSecond())));
        }
        values.put("peers", rows);
        values.put("peersModel", model);
        values.put("peersWorkload", w);
        values.put("peersSeconds", f0(o.peersSeconds));
        values.put("peersVersions", r.peers.isEmpty() ? "" : r.peers.get(0).versions());
        values.put("peersSkipped", r.peersSkipped == null ? "" : "The Python peers were " + r.peersSkipped + ".");
    }

    private static Map<String, Object> peerRow(String what, String threads, String rps, String perCpu) {
        return Map.of("what", what, "threads", threads, "rps", rps, "perCpu", perCpu);
    }

    /** The median of {@code value} over the rounds' pipeline runs of the latency target's model and workload. */
    private String fullLoad(
            Results.Latency target, ToDoubleFunction<Results.Measurement> value, DoubleFunction<String> format) {
        if (target == null) {
            return "?";
        }
        OptionalDouble median = r.median(target.model(), target.workload(), PipelineBenchmark.PIPELINE, value);
        return median.isPresent() ? format.apply(median.getAsDouble()) : "?";
    }

    /** JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",params... */
    private void jmh() throws IOException {
        List<String> lines = Files.exists(o.jmh) ? Files.readAllLines(o.jmh) : List.of();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = l.replace("\"", "").split(",");
            if (f.length >= 7) {
                rows.add(Map.of(
                        "benchmark", f[0].replace("org.sentimentstream.bench.", ""),
                        "params", String.join(", ", Arrays.copyOfRange(f, 7, f.length)),
                        "score", f2(Double.parseDouble(f[4])),
                        "error", f2(parseOr(f[5])),
                        "unit", f[6]));
            }
        }
        values.put("hasJmh", !rows.isEmpty());
        values.put("jmh", rows);
    }

    private static double parseOr(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private void target(String name, List<Double> measured, double threshold) {
        double median = Stats.median(measured);
        targets.add(new Target(
                name,
                spreadOf(measured),
                "≥ " + threshold,
                Double.isNaN(median) ? "not measured" : median >= threshold ? "met" : "**missed**"));
    }

    private static double median(List<Results.Measurement> m, ToDoubleFunction<Results.Measurement> f) {
        return Stats.median(m.stream().mapToDouble(f).toArray());
    }

    private static double min(List<Results.Measurement> m, ToDoubleFunction<Results.Measurement> f) {
        return m.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    /** "median (min–max)" of one value over the measurements. */
    private static String spread(
            List<Results.Measurement> m,
            ToDoubleFunction<Results.Measurement> f,
            java.util.function.DoubleFunction<String> format) {
        double[] v = m.stream().mapToDouble(f).toArray();
        if (v.length == 0) {
            return "–";
        }
        return format.apply(Stats.median(v)) + " ("
                + format.apply(Arrays.stream(v).min().getAsDouble()) + "–"
                + format.apply(Arrays.stream(v).max().getAsDouble()) + ")";
    }

    /** "**median** (min–max)" of per-round ratios. */
    private static String spreadOf(List<Double> v) {
        if (v.isEmpty()) {
            return "–";
        }
        double min = v.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
        double max = v.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        return "**" + f2(Stats.median(v)) + "** (" + f2(min) + "–" + f2(max) + ")";
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private void writeCsvs() throws IOException {
        StringBuilder t = new StringBuilder("round,model,workload,configuration,records,seconds,records_per_s,"
                + "cpu_seconds,records_per_cpu_second,broker_cpu_seconds,padding_efficiency,batches\n");
        for (Results.Measurement x : r.measurements) {
            t.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%s,%s,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.4f,%d%n",
                    x.round(),
                    x.model(),
                    x.workload(),
                    x.config(),
                    x.records(),
                    x.seconds(),
                    x.rps(),
                    x.cpuSeconds(),
                    x.perCpuSecond(),
                    x.brokerCpuSeconds(),
                    x.padding(),
                    x.batches()));
        }
        Files.writeString(o.outDir.resolve("measurements.csv"), t);
        StringBuilder c = new StringBuilder(
                "model,workload,batching,budget_tokens,records_per_s,records_per_cpu_second,padding_efficiency\n");
        r.calibration.forEach(x -> c.append(String.format(
                Locale.ROOT,
                "%s,%s,%s,%d,%.2f,%.2f,%.4f%n",
                x.model(),
                x.workload(),
                x.batching(),
                x.budget(),
                x.rps(),
                x.perCpuSecond(),
                x.padding())));
        Files.writeString(o.outDir.resolve("calibration.csv"), c);
        StringBuilder l = new StringBuilder("model,workload,delivery,run,checkpoint_ms,load_percent,offered_per_s,"
                + "records,achieved_per_s,p50_ms,p99_ms,p99_9_ms,max_ms,job_cores,jit_cores,broker_cores,"
                + "load_generator_cores,machine_cores,inference_cores,texts_per_batch,"
                + "p99_ms_per_" + PipelineBenchmark.TIMELINE_SECONDS + "_s\n");
        r.latency.forEach(x -> l.append(String.format(
                Locale.ROOT,
                "%s,%s,%s,%d,%d,%d,%.2f,%d,%.2f,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%s%n",
                x.model(),
                x.workload(),
                x.guarantee(),
                x.run(),
                x.checkpointMs(),
                x.load(),
                x.offered(),
                x.records(),
                x.achieved(),
                x.p50(),
                x.p99(),
                x.p999(),
                x.max(),
                x.jobCores(),
                x.jitCores(),
                x.brokerCores(),
                x.loadGeneratorCores(),
                x.machineCores(),
                x.inferenceCores(),
                x.textsPerBatch(),
                x.timelineText())));
        Files.writeString(o.outDir.resolve("latency.csv"), l);
        StringBuilder rs = new StringBuilder("model,workload,warm_up_rounds,load_percent,offered_per_s,killed_at_s,"
                + "seconds_to_steady,seconds_to_steady_from_start,p99_before_ms,max_after_ms,dead_letters,p99_ms_per_"
                + PipelineBenchmark.TIMELINE_SECONDS + "_s\n");
        r.restarts.forEach(x -> rs.append(String.format(
                Locale.ROOT,
                "%s,%s,%d,%d,%.2f,%.1f,%.0f,%.0f,%d,%d,%d,%s%n",
                x.model(),
                x.workload(),
                x.warmUpRounds(),
                x.load(),
                x.offered(),
                x.killedAtSeconds(),
                x.secondsToSteady(),
                x.secondsToSteadyFromStart(),
                x.p99Before(),
                x.maxAfter(),
                x.deadLetters(),
                x.timelineText())));
        Files.writeString(o.outDir.resolve("restart.csv"), rs);
    }
}
