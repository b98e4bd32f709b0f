package org.sentimentstream.bench;

import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.internal.BatchPlanner;
import org.sentimentstream.udf.internal.ReviewTokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * The ONNX Runtime ceiling, this project end to end (Kafka -> job -> Kafka, parallelism 1 and 2), the naive
 * per-record job (unpadded and padded to 128), int8 beside fp32, padding strategies, latency under an open-loop
 * load, and (in two child JVMs) TaskManager memory per-slot vs shared, in one process so that every configuration
 * meets the same machine. Configurations take turns round-robin, the first one rotating each round, and every
 * claim is a ratio within a round: the machine may be shared. Writes CSV files, a chart and the Markdown report
 * ({@link Report}). {@code --help} lists the options.
 */
public final class PipelineBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();

    @Command(
            name = "PipelineBenchmark",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "The pipeline against the ONNX Runtime ceiling and the naive per-record job.")
    static final class Options implements Callable<Integer> {
        static final Map<String, Integer> DEFAULT_RECORDS = Map.of("sst2", 400, "mix", 160, "long", 64);

        @Option(names = "--model", description = "The fp32 model directory.")
        Path model = Path.of(".cache/distilbert-base-shape");

        @Option(
                names = "--variant",
                paramLabel = "NAME=DIR",
                description = "Also measure this model (ceiling and pipeline), e.g. int8=.cache/...-int8.")
        Map<String, Path> variants = new LinkedHashMap<>();

        @Option(
                names = "--records",
                split = ",",
                paramLabel = "WORKLOAD=N",
                showDefaultValue = Visibility.NEVER,
                description = "Records per workload (default sst2=400, mix=160, long=64).")
        Map<String, Integer> records = new LinkedHashMap<>();

        @Option(names = "--workloads", split = ",")
        List<String> workloads = List.of("sst2", "mix", "long");

        @Option(
                names = "--naive-padded-fraction",
                description = "Share of each workload's records the naive job padded to 128 scores (it is slow).")
        double naivePaddedFraction = 0.25;

        @Option(names = "--rounds")
        int rounds = 2;

        @Option(names = "--sweep-sizes", split = ",", description = "Batch sizes of the ceiling sweep.")
        int[] sweepSizes = {1, 4, 8, 16};

        @Option(names = "--sweep-records")
        int sweepRecords = 120;

        @Option(names = "--padding-rounds")
        int paddingRounds = 1;

        @Option(names = "--checkpoint-interval-ms")
        long checkpointIntervalMs = 1000;

        @Option(names = "--delivery", description = "Delivery guarantee of the throughput runs.")
        String delivery = "AT_LEAST_ONCE";

        @Option(
                names = "--exactly-once-row",
                arity = "1",
                description = "Add a pipeline p2 row with EXACTLY_ONCE delivery.")
        boolean exactlyOnceRow = true;

        @Option(names = "--latency-workload")
        String latencyWorkload = "sst2";

        @Option(names = "--latency-parallelism")
        int latencyParallelism = 2;

        @Option(names = "--loads", split = ",", description = "Offered loads, %% of the pipeline's capacity.")
        int[] loads = {25, 50, 75, 100};

        @Option(names = "--latency-seconds", description = "Length of each latency run at its offered rate.")
        double latencySeconds = 5;

        @Option(names = "--variant-parallelism")
        int variantParallelism = 2;

        @Option(names = "--out-dir", description = "Where the CSV files and the chart go.")
        Path outDir = Path.of("docs/bench");

        @Option(names = "--report")
        Path report = Path.of("docs/benchmarks.md");

        @Option(names = "--jmh", description = "JMH results (CSV) to include, if the file exists.")
        Path jmh = Path.of("docs/bench/jmh.csv");

        @Option(names = "--accuracy-dir", description = "Output of the eval command per model, if it exists.")
        Path accuracyDir = Path.of(".cache/bench-eval");

        @Option(names = "--command", description = "The command line the report names as its source.")
        String command = "bench/run.sh";

        @Option(names = "--phases", split = ",")
        List<String> phases = List.of("memory", "ceiling", "e2e", "padding", "latency");

        @Option(names = "--memory-mode", hidden = true, description = "Run as the memory probe's child JVM.")
        String memoryMode;

        @Option(names = "--memory-records")
        int memoryRecords = 300;

        @Option(
                names = "--only",
                split = ",",
                description = "Run only the configurations whose name contains one of these (for diagnosis).")
        List<String> only = List.of();

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A job setting for every pipeline job.")
        Map<String, String> settings = new LinkedHashMap<>();

        @Option(
                names = "--pipeline-variant",
                paramLabel = "NAME:KEY=VALUE[,KEY=VALUE...]",
                converter = PipelineVariant.Converter.class,
                description = "An extra fp32 pipeline configuration, e.g. "
                        + "big:parallelism=2,sentiment.max-batch-size=16 (parallelism defaults to 2).")
        List<PipelineVariant> pipelineVariants = new ArrayList<>();

        int records(String workload) {
            return records.getOrDefault(workload, DEFAULT_RECORDS.get(workload));
        }

        Duration checkpointInterval() {
            return Duration.ofMillis(checkpointIntervalMs);
        }

        @Override
        public Integer call() throws Exception {
            run(this);
            return 0;
        }
    }

    /** An extra pipeline configuration: its name, parallelism and job settings. */
    record PipelineVariant(String name, int parallelism, Map<String, String> settings) {
        static final class Converter implements ITypeConverter<PipelineVariant> {
            @Override
            public PipelineVariant convert(String value) {
                String[] nameAndSettings = value.split(":", 2);
                if (nameAndSettings.length < 2) {
                    throw new TypeConversionException("expected NAME:KEY=VALUE[,KEY=VALUE...], was " + value);
                }
                Map<String, String> settings = new LinkedHashMap<>();
                for (String kv : nameAndSettings[1].split(",")) {
                    String[] p = kv.split("=", 2);
                    if (p.length < 2) {
                        throw new TypeConversionException("expected KEY=VALUE, was " + kv);
                    }
                    settings.put(p[0], p[1]);
                }
                int parallelism = Integer.parseInt(settings.getOrDefault("parallelism", "2"));
                settings.remove("parallelism");
                return new PipelineVariant(nameAndSettings[0], parallelism, settings);
            }
        }
    }

    public static void main(String[] args) {
        // exit also on success: Flink and Kafka leave non-daemon threads behind
        System.exit(new CommandLine(new Options()).execute(args));
    }

    static void run(Options o) throws Exception {
        o.settings.putIfAbsent("sentiment.delivery-guarantee", o.delivery);
        if (o.exactlyOnceRow
                && o.pipelineVariants.stream().noneMatch(v -> v.name().startsWith("exactly-once"))) {
            o.pipelineVariants.add(
                    new PipelineVariant("exactly-once", 2, Map.of("sentiment.delivery-guarantee", "EXACTLY_ONCE")));
        }
        List<String> phrases = Workloads.bundledPhrases();
        if (o.memoryMode != null) {
            MemoryProbe.child(o, phrases);
            return;
        }
        Results results = new Results();
        results.startedAt = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .withNano(0)
                .toString();
        results.loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();

        ReviewTokenizer tokenizer = ReviewTokenizer.open(o.model.resolve("tokenizer.json"), 128);
        Map<String, List<String>> workloads = new LinkedHashMap<>();
        Map<String, List<long[]>> tokenized = new LinkedHashMap<>();
        for (String w : o.workloads) {
            List<String> texts = buildWorkload(
                    w, phrases, o.records(w), t -> tokenizer.encode(t).length());
            workloads.put(w, texts);
            List<long[]> ids = new ArrayList<>();
            for (String t : texts) {
                ids.add(tokenizer.encode(t).ids());
            }
            tokenized.put(w, ids);
            results.lengths.put(w, ids.stream().mapToInt(a -> a.length).toArray());
            log("workload %s: %s", w, Workloads.lengthSummary(results.lengths.get(w)));
        }
        List<String> warmupTexts = phrases.subList(phrases.size() - 16, phrases.size());

        if (o.phases.contains("memory")) {
            results.memory.addAll(MemoryProbe.runChildren(o));
        }

        int cores = Runtime.getRuntime().availableProcessors();
        results.cores = cores;
        try (E2eHarness harness = new E2eHarness(o.checkpointInterval())) {
            Map<String, Integer> bestSize = new LinkedHashMap<>();
            if (o.phases.contains("ceiling") || o.phases.contains("e2e")) {
                try (Ceiling ceiling = new Ceiling(o.model, 1, cores)) {
                    for (String w : o.workloads) {
                        List<long[]> all = tokenized.get(w);
                        List<long[]> ids = all.subList(0, Math.min(o.sweepRecords, all.size()));
                        ceiling.run(Ceiling.sortedBatches(ids.subList(0, Math.min(32, ids.size())), 8)); // warm-up
                        double best = 0;
                        for (int size : o.sweepSizes) {
                            double rps = ceiling.run(Ceiling.sortedBatches(ids, size));
                            results.sweep.add(Results.Row.ceiling(
                                    0, w, "ceiling sweep", "fp32", size, ids.size(), rps, Double.NaN));
                            log("ceiling sweep %s batch %d: %.1f records/s", w, size, rps);
                            if (rps > best) {
                                best = rps;
                                bestSize.put(w, size);
                            }
                        }
                    }
                }
            }
            if (o.phases.contains("e2e") || o.phases.contains("latency")) {
                // untimed: JIT-compile Flink's, Kafka's and our code paths before the first measured job
                List<String> texts = workloads.get(o.workloads.get(0));
                for (E2eHarness.Scoring s : List.of(E2eHarness.Scoring.PIPELINE, E2eHarness.Scoring.NAIVE_UNPADDED)) {
                    harness.run(
                            new E2eHarness.JobSpec("jit-warmup", s, 2, o.model.toString(), o.settings),
                            warmupTexts,
                            texts.subList(0, Math.min(200, texts.size())),
                            0);
                }
                log("warm-up jobs done");
            }
            if (o.phases.contains("e2e")) {
                runRounds(o, harness, workloads, tokenized, warmupTexts, bestSize, results);
            }
            if (o.phases.contains("padding")) {
                runPadding(o, tokenized.get(o.workloads.contains("mix") ? "mix" : o.workloads.get(0)), results);
            }
            if (o.phases.contains("latency")) {
                runLatency(o, harness, workloads.get(o.latencyWorkload), warmupTexts, results);
            }
        }
        results.loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        results.seconds = (System.nanoTime() - t0) / 1e9;
        new Report(o, results).write();
        log("done in %.0f s; report %s", results.seconds, o.report);
    }

    private static void runRounds(
            Options o,
            E2eHarness harness,
            Map<String, List<String>> workloads,
            Map<String, List<long[]>> tokenized,
            List<String> warmup,
            Map<String, Integer> bestSize,
            Results results)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String fp32 = o.model.toString();
        for (int round = 1; round <= o.rounds; round++) {
            for (String w : o.workloads) {
                List<String> texts = workloads.get(w);
                List<String> naivePadded = texts.subList(0, Math.min(texts.size(), Math.max(16, (int)
                        (texts.size() * o.naivePaddedFraction))));
                int size = bestSize.getOrDefault(w, 16);
                List<Runnable> configs = new ArrayList<>();
                List<String> names = new ArrayList<>();
                int r = round;
                names.add("ceiling 1x" + cores);
                configs.add(unchecked(() -> ceilingRow(
                        results, r, w, "ceiling 1x" + cores, "fp32", o.model, 1, cores, size, tokenized.get(w))));
                names.add("ceiling 2x1");
                configs.add(unchecked(
                        () -> ceilingRow(results, r, w, "ceiling 2x1", "fp32", o.model, 2, 1, size, tokenized.get(w))));
                for (int p : new int[] {1, 2}) {
                    names.add("pipeline p" + p);
                    configs.add(unchecked(() -> e2eRow(
                            results,
                            harness,
                            r,
                            w,
                            "pipeline p" + p,
                            "fp32",
                            new E2eHarness.JobSpec("pipeline", E2eHarness.Scoring.PIPELINE, p, fp32, o.settings),
                            warmup,
                            texts)));
                }
                names.add("naive-a p2");
                configs.add(unchecked(() -> e2eRow(
                        results,
                        harness,
                        r,
                        w,
                        "naive-a p2",
                        "fp32",
                        new E2eHarness.JobSpec("naive-a", E2eHarness.Scoring.NAIVE_UNPADDED, 2, fp32, o.settings),
                        warmup,
                        texts)));
                names.add("naive-b p2");
                configs.add(unchecked(() -> e2eRow(
                        results,
                        harness,
                        r,
                        w,
                        "naive-b p2",
                        "fp32",
                        new E2eHarness.JobSpec("naive-b", E2eHarness.Scoring.NAIVE_PAD128, 2, fp32, o.settings),
                        warmup,
                        naivePadded)));
                for (PipelineVariant v : o.pipelineVariants) {
                    Map<String, String> settings = new LinkedHashMap<>(o.settings);
                    settings.putAll(v.settings());
                    int p = v.parallelism();
                    String name = "pipeline p" + p + " " + v.name();
                    names.add(name);
                    configs.add(unchecked(() -> e2eRow(
                            results,
                            harness,
                            r,
                            w,
                            name,
                            "fp32",
                            new E2eHarness.JobSpec("pipeline", E2eHarness.Scoring.PIPELINE, p, fp32, settings),
                            warmup,
                            texts)));
                }
                for (Map.Entry<String, Path> v : o.variants.entrySet()) {
                    names.add("ceiling 1x" + cores + " " + v.getKey());
                    names.add("pipeline p" + o.variantParallelism + " " + v.getKey());
                    configs.add(unchecked(() -> ceilingRow(
                            results,
                            r,
                            w,
                            "ceiling 1x" + cores,
                            v.getKey(),
                            v.getValue(),
                            1,
                            cores,
                            size,
                            tokenized.get(w))));
                    configs.add(unchecked(() -> e2eRow(
                            results,
                            harness,
                            r,
                            w,
                            "pipeline p" + o.variantParallelism,
                            v.getKey(),
                            new E2eHarness.JobSpec(
                                    "pipeline",
                                    E2eHarness.Scoring.PIPELINE,
                                    o.variantParallelism,
                                    v.getValue().toString(),
                                    o.settings),
                            warmup,
                            texts)));
                }
                int start = (round - 1) % configs.size();
                for (int i = 0; i < configs.size(); i++) {
                    int c = (start + i) % configs.size();
                    if (o.only.isEmpty() || o.only.stream().anyMatch(names.get(c)::contains)) {
                        configs.get(c).run();
                    }
                }
            }
        }
    }

    private static void ceilingRow(
            Results results,
            int round,
            String w,
            String config,
            String model,
            Path dir,
            int sessions,
            int threads,
            int size,
            List<long[]> ids)
            throws Exception {
        try (Ceiling c = new Ceiling(dir, sessions, threads)) {
            c.run(Ceiling.sortedBatches(ids.subList(0, Math.min(32, ids.size())), size)); // warm-up
            double[] before = E2eHarness.CpuTime.sample();
            long t0 = System.nanoTime();
            double rps = c.run(Ceiling.sortedBatches(ids, size));
            double wall = (System.nanoTime() - t0) / 1e9;
            results.rows.add(new Results.Row(
                    round,
                    w,
                    config,
                    model,
                    size,
                    ids.size(),
                    rps,
                    Ceiling.paddingEfficiency(
                            Ceiling.sortedBatches(ids, size),
                            ids.stream().mapToInt(a -> a.length).toArray()),
                    0,
                    null,
                    (E2eHarness.CpuTime.sample()[0] - before[0]) / wall,
                    Double.NaN));
            log("round %d %s %s [%s] batch %d: %.1f records/s", round, w, config, model, size, rps);
        }
    }

    private static void e2eRow(
            Results results,
            E2eHarness harness,
            int round,
            String w,
            String config,
            String model,
            E2eHarness.JobSpec spec,
            List<String> warmup,
            List<String> texts)
            throws Exception {
        E2eHarness.Outcome out = harness.run(spec, warmup, texts, 0);
        double padding = switch (spec.scoring()) {
            case PIPELINE -> out.paddingEfficiency();
            case NAIVE_UNPADDED -> 1.0;
            case NAIVE_PAD128 -> meanLength(results.lengths.get(w), texts.size()) / 128.0;
        };
        double wall = (out.lastCommittedMs - out.firstSentMs) / 1000.0;
        double inferenceShare = spec.scoring() == E2eHarness.Scoring.PIPELINE && out.batcherCpuSeconds > 0
                ? out.batcherCpuSeconds / out.processCpuSeconds
                : Double.NaN;
        Results.Row row = new Results.Row(
                round,
                w,
                config,
                model,
                0,
                texts.size(),
                out.recordsPerSecond(),
                padding,
                out.batches,
                out.cpuByCategory,
                out.processCpuSeconds / wall,
                inferenceShare);
        results.rows.add(row);
        log(
                "round %d %s %s [%s]: %d records, %.1f records/s, padding %.3f, batches %d, cores %.2f,"
                        + " batcher share %.2f",
                round,
                w,
                config,
                model,
                texts.size(),
                row.rps(),
                row.padding(),
                out.batches,
                row.cores(),
                row.inferenceShare());
    }

    private static double meanLength(int[] lengths, int n) {
        return Arrays.stream(lengths, 0, Math.min(n, lengths.length)).average().orElse(0);
    }

    /** Fixed 128 vs batch-longest (arrival order) vs the project's planner, raw ONNX Runtime, batch 8. */
    private static void runPadding(Options o, List<long[]> ids, Results results) throws Exception {
        int size = SentimentOptions.MAX_BATCH_SIZE.defaultValue();
        int[] lengths = ids.stream().mapToInt(a -> a.length).toArray();
        BatchPlanner planner =
                new BatchPlanner(size, SentimentOptions.MAX_BATCH_TOKENS.defaultValue(), new int[] {16, 32, 64});
        BatchPlanner noBuckets = new BatchPlanner(size, SentimentOptions.MAX_BATCH_TOKENS.defaultValue(), new int[0]);
        Map<String, List<List<long[]>>> strategies = new LinkedHashMap<>();
        strategies.put("fixed 128", Ceiling.fixedBatches(ids, size, 128));
        strategies.put("batch-longest, arrival order", Ceiling.chunks(ids, size));
        strategies.put("sorted window of 32, no buckets", Ceiling.plannedBatches(ids, 32, noBuckets));
        strategies.put("sorted window of 32, buckets 16,32,64", Ceiling.plannedBatches(ids, 32, planner));
        strategies.put("fully sorted (ceiling)", Ceiling.sortedBatches(ids, size));
        int cores = Runtime.getRuntime().availableProcessors();
        try (Ceiling c = new Ceiling(o.model, 1, cores)) {
            c.run(Ceiling.chunks(ids.subList(0, 16), size));
            for (int round = 1; round <= o.paddingRounds; round++) {
                List<String> names = new ArrayList<>(strategies.keySet());
                Collections.rotate(names, -(round - 1));
                for (String name : names) {
                    List<List<long[]>> batches = strategies.get(name);
                    double eff = name.startsWith("fixed")
                            ? Arrays.stream(lengths).average().orElse(0) / 128.0
                            : Ceiling.paddingEfficiency(batches, lengths);
                    double rps = c.run(batches);
                    results.padding.add(Results.Row.ceiling(round, "mix", name, "fp32", size, ids.size(), rps, eff));
                    log("padding round %d %s: %.1f records/s, efficiency %.3f", round, name, rps, eff);
                }
            }
        }
    }

    /** One open-loop run: its load (% of capacity), the system's name, its scoring and job settings. */
    private record LatencyRun(int load, String system, E2eHarness.Scoring scoring, Map<String, String> settings) {}

    /** Open-loop loads at fractions of the pipeline's measured capacity, for the pipeline and naive (a). */
    private static void runLatency(
            Options o, E2eHarness harness, List<String> pool, List<String> warmup, Results results) throws Exception {
        String fp32 = o.model.toString();
        String config = "pipeline p" + o.latencyParallelism;
        double capacity = results.median(o.latencyWorkload, config, "fp32");
        if (Double.isNaN(capacity)) {
            E2eHarness.Outcome cap = harness.run(
                    new E2eHarness.JobSpec(
                            "capacity", E2eHarness.Scoring.PIPELINE, o.latencyParallelism, fp32, Map.of()),
                    warmup,
                    pool,
                    0);
            capacity = cap.recordsPerSecond();
        }
        results.capacity = capacity;
        log("latency: capacity %.1f records/s (%s, %s)", capacity, config, o.latencyWorkload);
        Map<String, String> atLeastOnce = Map.of("sentiment.delivery-guarantee", "AT_LEAST_ONCE");
        List<LatencyRun> runs = new ArrayList<>();
        for (int load : o.loads) {
            runs.add(new LatencyRun(load, "pipeline", E2eHarness.Scoring.PIPELINE, atLeastOnce));
            runs.add(new LatencyRun(load, "naive-a", E2eHarness.Scoring.NAIVE_UNPADDED, atLeastOnce));
        }
        runs.add(new LatencyRun(
                50,
                "pipeline exactly-once 200 ms",
                E2eHarness.Scoring.PIPELINE,
                Map.of("sentiment.delivery-guarantee", "EXACTLY_ONCE", "sentiment.checkpoint-interval", "200 ms")));
        runs.add(new LatencyRun(
                50,
                "pipeline exactly-once 1 s",
                E2eHarness.Scoring.PIPELINE,
                Map.of("sentiment.delivery-guarantee", "EXACTLY_ONCE")));
        for (LatencyRun run : runs) {
            double rate = capacity * run.load() / 100.0;
            int n = (int) Math.max(100, rate * o.latencySeconds);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                texts.add(pool.get(i % pool.size()));
            }
            E2eHarness.Outcome out = harness.run(
                    new E2eHarness.JobSpec(run.system(), run.scoring(), o.latencyParallelism, fp32, run.settings()),
                    warmup,
                    texts,
                    rate);
            Results.Latency l = new Results.Latency(
                    run.system(),
                    run.load(),
                    rate,
                    n,
                    out.recordsPerSecond(),
                    out.latencyPercentile(50),
                    out.latencyPercentile(95),
                    out.latencyPercentile(99),
                    run.settings().get("sentiment.delivery-guarantee"),
                    out.processCpuSeconds / Math.max(0.001, (out.lastCommittedMs - out.firstSentMs) / 1000.0));
            results.latency.add(l);
            log(
                    "latency %s at %d%% (%.1f/s, %d records): achieved %.1f/s, p50 %d p95 %d p99 %d ms",
                    l.system(), l.load(), rate, n, l.achieved(), l.p50(), l.p95(), l.p99());
        }
    }

    /** sst2: the phrases; long: phrases joined to 60-127 tokens; mix: half phrases, a quarter each 2-3-phrase
     *  reviews and long reviews, shuffled. */
    static List<String> buildWorkload(
            String name, List<String> phrases, int count, java.util.function.ToIntFunction<String> tokens) {
        switch (name) {
            case "sst2":
                return new ArrayList<>(phrases.subList(0, Math.min(count, phrases.size() - 16)));
            case "long":
                return Workloads.longReviews(phrases, count, tokens);
            case "mix": {
                List<String> mix = new ArrayList<>();
                mix.addAll(phrases.subList(1000, 1000 + count / 2));
                mix.addAll(Workloads.shortReviews(phrases, count / 4));
                mix.addAll(Workloads.longReviews(phrases.subList(0, 1000), count - mix.size(), tokens));
                Collections.shuffle(mix, new Random(Workloads.SEED + 3));
                return mix;
            }
            default:
                throw new IllegalArgumentException("unknown workload " + name);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static Runnable unchecked(ThrowingRunnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
    }

    static void log(String format, Object... args) {
        System.out.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(format, args));
        System.out.flush();
    }

    /** TaskManager memory: one child JVM per session-sharing mode, the pipeline at parallelism 2 on 2 slots. */
    static final class MemoryProbe {
        static final String[] MODES = {"PER_SLOT", "SHARED"};
        /** How the child's result line starts; the rest is a {@link Results.Memory} as JSON. */
        static final String MEMORY_LINE = "MEMORY ";

        static List<Results.Memory> runChildren(Options o) throws Exception {
            List<Results.Memory> out = new ArrayList<>();
            for (String mode : MODES) {
                List<String> cmd = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xms768m",
                        "-Xmx768m",
                        "-XX:+AlwaysPreTouch",
                        "-Dlog4j.configurationFile=" + System.getProperty("log4j.configurationFile", ""),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PipelineBenchmark.class.getName(),
                        "--memory-mode",
                        mode,
                        "--model",
                        o.model.toString(),
                        "--memory-records",
                        Integer.toString(o.memoryRecords)));
                log("memory: child JVM %s", mode);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith(MEMORY_LINE)) {
                            out.add(JSON.readValue(line.substring(MEMORY_LINE.length()), Results.Memory.class));
                            log("memory %s: %s", mode, line);
                        }
                    }
                }
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("memory child " + mode + " failed: exit " + p.exitValue());
                }
            }
            return out;
        }

        static void child(Options o, List<String> phrases) throws Exception {
            try (E2eHarness harness = new E2eHarness(o.checkpointInterval())) {
                List<String> texts = phrases.subList(0, o.memoryRecords);
                // a tiny job first, so that Flink's and Kafka's own classes and buffers are in the baseline
                harness.run(
                        new E2eHarness.JobSpec(
                                "probe",
                                E2eHarness.Scoring.NAIVE_UNPADDED,
                                1,
                                Path.of("testing/src/main/resources/tiny-distilbert")
                                        .toAbsolutePath()
                                        .toString(),
                                Map.of()),
                        List.of(),
                        phrases.subList(0, 8),
                        0);
                long before = SessionMemoryBenchmark.statusKb("VmRSS");
                long[] after = new long[1];
                E2eHarness.JobSpec spec = new E2eHarness.JobSpec(
                        "memory",
                        E2eHarness.Scoring.PIPELINE,
                        2,
                        o.model.toString(),
                        Map.of(
                                "sentiment.session-sharing",
                                o.memoryMode,
                                "sentiment.delivery-guarantee",
                                "AT_LEAST_ONCE"),
                        () -> after[0] = SessionMemoryBenchmark.statusKb("VmRSS")); // sessions still open
                E2eHarness.Outcome out = harness.run(spec, List.of(), texts, 0);
                long hwm = SessionMemoryBenchmark.statusKb("VmHWM");
                System.out.println(MEMORY_LINE
                        + JSON.writeValueAsString(
                                new Results.Memory(o.memoryMode, before, after[0], hwm, out.records)));
            }
            System.out.flush();
        }
    }
}
