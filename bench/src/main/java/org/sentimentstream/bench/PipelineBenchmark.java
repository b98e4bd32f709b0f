package org.sentimentstream.bench;

import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.internal.BatchPlanner;
import org.sentimentstream.udf.internal.ReviewTokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;

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

/**
 * Issue 5 in one process: the ONNX Runtime ceiling, this project end to end (Kafka -> job -> Kafka, parallelism 1
 * and 2), the naive per-record job (unpadded and padded to 128), int8 beside fp32, padding strategies, latency
 * under an open-loop load, and (in two child JVMs) TaskManager memory per-slot vs shared. Configurations take
 * turns round-robin, the first one rotating each round, and every claim is a ratio within a round. Writes CSV
 * files, a chart and the Markdown report ({@link Report}). {@code --help} lists the options.
 */
public final class PipelineBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Options with their defaults. */
    static final class Options {
        Path model = Path.of(".cache/distilbert-base-shape");
        Map<String, Path> variants = new LinkedHashMap<>(); // name -> model dir (int8, real, ...)
        Map<String, Integer> records = new LinkedHashMap<>(Map.of("sst2", 400, "mix", 160, "long", 64));
        List<String> workloads = List.of("sst2", "mix", "long");
        double naivePaddedFraction = 0.25;
        int rounds = 2;
        int[] sweepSizes = {1, 4, 8, 16};
        int sweepRecords = 120;
        int paddingRounds = 1;
        Duration checkpointInterval = Duration.ofSeconds(1);
        String delivery = "AT_LEAST_ONCE"; // of the throughput runs; an exactly-once row is added (see README)
        boolean exactlyOnceRow = true;
        String latencyWorkload = "sst2";
        int latencyParallelism = 2;
        int[] loads = {25, 50, 75, 100};
        double latencySeconds = 5;
        int variantParallelism = 2;
        Path outDir = Path.of("docs/bench");
        Path report = Path.of("docs/benchmarks.md");
        Path jmh = Path.of("docs/bench/jmh.csv");
        Path accuracyDir = Path.of(".cache/bench-eval");
        String command = "bench/run.sh";
        List<String> phases = List.of("memory", "ceiling", "e2e", "padding", "latency");
        String memoryMode; // child JVM mode
        int memoryRecords = 300;
        List<String> only = List.of(); // run only configurations whose name contains one of these (for diagnosis)
        Map<String, String> settings = new LinkedHashMap<>(); // extra job settings for every pipeline job
        /** Extra fp32 pipeline configurations: name -> (parallelism, settings). */
        Map<String, Map<String, String>> pipelineVariants = new LinkedHashMap<>();
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        o.settings.putIfAbsent("sentiment.delivery-guarantee", o.delivery);
        if (o.exactlyOnceRow && o.pipelineVariants.keySet().stream().noneMatch(k -> k.startsWith("exactly-once"))) {
            o.pipelineVariants.put("exactly-once", new LinkedHashMap<>(Map.of("parallelism", "2",
                    "sentiment.delivery-guarantee", "EXACTLY_ONCE")));
        }
        List<String> phrases = samplePhrases();
        if (o.memoryMode != null) {
            MemoryProbe.child(o, phrases);
            return;
        }
        Results results = new Results();
        results.startedAt = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
        results.loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();

        ReviewTokenizer tokenizer = ReviewTokenizer.open(o.model.resolve("tokenizer.json"), 128);
        Map<String, List<String>> workloads = new LinkedHashMap<>();
        Map<String, List<long[]>> tokenized = new LinkedHashMap<>();
        for (String w : o.workloads) {
            List<String> texts = buildWorkload(w, phrases, o.records.get(w), t -> tokenizer.encode(t).length());
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
        try (E2eHarness harness = new E2eHarness(o.checkpointInterval)) {
            Map<String, Integer> bestSize = new LinkedHashMap<>();
            if (o.phases.contains("ceiling") || o.phases.contains("e2e")) {
                try (Ceiling ceiling = new Ceiling(o.model, 1, cores)) {
                    for (String w : o.workloads) {
                        List<long[]> ids = tokenized.get(w).subList(0, Math.min(o.sweepRecords, tokenized.get(w).size()));
                        ceiling.run(Ceiling.sortedBatches(ids.subList(0, Math.min(32, ids.size())), 8)); // warm-up
                        double best = 0;
                        for (int size : o.sweepSizes) {
                            double rps = ceiling.run(Ceiling.sortedBatches(ids, size));
                            results.sweep.add(new Results.Row(0, w, "ceiling sweep", "fp32", size, ids.size(), rps,
                                    Double.NaN));
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
                    harness.run(new E2eHarness.JobSpec("jit-warmup", s, 2, o.model.toString(), o.settings),
                            warmupTexts, texts.subList(0, Math.min(200, texts.size())), 0);
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
        System.exit(0); // Flink and Kafka leave non-daemon threads behind
    }

    private static void runRounds(Options o, E2eHarness harness, Map<String, List<String>> workloads,
            Map<String, List<long[]>> tokenized, List<String> warmup, Map<String, Integer> bestSize,
            Results results) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String fp32 = o.model.toString();
        for (int round = 1; round <= o.rounds; round++) {
            for (String w : o.workloads) {
                List<String> texts = workloads.get(w);
                List<String> naivePadded = texts.subList(0, Math.max(16, (int) (texts.size() * o.naivePaddedFraction)));
                int size = bestSize.getOrDefault(w, 16);
                List<Runnable> configs = new ArrayList<>();
                List<String> names = new ArrayList<>();
                int r = round;
                names.add("ceiling 1x" + cores);
                configs.add(unchecked(() -> ceilingRow(results, r, w, "ceiling 1x" + cores, "fp32", o.model, 1, cores,
                        size, tokenized.get(w))));
                names.add("ceiling 2x1");
                configs.add(unchecked(() -> ceilingRow(results, r, w, "ceiling 2x1", "fp32", o.model, 2, 1, size,
                        tokenized.get(w))));
                for (int p : new int[] {1, 2}) {
                    names.add("pipeline p" + p);
                    configs.add(unchecked(() -> e2eRow(results, harness, r, w, "pipeline p" + p, "fp32",
                            new E2eHarness.JobSpec("pipeline", E2eHarness.Scoring.PIPELINE, p, fp32, o.settings),
                            warmup, texts)));
                }
                names.add("naive-a p2");
                configs.add(unchecked(() -> e2eRow(results, harness, r, w, "naive-a p2", "fp32",
                        new E2eHarness.JobSpec("naive-a", E2eHarness.Scoring.NAIVE_UNPADDED, 2, fp32, o.settings),
                        warmup, texts)));
                names.add("naive-b p2");
                configs.add(unchecked(() -> e2eRow(results, harness, r, w, "naive-b p2", "fp32",
                        new E2eHarness.JobSpec("naive-b", E2eHarness.Scoring.NAIVE_PAD128, 2, fp32, o.settings),
                        warmup, naivePadded)));
                for (Map.Entry<String, Map<String, String>> v : o.pipelineVariants.entrySet()) {
                    Map<String, String> settings = new LinkedHashMap<>(o.settings);
                    settings.putAll(v.getValue());
                    int p = Integer.parseInt(settings.remove("parallelism"));
                    String name = "pipeline p" + p + " " + v.getKey();
                    names.add(name);
                    configs.add(unchecked(() -> e2eRow(results, harness, r, w, name, "fp32",
                            new E2eHarness.JobSpec("pipeline", E2eHarness.Scoring.PIPELINE, p, fp32, settings),
                            warmup, texts)));
                }
                for (Map.Entry<String, Path> v : o.variants.entrySet()) {
                    names.add("ceiling 1x" + cores + " " + v.getKey());
                    names.add("pipeline p" + o.variantParallelism + " " + v.getKey());
                    configs.add(unchecked(() -> ceilingRow(results, r, w, "ceiling 1x" + cores, v.getKey(),
                            v.getValue(), 1, cores, size, tokenized.get(w))));
                    configs.add(unchecked(() -> e2eRow(results, harness, r, w, "pipeline p" + o.variantParallelism,
                            v.getKey(), new E2eHarness.JobSpec("pipeline", E2eHarness.Scoring.PIPELINE,
                                    o.variantParallelism, v.getValue().toString(), o.settings), warmup, texts)));
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

    private static void ceilingRow(Results results, int round, String w, String config, String model, Path dir,
            int sessions, int threads, int size, List<long[]> ids) throws Exception {
        try (Ceiling c = new Ceiling(dir, sessions, threads)) {
            c.run(Ceiling.sortedBatches(ids.subList(0, Math.min(32, ids.size())), size)); // warm-up
            double[] before = E2eHarness.CpuTime.sample();
            long t0 = System.nanoTime();
            double rps = c.run(Ceiling.sortedBatches(ids, size));
            double wall = (System.nanoTime() - t0) / 1e9;
            Results.Row row = new Results.Row(round, w, config, model, size, ids.size(), rps,
                    Ceiling.paddingEfficiency(Ceiling.sortedBatches(ids, size),
                            ids.stream().mapToInt(a -> a.length).toArray()));
            row.cores = (E2eHarness.CpuTime.sample()[0] - before[0]) / wall;
            results.rows.add(row);
            log("round %d %s %s [%s] batch %d: %.1f records/s", round, w, config, model, size, rps);
        }
    }

    private static void e2eRow(Results results, E2eHarness harness, int round, String w, String config, String model,
            E2eHarness.JobSpec spec, List<String> warmup, List<String> texts) throws Exception {
        E2eHarness.Outcome out = harness.run(spec, warmup, texts, 0);
        Results.Row row = new Results.Row(round, w, config, model, 0, texts.size(), out.recordsPerSecond(),
                spec.scoring == E2eHarness.Scoring.NAIVE_PAD128 ? meanLength(results.lengths.get(w), texts.size()) / 128.0
                        : spec.scoring == E2eHarness.Scoring.NAIVE_UNPADDED ? 1.0 : out.paddingEfficiency());
        row.batches = out.batches;
        double wall = (out.lastCommittedMs - out.firstSentMs) / 1000.0;
        row.cores = out.processCpuSeconds / wall;
        row.cpuByCategory = out.cpuByCategory;
        if (spec.scoring == E2eHarness.Scoring.PIPELINE && out.batcherCpuSeconds > 0) {
            row.inferenceShare = out.batcherCpuSeconds / out.processCpuSeconds;
        }
        results.rows.add(row);
        log("round %d %s %s [%s]: %d records, %.1f records/s, padding %.3f, batches %d, cores %.2f,"
                + " batcher share %.2f", round, w, config, model, texts.size(), row.rps, row.padding,
                out.batches, row.cores, row.inferenceShare);
    }

    private static double meanLength(int[] lengths, int n) {
        return Arrays.stream(lengths, 0, Math.min(n, lengths.length)).average().orElse(0);
    }

    /** Fixed 128 vs batch-longest (arrival order) vs the project's planner, raw ONNX Runtime, batch 8. */
    private static void runPadding(Options o, List<long[]> ids, Results results) throws Exception {
        int size = SentimentOptions.MAX_BATCH_SIZE.defaultValue();
        int[] lengths = ids.stream().mapToInt(a -> a.length).toArray();
        BatchPlanner planner = new BatchPlanner(size, SentimentOptions.MAX_BATCH_TOKENS.defaultValue(),
                new int[] {16, 32, 64});
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
                    double eff = name.startsWith("fixed") ? Arrays.stream(lengths).average().orElse(0) / 128.0
                            : Ceiling.paddingEfficiency(batches, lengths);
                    double rps = c.run(batches);
                    results.padding.add(new Results.Row(round, "mix", name, "fp32", size, ids.size(), rps, eff));
                    log("padding round %d %s: %.1f records/s, efficiency %.3f", round, name, rps, eff);
                }
            }
        }
    }

    /** Open-loop loads at fractions of the pipeline's measured capacity, for the pipeline and naive (a). */
    private static void runLatency(Options o, E2eHarness harness, List<String> pool, List<String> warmup,
            Results results) throws Exception {
        String fp32 = o.model.toString();
        String config = "pipeline p" + o.latencyParallelism;
        double capacity = results.median(o.latencyWorkload, config, "fp32");
        if (Double.isNaN(capacity)) {
            E2eHarness.Outcome cap = harness.run(new E2eHarness.JobSpec("capacity", E2eHarness.Scoring.PIPELINE,
                    o.latencyParallelism, fp32, Map.of()), warmup, pool, 0);
            capacity = cap.recordsPerSecond();
        }
        results.capacity = capacity;
        log("latency: capacity %.1f records/s (%s, %s)", capacity, config, o.latencyWorkload);
        List<Object[]> runs = new ArrayList<>();
        for (int load : o.loads) {
            runs.add(new Object[] {load, "pipeline", E2eHarness.Scoring.PIPELINE, Map.of(
                    "sentiment.delivery-guarantee", "AT_LEAST_ONCE")});
            runs.add(new Object[] {load, "naive-a", E2eHarness.Scoring.NAIVE_UNPADDED, Map.of(
                    "sentiment.delivery-guarantee", "AT_LEAST_ONCE")});
        }
        runs.add(new Object[] {50, "pipeline exactly-once 200 ms", E2eHarness.Scoring.PIPELINE, Map.of(
                "sentiment.delivery-guarantee", "EXACTLY_ONCE", "sentiment.checkpoint-interval", "200 ms")});
        runs.add(new Object[] {50, "pipeline exactly-once 1 s", E2eHarness.Scoring.PIPELINE, Map.of(
                "sentiment.delivery-guarantee", "EXACTLY_ONCE")});
        for (Object[] run : runs) {
            int load = (Integer) run[0];
            double rate = capacity * load / 100.0;
            int n = (int) Math.max(100, rate * o.latencySeconds);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                texts.add(pool.get(i % pool.size()));
            }
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) run[3];
            E2eHarness.Outcome out = harness.run(new E2eHarness.JobSpec((String) run[1],
                    (E2eHarness.Scoring) run[2], o.latencyParallelism, fp32, settings), warmup, texts, rate);
            Results.Latency l = new Results.Latency((String) run[1], load, rate, n, out.recordsPerSecond(),
                    out.latencyPercentile(0.50), out.latencyPercentile(0.95), out.latencyPercentile(0.99),
                    settings.getOrDefault("sentiment.delivery-guarantee", "EXACTLY_ONCE"));
            l.cores = out.processCpuSeconds / Math.max(0.001, (out.lastCommittedMs - out.firstSentMs) / 1000.0);
            results.latency.add(l);
            log("latency %s at %d%% (%.1f/s, %d records): achieved %.1f/s, p50 %d p95 %d p99 %d ms", l.system, load,
                    rate, n, l.achieved, l.p50, l.p95, l.p99);
        }
    }

    /** Classpath resource of the benchmark texts; see bench/src/main/resources/bench/SOURCE.md. */
    static final String PHRASES_RESOURCE = "/bench/sst2-train-phrases.jsonl";

    /** The 3,000 SST-2 train phrases of {@link #PHRASES_RESOURCE}, shuffled with a fixed seed. */
    static List<String> samplePhrases() throws Exception {
        List<String> out = new ArrayList<>();
        var in = PipelineBenchmark.class.getResourceAsStream(PHRASES_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + PHRASES_RESOURCE);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line).get("text").asText());
                }
            }
        }
        Collections.shuffle(out, new Random(Workloads.SEED));
        return out;
    }

    /** sst2: the phrases; long: phrases joined to 60-127 tokens; mix: half phrases, a quarter each 2-3-phrase
     *  reviews and long reviews, shuffled. */
    static List<String> buildWorkload(String name, List<String> phrases, int count,
            java.util.function.ToIntFunction<String> tokens) {
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

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("PipelineBenchmark [--model DIR] [--variant NAME=DIR]... [--records sst2=400,mix=160,long=64]"
                        + " [--workloads sst2,mix,long] [--rounds 2] [--naive-padded-fraction 0.25]"
                        + " [--sweep-sizes 1,4,8,16] [--sweep-records 120] [--padding-rounds 1] [--checkpoint-interval-ms 1000]"
                        + " [--delivery AT_LEAST_ONCE] [--exactly-once-row true]"
                        + " [--pipeline-variant NAME:parallelism=2,sentiment.max-batch-size=16]... [--only a,b]"
                        + " [--set sentiment.key=value]..."
                        + " [--loads 25,50,75,100] [--latency-seconds 5] [--latency-workload sst2]"
                        + " [--latency-parallelism 2] [--variant-parallelism 2]"
                        + " [--phases memory,ceiling,e2e,padding,latency] [--out-dir docs/bench]"
                        + " [--report docs/benchmarks.md] [--jmh docs/bench/jmh.csv] [--accuracy-dir .cache/bench-eval]"
                        + " [--command TEXT]");
                System.exit(0);
            }
            String v = args[++i];
            switch (a) {
                case "--model": o.model = Path.of(v); break;
                case "--variant": {
                    String[] kv = v.split("=", 2);
                    o.variants.put(kv[0], Path.of(kv[1]));
                    break;
                }
                case "--records":
                    for (String kv : v.split(",")) {
                        String[] p = kv.split("=");
                        o.records.put(p[0], Integer.parseInt(p[1]));
                    }
                    break;
                case "--workloads": o.workloads = List.of(v.split(",")); break;
                case "--rounds": o.rounds = Integer.parseInt(v); break;
                case "--padding-rounds": o.paddingRounds = Integer.parseInt(v); break;
                case "--naive-padded-fraction": o.naivePaddedFraction = Double.parseDouble(v); break;
                case "--sweep-sizes": o.sweepSizes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray(); break;
                case "--sweep-records": o.sweepRecords = Integer.parseInt(v); break;
                case "--delivery": o.delivery = v; break;
                case "--exactly-once-row": o.exactlyOnceRow = Boolean.parseBoolean(v); break;
                case "--checkpoint-interval-ms": o.checkpointInterval = Duration.ofMillis(Long.parseLong(v)); break;
                case "--loads": o.loads = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray(); break;
                case "--latency-seconds": o.latencySeconds = Double.parseDouble(v); break;
                case "--latency-workload": o.latencyWorkload = v; break;
                case "--latency-parallelism": o.latencyParallelism = Integer.parseInt(v); break;
                case "--variant-parallelism": o.variantParallelism = Integer.parseInt(v); break;
                case "--phases": o.phases = List.of(v.split(",")); break;
                case "--out-dir": o.outDir = Path.of(v); break;
                case "--report": o.report = Path.of(v); break;
                case "--jmh": o.jmh = Path.of(v); break;
                case "--accuracy-dir": o.accuracyDir = Path.of(v); break;
                case "--command": o.command = v; break;
                case "--memory-mode": o.memoryMode = v; break;
                case "--pipeline-variant": {
                    // NAME:parallelism=2,sentiment.max-batch-size=16,...
                    String[] nv = v.split(":", 2);
                    Map<String, String> settings = new LinkedHashMap<>(Map.of("parallelism", "2"));
                    for (String kv : nv[1].split(",")) {
                        String[] p = kv.split("=", 2);
                        settings.put(p[0], p[1]);
                    }
                    o.pipelineVariants.put(nv[0], settings);
                    break;
                }
                case "--only": o.only = List.of(v.split(",")); break;
                case "--set": {
                    String[] kv = v.split("=", 2);
                    o.settings.put(kv[0], kv[1]);
                    break;
                }
                case "--memory-records": o.memoryRecords = Integer.parseInt(v); break;
                default: throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        return o;
    }

    /** TaskManager memory: one child JVM per session-sharing mode, the pipeline at parallelism 2 on 2 slots. */
    static final class MemoryProbe {
        static final String[] MODES = {"PER_SLOT", "SHARED"};

        static List<Results.Memory> runChildren(Options o) throws Exception {
            List<Results.Memory> out = new ArrayList<>();
            for (String mode : MODES) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xms768m", "-Xmx768m", "-XX:+AlwaysPreTouch",
                        "-Dlog4j.configurationFile=" + System.getProperty("log4j.configurationFile", ""),
                        "-cp", System.getProperty("java.class.path"), PipelineBenchmark.class.getName(),
                        "--memory-mode", mode, "--model", o.model.toString(),
                        "--memory-records", Integer.toString(o.memoryRecords)));
                log("memory: child JVM %s", mode);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("MEMORY,")) {
                            String[] f = line.split(",");
                            out.add(new Results.Memory(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]),
                                    Long.parseLong(f[4]), Long.parseLong(f[5])));
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
            try (E2eHarness harness = new E2eHarness(o.checkpointInterval)) {
                List<String> texts = phrases.subList(0, o.memoryRecords);
                // a tiny job first, so that Flink's and Kafka's own classes and buffers are in the baseline
                harness.run(new E2eHarness.JobSpec("probe", E2eHarness.Scoring.NAIVE_UNPADDED, 1,
                        Path.of("testing/src/main/resources/tiny-distilbert").toAbsolutePath().toString(), Map.of()),
                        List.of(), phrases.subList(0, 8), 0);
                long before = status("VmRSS");
                long[] after = new long[1];
                E2eHarness.JobSpec spec = new E2eHarness.JobSpec("memory", E2eHarness.Scoring.PIPELINE, 2,
                        o.model.toString(), Map.of("sentiment.session-sharing", o.memoryMode,
                        "sentiment.delivery-guarantee", "AT_LEAST_ONCE"));
                spec.afterScoring = () -> after[0] = statusUnchecked("VmRSS"); // sessions still open
                E2eHarness.Outcome out = harness.run(spec, List.of(), texts, 0);
                long hwm = status("VmHWM");
                System.out.printf("MEMORY,%s,%d,%d,%d,%d%n", o.memoryMode, before, after[0], hwm, out.records);
            }
            System.out.flush();
            System.exit(0);
        }

        static long statusUnchecked(String field) {
            try {
                return status(field);
            } catch (Exception e) {
                return -1;
            }
        }

        /** A field of /proc/self/status in kB. */
        static long status(String field) throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
    }
}
