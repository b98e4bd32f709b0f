package org.sentimentstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.samskivert.mustache.Mustache;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Writes docs/bench/*.csv, the latency chart and docs/benchmarks.md from one run's {@link Results}. The document's
 * text and tables are the template {@value #TEMPLATE}; this class computes the values that fill it.
 */
final class Report {

    static final String TEMPLATE = "/bench/benchmarks.md.mustache";

    record Target(String name, String measured, String threshold, String verdict) {}

    record Headline(
            String workload,
            String toCeiling,
            String p1ToCeiling,
            String p2ToCeiling,
            String toNaiveA,
            String toNaiveB,
            String padding,
            String perCpuSecond) {}

    record Throughput(
            String workload,
            String config,
            String model,
            String batch,
            int records,
            String eachRound,
            String median,
            String toCeiling,
            String padding,
            String batches,
            String cores,
            String batcherShare) {}

    record Cpu(String workload, String config, List<String> shares, String cores) {}

    record Variant(String workload, String model, String ceiling, String pipeline) {}

    record Accuracy(String model, String accuracy, String examples) {}

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
        if (!r.latency.isEmpty()) {
            chart(o.outDir.resolve("latency.png"));
        }
        machine();
        workloads();
        if (!r.rows.isEmpty()) {
            headline();
            throughput();
        }
        sweep();
        padding();
        latency();
        memory();
        jmh();
        values.put("targets", targets);
        values.put("hasTargets", !targets.isEmpty());
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
        values.put("seconds", Math.round(r.seconds));
        values.put("cores", r.cores);
        values.put("cpuModel", cpu);
        values.put("memoryTotal", mem);
        values.put("loadBefore", loadOf(r.loadBefore));
        values.put("loadAfter", loadOf(r.loadAfter));
        values.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        values.put("onnxRuntime", ort == null ? "1.28.0" : ort);
        values.put("git", git());
        values.put("model", o.model);
        values.put(
                "variants",
                o.variants.entrySet().stream()
                        .map(e -> Map.of("name", e.getKey(), "dir", e.getValue()))
                        .collect(Collectors.toList()));
        values.put("delivery", o.settings.get("sentiment.delivery-guarantee"));
        values.put("checkpointMs", o.checkpointIntervalMs);
        values.put("variantParallelism", o.variantParallelism);
        values.put("latencyWorkload", o.latencyWorkload);
        values.put("latencyParallelism", o.latencyParallelism);
        values.put("memoryRecords", o.memoryRecords);
        values.put("naivePaddedPercent", Math.round(o.naivePaddedFraction * 100));
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
                "sst2",
                "SST-2 phrases as they are",
                "mix",
                "1/2 phrases, 1/4 reviews of 2-3 phrases, 1/4 long reviews, shuffled",
                "long",
                "phrases joined to 60-127 tokens (never truncated)");
        List<Map<String, Object>> rows = new ArrayList<>();
        r.lengths.forEach((w, l) -> rows.add(Map.of(
                "name",
                w,
                "what",
                what.getOrDefault(w, ""),
                "records",
                l.length,
                "p50",
                Stats.percentile(l, 50),
                "p90",
                Stats.percentile(l, 90),
                "p99",
                Stats.percentile(l, 99),
                "max",
                Arrays.stream(l).max().orElse(0),
                "mean",
                f1(Arrays.stream(l).average().orElse(0)))));
        values.put("workloads", rows);
    }

    private double best(int round, String w, String model, String a, String b) {
        OptionalDouble x = r.rps(round, w, a, model);
        OptionalDouble y = r.rps(round, w, b, model);
        if (x.isEmpty() && y.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(x.orElse(0), y.orElse(0));
    }

    private double ratio(int round, String w, String num, String den) {
        OptionalDouble a = r.rps(round, w, num, "fp32");
        OptionalDouble b = r.rps(round, w, den, "fp32");
        return a.isPresent() && b.isPresent() ? a.getAsDouble() / b.getAsDouble() : Double.NaN;
    }

    private void headline() {
        String p1 = "pipeline p1";
        String p2 = "pipeline p2";
        String c1 = "ceiling 1x" + r.cores;
        String c2 = "ceiling 2x1";
        List<Headline> rows = new ArrayList<>();
        List<String> exactlyOnceCost = new ArrayList<>();
        for (String w : r.lengths.keySet()) {
            List<Double> toCeiling = r.perRound(k -> best(k, w, "fp32", p1, p2) / best(k, w, "fp32", c1, c2));
            List<Double> a = r.perRound(k -> ratio(k, w, p2, "naive-a p2"));
            List<Double> b = r.perRound(k -> ratio(k, w, p2, "naive-b p2"));
            double pad1 = r.rows(w, p1, "fp32").stream()
                    .mapToDouble(x -> x.padding())
                    .average()
                    .orElse(Double.NaN);
            double pad2 = r.rows(w, p2, "fp32").stream()
                    .mapToDouble(x -> x.padding())
                    .average()
                    .orElse(Double.NaN);
            List<Double> perCpu = r.perRound(k -> perCpuSecond(k, w, p2) / perCpuSecond(k, w, c2));
            rows.add(new Headline(
                    w,
                    fmt(toCeiling),
                    fmt(r.perRound(k -> ratio(k, w, p1, c1))),
                    fmt(r.perRound(k -> ratio(k, w, p2, c2))),
                    fmt(a),
                    fmt(b),
                    f3(pad1) + ", " + f3(pad2),
                    fmt(perCpu)));
            target("e2e >= 0.9 x ceiling (" + w + ")", Stats.median(toCeiling), 0.9);
            target("e2e >= 0.9 x ceiling, records per CPU-second, p2 (" + w + ")", Stats.median(perCpu), 0.9);
            double aBest = Stats.median(r.perRound(k -> best(k, w, "fp32", p1, p2)
                    / r.rps(k, w, "naive-a p2", "fp32").orElse(Double.NaN)));
            double bBest = Stats.median(r.perRound(k -> best(k, w, "fp32", p1, p2)
                    / r.rps(k, w, "naive-b p2", "fp32").orElse(Double.NaN)));
            if (w.equals("sst2")) {
                target("best pipeline >= 1.5 x naive (a) (sst2)", aBest, 1.5);
                target("best pipeline >= 3 x naive (b) (sst2)", bBest, 3.0);
            } else {
                target("best pipeline ahead of naive (a) (" + w + ")", aBest, 1.0);
                target("best pipeline ahead of naive (b) (" + w + ")", bBest, 1.0);
            }
            List<Double> eo = r.perRound(k -> ratio(k, w, p2 + " exactly-once", p2));
            if (!eo.isEmpty()) {
                exactlyOnceCost.add(w + " " + fmt(eo));
            }
            if (w.equals("mix")) {
                target("padding efficiency >= 0.9 on the mix (pipeline, measured)", Math.min(pad1, pad2), 0.9);
            }
        }
        values.put("hasThroughput", true);
        values.put("headline", rows);
        values.put("exactlyOnceCost", exactlyOnceCost.isEmpty() ? false : String.join("; ", exactlyOnceCost));
    }

    private double perCpuSecond(int round, String w, String config) {
        return r.rows.stream()
                .filter(x -> x.round() == round
                        && x.workload().equals(w)
                        && x.config().equals(config)
                        && x.model().equals("fp32"))
                .mapToDouble(x -> x.rps() / x.cores())
                .findFirst()
                .orElse(Double.NaN);
    }

    private void throughput() {
        Map<String, List<Results.Row>> groups = new LinkedHashMap<>();
        for (Results.Row row : r.rows) {
            groups.computeIfAbsent(row.workload() + "|" + row.config() + "|" + row.model(), k -> new ArrayList<>())
                    .add(row);
        }
        List<String> order = new ArrayList<>(r.lengths.keySet());
        List<String> keys = new ArrayList<>(groups.keySet());
        keys.sort(Comparator.<String>comparingInt(k -> order.indexOf(k.split("\\|")[0]))
                .thenComparing(k -> k));
        String c1 = "ceiling 1x" + r.cores;
        List<Throughput> rows = new ArrayList<>();
        for (String key : keys) {
            List<Results.Row> g = groups.get(key);
            Results.Row first = g.get(0);
            List<Double> x = r.perRound(k ->
                    r.rps(k, first.workload(), first.config(), first.model()).orElse(Double.NaN)
                            / r.rps(k, first.workload(), c1, first.model()).orElse(Double.NaN));
            rows.add(new Throughput(
                    first.workload(),
                    first.config(),
                    first.model(),
                    first.batchSize() == 0 ? "–" : Integer.toString(first.batchSize()),
                    first.records(),
                    g.stream().map(y -> f1(y.rps())).collect(Collectors.joining(", ")),
                    f1(Stats.median(g.stream().mapToDouble(y -> y.rps()).toArray())),
                    f2(Stats.median(x)),
                    f3(g.stream().mapToDouble(y -> y.padding()).average().orElse(Double.NaN)),
                    first.config().startsWith("pipeline")
                            ? Long.toString(
                                    g.stream().mapToLong(y -> y.batches()).sum() / g.size())
                            : "–",
                    f2(g.stream().mapToDouble(y -> y.cores()).average().orElse(Double.NaN)),
                    Double.isNaN(first.inferenceShare())
                            ? "–"
                            : f2(g.stream()
                                    .mapToDouble(y -> y.inferenceShare())
                                    .average()
                                    .orElse(Double.NaN))));
        }
        values.put("throughput", rows);
        cpuBreakdown();
        values.put("hasVariants", !o.variants.isEmpty());
        String pv = "pipeline p" + o.variantParallelism;
        List<Variant> variants = new ArrayList<>();
        for (String w : r.lengths.keySet()) {
            for (String v : o.variants.keySet()) {
                variants.add(new Variant(
                        w,
                        v,
                        fmt(r.perRound(k -> r.rps(k, w, c1, v).orElse(Double.NaN)
                                / r.rps(k, w, c1, "fp32").orElse(Double.NaN))),
                        fmt(r.perRound(k -> r.rps(k, w, pv, v).orElse(Double.NaN)
                                / r.rps(k, w, pv, "fp32").orElse(Double.NaN)))));
            }
        }
        values.put("variantRows", variants);
        List<Accuracy> accuracy = accuracy();
        values.put("hasAccuracy", !accuracy.isEmpty());
        values.put("accuracy", accuracy);
    }

    /** Where the JVM's CPU went during the end-to-end measurements: the gap to the ceiling, explained. */
    private void cpuBreakdown() {
        String[] categories = E2eHarness.CpuTime.CATEGORIES;
        values.put("cpuCategories", Arrays.asList(categories).subList(1, categories.length));
        Map<String, List<Results.Row>> groups = new LinkedHashMap<>();
        for (Results.Row row : r.rows) {
            if (row.cpuByCategory() != null && row.model().equals("fp32")) {
                groups.computeIfAbsent(row.workload() + "|" + row.config(), k -> new ArrayList<>())
                        .add(row);
            }
        }
        List<Cpu> rows = new ArrayList<>();
        for (List<Results.Row> g : groups.values()) {
            List<String> shares = new ArrayList<>();
            for (int c = 1; c < categories.length; c++) {
                int cat = c;
                shares.add(String.format(
                        Locale.ROOT,
                        "%.0f",
                        100
                                * g.stream()
                                        .mapToDouble(x -> x.cpuByCategory()[cat] / x.cpuByCategory()[0])
                                        .average()
                                        .orElse(Double.NaN)));
            }
            rows.add(new Cpu(
                    g.get(0).workload(),
                    g.get(0).config(),
                    shares,
                    f2(g.stream().mapToDouble(x -> x.cores()).average().orElse(Double.NaN))));
        }
        values.put("cpu", rows);
    }

    /** The eval command's accuracy per model directory under {@code --accuracy-dir}, if there is any. */
    private List<Accuracy> accuracy() {
        List<Accuracy> rows = new ArrayList<>();
        if (!Files.isDirectory(o.accuracyDir)) {
            return rows;
        }
        try (var dirs = Files.list(o.accuracyDir)) {
            for (Path d : dirs.sorted().collect(Collectors.toList())) {
                Path json = findJson(d);
                if (json == null) {
                    continue;
                }
                JsonNode n = PipelineBenchmark.JSON.readTree(json.toFile());
                JsonNode acc = n.findValue("accuracy");
                JsonNode count = n.findValue("examples");
                if (acc != null) {
                    rows.add(new Accuracy(
                            d.getFileName().toString(),
                            f2(acc.asDouble() * (acc.asDouble() <= 1 ? 100 : 1)),
                            count == null ? "?" : count.asText()));
                }
            }
        } catch (IOException e) {
            rows.add(new Accuracy("(could not read " + o.accuracyDir + ": " + e.getMessage() + ")", "?", ""));
        }
        return rows;
    }

    private static Path findJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).findFirst().orElse(null);
        }
    }

    private void sweep() {
        values.put("hasSweep", !r.sweep.isEmpty());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String w : r.lengths.keySet()) {
            double best = r.sweep.stream()
                    .filter(x -> x.workload().equals(w))
                    .mapToDouble(Results.Row::rps)
                    .max()
                    .orElse(1);
            r.sweep.stream()
                    .filter(x -> x.workload().equals(w))
                    .forEach(x -> rows.add(Map.of(
                            "workload",
                            w,
                            "batch",
                            x.batchSize(),
                            "records",
                            x.records(),
                            "rps",
                            f1(x.rps()),
                            "toBest",
                            f2(x.rps() / best))));
        }
        values.put("sweep", rows);
    }

    private void padding() {
        values.put("hasPadding", !r.padding.isEmpty());
        if (r.padding.isEmpty()) {
            return;
        }
        values.put("paddingBatch", r.padding.get(0).batchSize());
        Map<String, List<Results.Row>> groups = new LinkedHashMap<>();
        r.padding.forEach(
                x -> groups.computeIfAbsent(x.config(), k -> new ArrayList<>()).add(x));
        List<Map<String, Object>> rows = new ArrayList<>();
        groups.forEach((strategy, g) -> {
            List<Double> ratios = new ArrayList<>();
            for (Results.Row x : g) {
                r.padding.stream()
                        .filter(y -> y.round() == x.round() && y.config().equals("fixed 128"))
                        .findFirst()
                        .ifPresent(y -> ratios.add(x.rps() / y.rps()));
            }
            rows.add(Map.of(
                    "strategy",
                    strategy,
                    "efficiency",
                    f3(g.get(0).padding()),
                    "eachRound",
                    g.stream().map(y -> f1(y.rps())).collect(Collectors.joining(", ")),
                    "toFixed",
                    fmt(ratios)));
        });
        values.put("padding", rows);
    }

    private void latency() {
        values.put("hasLatency", !r.latency.isEmpty());
        values.put("capacity", f1(r.capacity));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Results.Latency l : r.latency) {
            rows.add(Map.of(
                    "system",
                    l.system(),
                    "guarantee",
                    l.guarantee(),
                    "load",
                    l.load(),
                    "offered",
                    f1(l.offered()),
                    "records",
                    l.records(),
                    "achieved",
                    f1(l.achieved()),
                    "p50",
                    l.p50(),
                    "p95",
                    l.p95(),
                    "p99",
                    l.p99(),
                    "cores",
                    f2(l.cores())));
            if (l.load() == 50 && l.system().startsWith("pipeline")) {
                targets.add(new Target(
                        "p99 latency at 50 % load <= 250 ms (" + l.guarantee() + ")",
                        String.format(Locale.ROOT, "%.2f ms", (double) l.p99()),
                        "<= 250.0 ms",
                        l.p99() <= 250 ? "met" : "**missed**"));
            }
        }
        values.put("latency", rows);
    }

    private void memory() {
        values.put("hasMemory", !r.memory.isEmpty());
        values.put(
                "memory",
                r.memory.stream()
                        .map(m -> Map.of(
                                "mode",
                                m.mode(),
                                "beforeMb",
                                m.beforeKb() / 1024,
                                "afterMb",
                                m.afterKb() / 1024,
                                "addedMb",
                                (m.afterKb() - m.beforeKb()) / 1024,
                                "peakMb",
                                m.hwmKb() / 1024))
                        .collect(Collectors.toList()));
    }

    /** JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: workload". */
    private void jmh() throws IOException {
        List<String> lines = Files.exists(o.jmh) ? Files.readAllLines(o.jmh) : List.of();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = l.replace("\"", "").split(",");
            if (f.length >= 7) {
                rows.add(Map.of(
                        "benchmark",
                        f[0].replace("org.sentimentstream.bench.", ""),
                        "workload",
                        f.length > 7 ? f[7] : "",
                        "score",
                        f2(Double.parseDouble(f[4])),
                        "error",
                        f2(parseOr(f[5])),
                        "unit",
                        f[6]));
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

    private void target(String name, double value, double threshold) {
        targets.add(new Target(
                name,
                f2(value),
                String.valueOf(threshold),
                Double.isNaN(value) ? "not measured" : value >= threshold ? "met" : "**missed**"));
    }

    /** The median in bold, then each round's value. */
    private static String fmt(List<Double> v) {
        if (v.isEmpty()) {
            return "–";
        }
        return "**" + f2(Stats.median(v)) + "** (" + v.stream().map(Report::f2).collect(Collectors.joining(", ")) + ")";
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
        StringBuilder t = new StringBuilder("round,workload,configuration,model,batch_size,records,records_per_s,"
                + "padding_efficiency,batches,jvm_cores_used,batcher_cpu_share\n");
        for (Results.Row x : r.rows) {
            t.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%s,%s,%d,%d,%.2f,%.4f,%d,%.3f,%.3f%n",
                    x.round(),
                    x.workload(),
                    x.config(),
                    x.model(),
                    x.batchSize(),
                    x.records(),
                    x.rps(),
                    x.padding(),
                    x.batches(),
                    x.cores(),
                    x.inferenceShare()));
        }
        Files.writeString(o.outDir.resolve("throughput.csv"), t);
        StringBuilder s = new StringBuilder("workload,batch_size,records,records_per_s\n");
        r.sweep.forEach(x -> s.append(
                String.format(Locale.ROOT, "%s,%d,%d,%.2f%n", x.workload(), x.batchSize(), x.records(), x.rps())));
        Files.writeString(o.outDir.resolve("ceiling-sweep.csv"), s);
        StringBuilder p = new StringBuilder("round,strategy,batch_size,records,records_per_s,padding_efficiency\n");
        r.padding.forEach(x -> p.append(String.format(
                Locale.ROOT,
                "%d,%s,%d,%d,%.2f,%.4f%n",
                x.round(),
                x.config(),
                x.batchSize(),
                x.records(),
                x.rps(),
                x.padding())));
        Files.writeString(o.outDir.resolve("padding.csv"), p);
        StringBuilder l = new StringBuilder("system,delivery,load_percent,offered_per_s,records,achieved_per_s,p50_ms,"
                + "p95_ms,p99_ms,jvm_cores_used\n");
        r.latency.forEach(x -> l.append(String.format(
                Locale.ROOT,
                "%s,%s,%d,%.2f,%d,%.2f,%d,%d,%d,%.3f%n",
                x.system(),
                x.guarantee(),
                x.load(),
                x.offered(),
                x.records(),
                x.achieved(),
                x.p50(),
                x.p95(),
                x.p99(),
                x.cores())));
        Files.writeString(o.outDir.resolve("latency.csv"), l);
        StringBuilder m = new StringBuilder("mode,rss_before_kb,rss_after_kb,vm_hwm_kb,records\n");
        r.memory.forEach(x -> m.append(String.format(
                Locale.ROOT, "%s,%d,%d,%d,%d%n", x.mode(), x.beforeKb(), x.afterKb(), x.hwmKb(), x.records())));
        Files.writeString(o.outDir.resolve("memory.csv"), m);
        StringBuilder w = new StringBuilder("workload,records,p50,p90,p99,max,mean\n");
        r.lengths.forEach((k, v) -> w.append(String.format(
                Locale.ROOT,
                "%s,%d,%d,%d,%d,%d,%.2f%n",
                k,
                v.length,
                Stats.percentile(v, 50),
                Stats.percentile(v, 90),
                Stats.percentile(v, 99),
                Arrays.stream(v).max().orElse(0),
                Arrays.stream(v).average().orElse(0))));
        Files.writeString(o.outDir.resolve("workloads.csv"), w);
    }

    private void chart(Path file) throws IOException {
        XYSeriesCollection throughput = new XYSeriesCollection();
        XYSeriesCollection p99 = new XYSeriesCollection();
        Map<String, XYSeries[]> series = new LinkedHashMap<>();
        for (Results.Latency l : r.latency) {
            if (!l.guarantee().equals("AT_LEAST_ONCE")) {
                continue;
            }
            XYSeries[] s = series.computeIfAbsent(l.system(), k -> new XYSeries[] {new XYSeries(k), new XYSeries(k)});
            s[0].add(l.offered(), l.achieved());
            s[1].add(l.offered(), Math.max(1, l.p99()));
        }
        for (XYSeries[] s : series.values()) {
            throughput.addSeries(s[0]);
            p99.addSeries(s[1]);
        }
        NumberAxis x = new NumberAxis("offered load (records/s)");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        java.awt.Color[] colors = {new java.awt.Color(0xD6, 0x27, 0x28), new java.awt.Color(0x1F, 0x77, 0xB4)};
        XYLineAndShapeRenderer top = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer bottom = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series.size(); i++) {
            top.setSeriesPaint(i, colors[i % colors.length]);
            bottom.setSeriesPaint(i, colors[i % colors.length]);
            bottom.setSeriesVisibleInLegend(i, false);
        }
        plot.add(new XYPlot(throughput, null, new NumberAxis("achieved records/s"), top), 1);
        LogarithmicAxis latencyAxis = new LogarithmicAxis("p99 latency (ms, log)");
        latencyAxis.setAllowNegativesFlag(false);
        plot.add(new XYPlot(p99, null, latencyAxis, bottom), 1);
        JFreeChart chart = new JFreeChart(
                String.format(
                        Locale.ROOT,
                        "%s, parallelism %d, %d cores: this project vs naive per-record map",
                        o.latencyWorkload,
                        o.latencyParallelism,
                        r.cores),
                JFreeChart.DEFAULT_TITLE_FONT,
                plot,
                true);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 700);
    }
}
