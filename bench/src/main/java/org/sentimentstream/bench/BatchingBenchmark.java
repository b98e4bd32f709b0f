package org.sentimentstream.bench;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InferenceListener;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Throughput of the real {@link SentimentScorer} (tokenizer on the caller's thread, MicroBatcher, one ONNX Runtime
 * session) under different micro-batching settings, in one process. For each workload, every configuration gets
 * its own scorer (all open at once, about 0.35 GB each for DistilBERT-base), warmed up; then the configurations
 * score the same records in rounds, round-robin (A B C .. B C A .., the start rotating each round), so that the
 * load of a shared machine hits all of them alike. Ratios are taken against the base configuration within the
 * same round.
 *
 * <p>Offered load ({@code --load}):
 * <ul>
 *   <li>{@code burst}: all records are submitted at once (as fast as the caller can tokenize), then awaited:
 *       the throughput ceiling;
 *   <li>{@code closed:C}: at most C records in flight, a new one submitted as soon as one completes, like
 *       Flink's async operator with capacity C under back-pressure;
 *   <li>{@code rate:R}: R records/s submitted on a fixed schedule (open loop); latency is measured from each
 *       record's scheduled time, so a slow scorer cannot hide its backlog.
 * </ul>
 *
 * <p>Run {@code --help} for the options; bench/README.md has the commands.
 */
public final class BatchingBenchmark {

    static final String SUMMARY_TEMPLATE = "/bench/batching-summary.md.mustache";

    @Command(
            name = "BatchingBenchmark",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Throughput and latency of the scorer under micro-batching configurations.")
    static final class Options implements Callable<Integer> {
        @Option(names = "--model")
        Path model = Path.of(".cache/distilbert-base-shape");

        @Option(names = "--sst2", description = "SST-2 train.tsv to draw the texts from (default: bundled phrases).")
        Path sst2;

        @Option(names = "--workloads", split = ",")
        List<String> workloads = List.of("sst2", "short", "long");

        @Option(
                names = "--records",
                converter = PerWorkload.Converter.class,
                defaultValue = "sst2=160,short=128,long=40",
                paramLabel = "WORKLOAD=N[,...]|N",
                description = "Measured records; N alone for every workload.")
        PerWorkload records;

        @Option(
                names = "--warmup",
                converter = PerWorkload.Converter.class,
                defaultValue = "sst2=32,short=32,long=16",
                paramLabel = "WORKLOAD=N[,...]|N",
                description = "Warm-up records per scorer.")
        PerWorkload warmup;

        @Option(names = "--repeats", description = "Rounds.")
        int repeats = 3;

        @Option(names = "--threads", description = "Intra-op threads of every configuration but --other-threads.")
        int threads = 2;

        @Option(names = "--load", description = "burst, closed:C (C in flight) or rate:R (records/s, open loop).")
        String load = "burst";

        @Option(names = "--sizes", split = ",", description = "max-batch-size values, each with every --buckets.")
        int[] sizes = {1, 4, 8, 16, 32};

        @Option(names = "--buckets", description = "Length-bucket variants separated by |; empty for none.")
        String buckets = "16,32,64|";

        @Option(names = "--delays", split = ",", description = "max-batch-delay values (ms) at the base size.")
        int[] delays = {10};

        @Option(names = "--tokens", split = ",", description = "max-batch-tokens values at --tokens-size.")
        int[] tokens = {2048};

        @Option(names = "--tokens-size")
        int tokensSize = 32;

        @Option(names = "--other-threads", description = "Intra-op thread counts beside --threads; empty for none.")
        String otherThreads = "1";

        @Option(names = "--base", description = "The configuration ratios refer to: size,delayMs,buckets(;),tokens.")
        String base = "16,10,16;32;64,2048";

        @Option(names = "--out", description = "Also append the Markdown summary to this file.")
        Path out;

        String[] args = new String[0];

        @Override
        public Integer call() throws Exception {
            run(this);
            return 0;
        }
    }

    /** A count per workload. */
    record PerWorkload(Map<String, Integer> counts) {
        int of(String workload) {
            Integer n = counts.get(workload);
            if (n == null) {
                throw new IllegalArgumentException("no count for workload " + workload + " in " + counts);
            }
            return n;
        }

        /** "a=1,b=2", or a plain number for every workload. */
        static final class Converter implements ITypeConverter<PerWorkload> {
            @Override
            public PerWorkload convert(String spec) {
                Map<String, Integer> out = new LinkedHashMap<>();
                if (!spec.contains("=")) {
                    Workloads.NAMES.forEach(w -> out.put(w, Integer.parseInt(spec.trim())));
                }
                for (String kv : spec.contains("=") ? spec.split(",") : new String[0]) {
                    String[] p = kv.split("=");
                    out.put(p[0].trim(), Integer.parseInt(p[1].trim()));
                }
                return new PerWorkload(out);
            }
        }
    }

    /** One micro-batching configuration. */
    record Config(int size, int delayMs, String buckets, int tokens, int threads) {
        String label() {
            return String.format(
                    "size=%d delay=%dms buckets=%s tokens=%d threads=%d",
                    size, delayMs, buckets.isEmpty() ? "none" : buckets, tokens, threads);
        }

        InferenceConfig toInferenceConfig(String model) {
            return InferenceConfig.builder()
                    .model(model)
                    .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 128)
                    .set(SentimentOptions.MAX_BATCH_SIZE, size)
                    .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(delayMs))
                    .set(SentimentOptions.MAX_BATCH_TOKENS, tokens)
                    .set(SentimentOptions.LENGTH_BUCKETS, buckets)
                    .set(SentimentOptions.INTRA_OP_THREADS, threads)
                    .build();
        }
    }

    /** What the micro-batcher reports through {@link InferenceListener}. */
    static final class BatchStats implements InferenceListener {
        final AtomicLong batches = new AtomicLong();
        final AtomicLong texts = new AtomicLong();
        final AtomicLong realTokens = new AtomicLong();
        final AtomicLong computedTokens = new AtomicLong();
        final AtomicLong inferenceNanos = new AtomicLong();
        final AtomicLong queueWaitNanos = new AtomicLong();

        @Override
        public void onBatch(int size, long real, long computed, long nanos) {
            batches.incrementAndGet();
            texts.addAndGet(size);
            realTokens.addAndGet(real);
            computedTokens.addAndGet(computed);
            inferenceNanos.addAndGet(nanos);
        }

        @Override
        public void onQueueWait(long nanos) {
            queueWaitNanos.addAndGet(nanos);
        }

        double meanBatch() {
            return batches.get() == 0 ? 0 : (double) texts.get() / batches.get();
        }

        double paddingEfficiency() {
            return computedTokens.get() == 0 ? 1 : (double) realTokens.get() / computedTokens.get();
        }

        double meanInferenceMs() {
            return batches.get() == 0 ? 0 : inferenceNanos.get() / 1e6 / batches.get();
        }
    }

    record Run(
            String workload,
            Config config,
            int round,
            int records,
            double seconds,
            BatchStats stats,
            double[] latencyMs) {
        double perSecond() {
            return records / seconds;
        }
    }

    public static void main(String[] args) {
        Options options = new Options();
        options.args = args;
        System.exit(new CommandLine(options).execute(args));
    }

    static void run(Options opt) throws Exception {
        Path model = opt.model;
        int repeats = opt.repeats;
        String load = opt.load;
        List<String> workloads = opt.workloads;
        PerWorkload records = opt.records;
        PerWorkload warmups = opt.warmup;
        List<Config> configs = configs(opt);
        Config base = baseConfig(opt);
        String[] args = opt.args;

        PrintStream out = System.out;
        out.printf("# BatchingBenchmark %s%n", LocalDateTime.now().withNano(0));
        out.printf(
                "java %s, %d available processors, max heap %d MB, load %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                load);
        out.printf(
                "model %s, repeats %d, records %s, warm-up %s records per scorer, base %s%n",
                model, repeats, records.counts(), warmups.counts(), base.label());
        out.printf("args: %s%n", String.join(" ", args));
        out.printf("%d configurations:%n", configs.size());
        for (Config c : configs) {
            out.printf("  %s%n", c.label());
        }

        List<String> sst2 = Workloads.phrases(opt.sst2);
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, int[]> lengths = new LinkedHashMap<>();
        try (SentimentScorer counter = SentimentScorer.open(base.toInferenceConfig(model.toString()), 1)) {
            out.printf("model identity %s%n", counter.modelIdentity());
            for (String w : workloads) {
                int n = records.of(w);
                int warmup = warmups.of(w);
                int pool = w.equals("sst2") ? Math.max(Workloads.SST2_POOL, n + warmup) : n + warmup;
                List<String> all = Workloads.build(w, sst2, pool, t -> counter.tokenIds(t).length);
                int[] allLengths =
                        all.stream().mapToInt(t -> counter.tokenIds(t).length).toArray();
                out.printf("workload %-5s pool     tokens: %s%n", w, Workloads.lengthSummary(allLengths));
                int[] measured = Arrays.copyOf(allLengths, n);
                out.printf("workload %-5s measured tokens: %s%n", w, Workloads.lengthSummary(measured));
                out.printf("workload %-5s buckets <=16/<=32/<=64/>64: %s%n", w, bucketShares(measured));
                texts.put(w, all);
                lengths.put(w, measured);
            }
            // JIT and native warm-up of the whole path, discarded
            List<String> first = texts.get(workloads.get(0));
            runOnce(counter, first.subList(0, Math.min(64, first.size())), "burst", new BatchStats());
        }

        List<Run> runs = new ArrayList<>();
        out.printf("%nworkload\tround\tconfig\trecords\tseconds\trecords/s\tmean batch\tbatches\tpadding eff"
                + "\tinfer ms/batch\tlat p50 ms\tlat p99 ms%n");
        for (String w : workloads) {
            List<String> all = texts.get(w);
            int n = records.of(w);
            List<String> measured = all.subList(0, n);
            List<String> warm = all.subList(n, Math.min(all.size(), n + warmups.of(w)));
            List<Config> effective = withoutNoOpBuckets(configs, lengths.get(w));
            if (effective.size() < configs.size()) {
                out.printf(
                        "# %s: every text falls in the same length bucket, so buckets change nothing; the"
                                + " 'none' variants are skipped%n",
                        w);
            }
            Map<Config, SentimentScorer> scorers = new LinkedHashMap<>();
            try {
                for (Config c : effective) {
                    long t0 = System.nanoTime();
                    SentimentScorer scorer = SentimentScorer.open(c.toInferenceConfig(model.toString()), c.threads);
                    scorers.put(c, scorer);
                    runOnce(scorer, warm, "burst", new BatchStats());
                    out.printf(
                            Locale.ROOT,
                            "# %s: opened and warmed up %s in %.1f s%n",
                            w,
                            c.label(),
                            (System.nanoTime() - t0) / 1e9);
                }
                for (int round = 1; round <= repeats; round++) {
                    for (int i = 0; i < effective.size(); i++) {
                        Config c = effective.get((i + round - 1) % effective.size());
                        Run r = measure(w, c, round, scorers.get(c), load, measured);
                        runs.add(r);
                        out.printf(
                                Locale.ROOT,
                                "%s\t%d\t%s\t%d\t%.2f\t%.1f\t%.2f\t%d\t%.3f\t%.1f\t%.0f\t%.0f%n",
                                w,
                                round,
                                c.label(),
                                r.records,
                                r.seconds,
                                r.perSecond(),
                                r.stats.meanBatch(),
                                r.stats.batches.get(),
                                r.stats.paddingEfficiency(),
                                r.stats.meanInferenceMs(),
                                Stats.percentile(r.latencyMs, 50),
                                Stats.percentile(r.latencyMs, 99));
                        out.flush();
                    }
                }
            } finally {
                for (SentimentScorer scorer : scorers.values()) {
                    scorer.close();
                }
            }
        }

        String summary = summary(runs, workloads, configs, base, lengths, load, args);
        out.println();
        out.println(summary);
        if (opt.out != null) {
            Files.writeString(
                    opt.out,
                    summary + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    static Run measure(String workload, Config c, int round, SentimentScorer scorer, String load, List<String> measured)
            throws Exception {
        BatchStats stats = new BatchStats();
        double[] latency = new double[measured.size()];
        long t0 = System.nanoTime();
        long end = runOnce(scorer, measured, load, stats, latency);
        return new Run(workload, c, round, measured.size(), (end - t0) / 1e9, stats, latency);
    }

    static long runOnce(SentimentScorer scorer, List<String> texts, String load, BatchStats stats) throws Exception {
        return runOnce(scorer, texts, load, stats, new double[texts.size()]);
    }

    /** Scores the texts under the load; returns System.nanoTime() when the last one completed. */
    static long runOnce(SentimentScorer scorer, List<String> texts, String load, BatchStats stats, double[] latencyMs)
            throws Exception {
        int n = texts.size();
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong last = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Semaphore inFlight =
                load.startsWith("closed:") ? new Semaphore(Integer.parseInt(load.substring("closed:".length()))) : null;
        double rate = load.startsWith("rate:") ? Double.parseDouble(load.substring("rate:".length())) : 0;
        if (!load.equals("burst") && inFlight == null && rate <= 0) {
            throw new IllegalArgumentException("--load must be burst, closed:C or rate:R, was " + load);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long submitted;
            if (rate > 0) {
                submitted = start + (long) (i * 1e9 / rate);
                long wait;
                while ((wait = submitted - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            } else {
                if (inFlight != null) {
                    inFlight.acquire();
                }
                submitted = System.nanoTime();
            }
            int index = i;
            CompletableFuture<SentimentResult> f = scorer.score(texts.get(i), stats);
            f.whenComplete((result, error) -> {
                long now = System.nanoTime();
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                latencyMs[index] = (now - submitted) / 1e6;
                last.accumulateAndGet(now, Math::max);
                if (inFlight != null) {
                    inFlight.release();
                }
                done.countDown();
            });
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("scoring failed", failure.get());
        }
        return last.get();
    }

    /**
     * Drops a configuration that differs from an earlier one only in its buckets when every text falls in the
     * same bucket under both: the planner then cuts identical batches.
     */
    static List<Config> withoutNoOpBuckets(List<Config> configs, int[] lengths) {
        List<Config> out = new ArrayList<>();
        for (Config c : configs) {
            boolean duplicate = false;
            for (Config kept : out) {
                if (kept.size == c.size
                        && kept.delayMs == c.delayMs
                        && kept.tokens == c.tokens
                        && kept.threads == c.threads
                        && singleBucket(kept.buckets, lengths)
                        && singleBucket(c.buckets, lengths)) {
                    duplicate = true;
                }
            }
            if (!duplicate) {
                out.add(c);
            }
        }
        return out;
    }

    private static boolean singleBucket(String buckets, int[] lengths) {
        if (buckets.isEmpty()) {
            return true;
        }
        int[] bounds = Arrays.stream(buckets.split(","))
                .mapToInt(b -> Integer.parseInt(b.trim()))
                .toArray();
        int first = -1;
        for (int len : lengths) {
            int b = 0;
            while (b < bounds.length && len > bounds[b]) {
                b++;
            }
            if (first >= 0 && b != first) {
                return false;
            }
            first = b;
        }
        return true;
    }

    static List<Config> configs(Options opt) {
        Config base = baseConfig(opt);
        List<Config> out = new ArrayList<>();
        for (int size : opt.sizes) {
            for (String b : opt.buckets.split("\\|", -1)) {
                add(out, new Config(size, base.delayMs, b.trim(), base.tokens, base.threads));
            }
        }
        for (int d : opt.delays) {
            add(out, new Config(base.size, d, base.buckets, base.tokens, base.threads));
        }
        for (int t : opt.tokens) {
            add(out, new Config(opt.tokensSize, base.delayMs, base.buckets, t, base.threads));
        }
        for (String t : opt.otherThreads.split(",")) {
            if (!t.isBlank()) {
                add(out, new Config(base.size, base.delayMs, base.buckets, base.tokens, Integer.parseInt(t.trim())));
            }
        }
        return out;
    }

    private static void add(List<Config> list, Config c) {
        if (!list.contains(c)) {
            list.add(c);
        }
    }

    /** --base size,delayMs,buckets(; separated),tokens */
    static Config baseConfig(Options opt) {
        String[] p = opt.base.split(",", -1);
        return new Config(
                Integer.parseInt(p[0]),
                Integer.parseInt(p[1]),
                p[2].replace(';', ','),
                Integer.parseInt(p[3]),
                opt.threads);
    }

    static String bucketShares(int[] lengths) {
        int[] bounds = {16, 32, 64};
        int[] counts = new int[4];
        for (int len : lengths) {
            int b = 0;
            while (b < 3 && len > bounds[b]) {
                b++;
            }
            counts[b]++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(i == 0 ? "" : " / ").append(format("%.0f%%", 100.0 * counts[i] / lengths.length));
        }
        return sb.toString();
    }

    /** A line of the summary: one configuration on one workload, over the rounds. */
    record SummaryRow(
            int size,
            boolean base,
            int delayMs,
            String buckets,
            int tokens,
            int threads,
            String eachRound,
            String median,
            String toBase,
            String padding,
            String meanBatch,
            String msPerBatch,
            String p50,
            String p99) {}

    static String summary(
            List<Run> runs,
            List<String> workloads,
            List<Config> configs,
            Config base,
            Map<String, int[]> lengths,
            String load,
            String[] args)
            throws IOException {
        List<Map<String, Object>> sections = new ArrayList<>();
        for (String w : workloads) {
            List<SummaryRow> rows = new ArrayList<>();
            for (Config c : configs) {
                List<Run> mine = runs.stream()
                        .filter(r -> r.workload.equals(w) && r.config.equals(c))
                        .toList();
                if (mine.isEmpty()) {
                    continue;
                }
                List<Double> ratios = new ArrayList<>();
                for (Run r : mine) {
                    runs.stream()
                            .filter(b -> b.workload.equals(w) && b.config.equals(base) && b.round == r.round)
                            .forEach(b -> ratios.add(r.perSecond() / b.perSecond()));
                }
                long real =
                        mine.stream().mapToLong(r -> r.stats.realTokens.get()).sum();
                long computed = mine.stream()
                        .mapToLong(r -> r.stats.computedTokens.get())
                        .sum();
                long texts = mine.stream().mapToLong(r -> r.stats.texts.get()).sum();
                long batches =
                        mine.stream().mapToLong(r -> r.stats.batches.get()).sum();
                long inferNanos = mine.stream()
                        .mapToLong(r -> r.stats.inferenceNanos.get())
                        .sum();
                rows.add(new SummaryRow(
                        c.size,
                        c.equals(base),
                        c.delayMs,
                        c.buckets.isEmpty() ? "none" : "\"" + c.buckets + "\"",
                        c.tokens,
                        c.threads,
                        mine.stream().map(r -> format("%.1f", r.perSecond())).collect(Collectors.joining(", ")),
                        format(
                                "%.1f",
                                Stats.median(mine.stream().map(Run::perSecond).toList())),
                        format("%.2f", Stats.median(ratios)),
                        format("%.3f", computed == 0 ? 1.0 : (double) real / computed),
                        format("%.1f", batches == 0 ? 0 : (double) texts / batches),
                        format("%.0f", batches == 0 ? 0 : inferNanos / 1e6 / batches),
                        format("%.0f", medianLatency(mine, 50)),
                        format("%.0f", medianLatency(mine, 99))));
            }
            sections.add(Map.of("name", w, "lengths", Workloads.lengthSummary(lengths.get(w)), "rows", rows));
        }
        return Report.render(
                SUMMARY_TEMPLATE, Map.of("load", load, "args", String.join(" ", args), "workloads", sections));
    }

    /** The median over the runs of each run's {@code p}-th latency percentile. */
    private static double medianLatency(List<Run> runs, double p) {
        return Stats.median(
                runs.stream().map(r -> Stats.percentile(r.latencyMs, p)).toList());
    }

    private static String format(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    private BatchingBenchmark() {}
}
