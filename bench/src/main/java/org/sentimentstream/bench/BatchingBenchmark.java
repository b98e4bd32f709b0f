package org.sentimentstream.bench;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InferenceListener;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

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

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("model", ".cache/distilbert-base-shape");
        DEFAULTS.put("sst2", "/work/shared/data/sst2/train.tsv");
        DEFAULTS.put("workloads", "sst2,short,long");
        DEFAULTS.put("records", "sst2=160,short=128,long=40");
        DEFAULTS.put("warmup", "sst2=32,short=32,long=16");
        DEFAULTS.put("repeats", "3");
        DEFAULTS.put("threads", "2");
        DEFAULTS.put("load", "burst");
        DEFAULTS.put("sizes", "1,4,8,16,32");
        DEFAULTS.put("buckets", "16,32,64|");
        DEFAULTS.put("delays", "10");
        DEFAULTS.put("tokens", "2048");
        DEFAULTS.put("tokens-size", "32");
        DEFAULTS.put("other-threads", "1");
        DEFAULTS.put("base", "16,10,16;32;64,2048");
        DEFAULTS.put("out", "");
    }

    /** One micro-batching configuration. */
    record Config(int size, int delayMs, String buckets, int tokens, int threads) {
        String label() {
            return String.format("size=%d delay=%dms buckets=%s tokens=%d threads=%d", size, delayMs,
                    buckets.isEmpty() ? "none" : buckets, tokens, threads);
        }

        InferenceConfig toInferenceConfig(String model) {
            return InferenceConfig.builder()
                    .model(model)
                    .maxSequenceLength(128)
                    .maxBatchSize(size)
                    .maxBatchDelay(Duration.ofMillis(delayMs))
                    .maxBatchTokens(tokens)
                    .lengthBuckets(buckets)
                    .intraOpThreads(threads)
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

    record Run(String workload, Config config, int round, int records, double seconds, BatchStats stats,
            double[] latencyMs) {
        double perSecond() {
            return records / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parseArgs(args);
        Path model = Paths.get(opt.get("model"));
        int repeats = Integer.parseInt(opt.get("repeats"));
        String load = opt.get("load");
        List<String> workloads = Arrays.asList(opt.get("workloads").split(","));
        Map<String, Integer> records = perWorkload(opt.get("records"));
        Map<String, Integer> warmups = perWorkload(opt.get("warmup"));
        List<Config> configs = configs(opt);
        Config base = baseConfig(opt);

        PrintStream out = System.out;
        out.printf("# BatchingBenchmark %s%n", LocalDateTime.now().withNano(0));
        out.printf("java %s, %d available processors, max heap %d MB, load %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, load);
        out.printf("model %s, repeats %d, records %s, warm-up %s records per scorer, base %s%n", model, repeats,
                records, warmups, base.label());
        out.printf("args: %s%n", String.join(" ", args));
        out.printf("%d configurations:%n", configs.size());
        for (Config c : configs) {
            out.printf("  %s%n", c.label());
        }

        List<String> sst2 = Workloads.readSst2(Paths.get(opt.get("sst2")));
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, int[]> lengths = new LinkedHashMap<>();
        try (SentimentScorer counter = SentimentScorer.open(base.toInferenceConfig(model.toString()), 1)) {
            out.printf("model identity %s%n", counter.modelIdentity());
            for (String w : workloads) {
                int n = records.get(w);
                int warmup = warmups.get(w);
                int pool = w.equals("sst2") ? Math.max(Workloads.SST2_POOL, n + warmup) : n + warmup;
                List<String> all = Workloads.build(w, sst2, pool, t -> counter.tokenIds(t).length);
                int[] allLengths = all.stream().mapToInt(t -> counter.tokenIds(t).length).toArray();
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
            int n = records.get(w);
            List<String> measured = all.subList(0, n);
            List<String> warm = all.subList(n, Math.min(all.size(), n + warmups.get(w)));
            List<Config> effective = withoutNoOpBuckets(configs, lengths.get(w));
            if (effective.size() < configs.size()) {
                out.printf("# %s: every text falls in the same length bucket, so buckets change nothing; the"
                        + " 'none' variants are skipped%n", w);
            }
            Map<Config, SentimentScorer> scorers = new LinkedHashMap<>();
            try {
                for (Config c : effective) {
                    long t0 = System.nanoTime();
                    SentimentScorer scorer = SentimentScorer.open(c.toInferenceConfig(model.toString()), c.threads);
                    scorers.put(c, scorer);
                    runOnce(scorer, warm, "burst", new BatchStats());
                    out.printf(Locale.ROOT, "# %s: opened and warmed up %s in %.1f s%n", w, c.label(),
                            (System.nanoTime() - t0) / 1e9);
                }
                for (int round = 1; round <= repeats; round++) {
                    for (int i = 0; i < effective.size(); i++) {
                        Config c = effective.get((i + round - 1) % effective.size());
                        Run r = measure(w, c, round, scorers.get(c), load, measured);
                        runs.add(r);
                        out.printf(Locale.ROOT, "%s\t%d\t%s\t%d\t%.2f\t%.1f\t%.2f\t%d\t%.3f\t%.1f\t%.0f\t%.0f%n",
                                w, round, c.label(), r.records, r.seconds, r.perSecond(), r.stats.meanBatch(),
                                r.stats.batches.get(), r.stats.paddingEfficiency(), r.stats.meanInferenceMs(),
                                pct(r.latencyMs, 50), pct(r.latencyMs, 99));
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
        if (!opt.get("out").isEmpty()) {
            Files.writeString(Paths.get(opt.get("out")), summary + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static Run measure(String workload, Config c, int round, SentimentScorer scorer, String load,
            List<String> measured) throws Exception {
        BatchStats stats = new BatchStats();
        double[] latency = new double[measured.size()];
        long t0 = System.nanoTime();
        long end = runOnce(scorer, measured, load, stats, latency);
        return new Run(workload, c, round, measured.size(), (end - t0) / 1e9, stats, latency);
    }

    static long runOnce(SentimentScorer scorer, List<String> texts, String load, BatchStats stats)
            throws Exception {
        return runOnce(scorer, texts, load, stats, new double[texts.size()]);
    }

    /** Scores the texts under the load; returns System.nanoTime() when the last one completed. */
    static long runOnce(SentimentScorer scorer, List<String> texts, String load, BatchStats stats,
            double[] latencyMs) throws Exception {
        int n = texts.size();
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong last = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Semaphore inFlight = load.startsWith("closed:")
                ? new Semaphore(Integer.parseInt(load.substring("closed:".length()))) : null;
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

    /** "a=1,b=2" or a plain number for every workload. */
    static Map<String, Integer> perWorkload(String spec) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (!spec.contains("=")) {
            for (String w : Workloads.NAMES) {
                out.put(w, Integer.parseInt(spec.trim()));
            }
            return out;
        }
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=");
            out.put(p[0].trim(), Integer.parseInt(p[1].trim()));
        }
        return out;
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
                if (kept.size == c.size && kept.delayMs == c.delayMs && kept.tokens == c.tokens
                        && kept.threads == c.threads
                        && singleBucket(kept.buckets, lengths) && singleBucket(c.buckets, lengths)) {
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
        int[] bounds = Arrays.stream(buckets.split(",")).mapToInt(b -> Integer.parseInt(b.trim())).toArray();
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

    static List<Config> configs(Map<String, String> opt) {
        Config base = baseConfig(opt);
        List<Config> out = new ArrayList<>();
        for (String s : opt.get("sizes").split(",")) {
            for (String b : opt.get("buckets").split("\\|", -1)) {
                add(out, new Config(Integer.parseInt(s.trim()), base.delayMs, b.trim(), base.tokens, base.threads));
            }
        }
        for (String d : opt.get("delays").split(",")) {
            add(out, new Config(base.size, Integer.parseInt(d.trim()), base.buckets, base.tokens, base.threads));
        }
        int tokensSize = Integer.parseInt(opt.get("tokens-size"));
        for (String t : opt.get("tokens").split(",")) {
            add(out, new Config(tokensSize, base.delayMs, base.buckets, Integer.parseInt(t.trim()), base.threads));
        }
        for (String t : opt.get("other-threads").split(",")) {
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
    static Config baseConfig(Map<String, String> opt) {
        String[] p = opt.get("base").split(",", -1);
        return new Config(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p[2].replace(';', ','),
                Integer.parseInt(p[3]), Integer.parseInt(opt.get("threads")));
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
            sb.append(i == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.0f%%", 100.0 * counts[i] / lengths.length));
        }
        return sb.toString();
    }

    static double pct(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String summary(List<Run> runs, List<String> workloads, List<Config> configs, Config base,
            Map<String, int[]> lengths, String load, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "### Load `%s` (`BatchingBenchmark %s`)%n", load,
                String.join(" ", args)));
        for (String w : workloads) {
            sb.append(String.format(Locale.ROOT, "%n#### Workload `%s` (tokens %s)%n%n", w,
                    Workloads.lengthSummary(lengths.get(w))));
            sb.append("| max-batch-size | delay | buckets | max-batch-tokens | intra-op threads | records/s (each"
                    + " round) | median records/s | x base (median of per-round ratios) | padding eff | mean batch |"
                    + " ms/batch | latency p50 / p99 ms |\n");
            sb.append("|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---|\n");
            for (Config c : configs) {
                List<Run> mine = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (Run r : runs) {
                    if (r.workload.equals(w) && r.config.equals(c)) {
                        mine.add(r);
                        for (Run b : runs) {
                            if (b.workload.equals(w) && b.config.equals(base) && b.round == r.round) {
                                ratios.add(r.perSecond() / b.perSecond());
                            }
                        }
                    }
                }
                if (mine.isEmpty()) {
                    continue;
                }
                StringBuilder each = new StringBuilder();
                List<Double> rates = new ArrayList<>();
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                long real = 0;
                long computed = 0;
                long texts = 0;
                long batches = 0;
                long inferNanos = 0;
                for (Run r : mine) {
                    each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f",
                            r.perSecond()));
                    rates.add(r.perSecond());
                    p50.add(pct(r.latencyMs, 50));
                    p99.add(pct(r.latencyMs, 99));
                    real += r.stats.realTokens.get();
                    computed += r.stats.computedTokens.get();
                    texts += r.stats.texts.get();
                    batches += r.stats.batches.get();
                    inferNanos += r.stats.inferenceNanos.get();
                }
                sb.append(String.format(Locale.ROOT,
                        "| %d%s | %d ms | %s | %d | %d | %s | %.1f | %.2f | %.3f | %.1f | %.0f | %.0f / %.0f |%n",
                        c.size, c.equals(base) ? " (base)" : "", c.delayMs,
                        c.buckets.isEmpty() ? "none" : "\"" + c.buckets + "\"", c.tokens, c.threads, each,
                        median(rates), median(ratios), computed == 0 ? 1.0 : (double) real / computed,
                        batches == 0 ? 0 : (double) texts / batches,
                        batches == 0 ? 0 : inferNanos / 1e6 / batches, median(p50), median(p99)));
            }
        }
        return sb.toString();
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("BatchingBenchmark [--option value]..., defaults:");
                DEFAULTS.forEach((k, v) -> System.out.printf("  --%s '%s'%n", k, v));
                System.exit(0);
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args[++i];
            }
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; try --help");
            }
            opt.put(key, value);
        }
        return opt;
    }

    private BatchingBenchmark() {}
}
