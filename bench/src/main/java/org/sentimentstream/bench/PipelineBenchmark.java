package org.sentimentstream.bench;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentScorer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The pipeline (Kafka -> job -> Kafka) against the raw ONNX Runtime ceiling with the same threads and model, and
 * against the naive per-record job, for each model and workload; then latency under an open-loop load. Every
 * measurement lasts at least {@code --seconds}; configurations take turns round-robin within each round, the
 * first one rotating, and every claim is a ratio within a round, reported as the median and the range over the
 * rounds. {@code --help} lists the options.
 */
public final class PipelineBenchmark {

    static final String CEILING = "ceiling";
    static final String PIPELINE = "pipeline";
    static final String NAIVE = "naive";
    static final String NAIVE_PADDED = "naive padded-128";
    /**
     * A job's records: its expected rate (the fastest so far) x --seconds x this, so that it lasts at least --seconds
     * even when it runs faster than expected (the first round's expectation comes from the calibration, which may be
     * well off; a run of 2026-11-28 sized from the median rate had one job 28 % faster than it, which lasted 17.5 s).
     */
    static final double MARGIN = 1.25;
    /** The window of a latency run's timeline and of the restart's p99. */
    static final int TIMELINE_SECONDS = 5;
    /** The p99 a restarted job is steady under again, and the latency target at 25 % load. */
    static final long STEADY_P99_MS = 250;

    @Command(
            name = "PipelineBenchmark",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "The pipeline against the ONNX Runtime ceiling and the naive per-record job.")
    static final class Options implements Callable<Integer> {

        @Option(
                names = "--model",
                paramLabel = "NAME=DIR",
                description = "A model to measure (repeatable). Default: compact-int8=models/sst2-minilm-l6 and"
                        + " base-fp32=.cache/distilbert-base-shape.")
        Map<String, Path> models = new LinkedHashMap<>();

        @Option(names = "--workloads", split = ",")
        List<String> workloads = Workloads.PIPELINE;

        @Option(names = "--seconds", description = "Shortest length of each measurement.")
        double seconds = 20;

        @Option(names = "--rounds")
        int rounds = 3;

        @Option(names = "--naive-rounds", description = "Rounds that measure the naive jobs (the first ones).")
        int naiveRounds = 3;

        @Option(
                names = "--run-name",
                description = "What the report calls this run (bench/run.sh: default, or full with --full).")
        String runName = "full";

        @Option(
                names = "--run-started",
                description = "Epoch seconds when the whole run (bench/run.sh) started: the report's wall time counts"
                        + " from it (default: this JVM's start).")
        Long runStarted;

        @Option(names = "--parallelism", description = "Parallelism of the jobs; the ceiling gets as many sessions.")
        int parallelism = 2;

        @Option(names = "--budgets", split = ",", description = "Token budgets of the ceiling's calibration.")
        int[] budgets = {256, 512, 1024};

        @Option(names = "--calibration-seconds", description = "Length of each calibration run.")
        double calibrationSeconds = 2;

        @Option(
                names = "--calibration-passes",
                description = "Passes over the budgets, alternately forwards and backwards; each budget's result is"
                        + " the mean over the passes.")
        int calibrationPasses = 2;

        @Option(names = "--naive-model", description = "The model of the naive jobs (default: the first).")
        String naiveModel;

        @Option(names = "--naive-workload")
        String naiveWorkload = "phrase";

        @Option(names = "--latency-model", description = "The model of the latency runs (default: the first).")
        String latencyModel;

        @Option(names = "--latency-workload")
        String latencyWorkload = "phrase";

        @Option(
                names = "--latency-loads",
                split = ",",
                description = "The latency-load curve: offered loads, %% of the pipeline's measured capacity.")
        List<Integer> latencyLoads = List.of(10, 25, 50, 75);

        @Option(names = "--latency-seconds", description = "Measured seconds of each latency run.")
        double latencySeconds = 20;

        @Option(
                names = "--latency-settle-seconds",
                description = "Seconds of load before the latencies that count: a running job's, not a starting one's.")
        double latencySettleSeconds = 10;

        @Option(
                names = "--latency-capacity",
                description =
                        "Records per second taken as the pipeline's capacity (default: its median in the rounds).")
        Double latencyCapacity;

        @Option(
                names = "--latency-runs",
                split = ",",
                description = "The delivery guarantees of the latency-load curve, in order; each runs every load.")
        List<String> latencyRuns = List.of("AT_LEAST_ONCE", "EXACTLY_ONCE");

        @Option(
                names = "--warm-up-jobs",
                negatable = true,
                description = "Untimed jobs that JIT-compile the job's code before the first measurement"
                        + " (--no-warm-up-jobs: the first job meets a cold JVM, as a new TaskManager does).")
        boolean warmUpJobs = true;

        @Option(names = "--restart-load", description = "Offered load of the restart runs, %% of capacity.")
        int restartLoad = 25;

        @Option(
                names = "--restart-warm-up-rounds",
                split = ",",
                description = "One restart run per value of sentiment.warm-up-rounds (0 = off).")
        List<Integer> restartWarmUpRounds = List.of(0, 2);

        @Option(names = "--restart-before-seconds", description = "Seconds of load before the TaskManager is killed.")
        int restartBeforeSeconds = 15;

        @Option(names = "--restart-after-seconds", description = "Seconds of load after the TaskManager is killed.")
        int restartAfterSeconds = 40;

        @Option(
                names = "--python",
                description = "The Python of the peers phase (transformers pipeline, ONNX Runtime loop); skipped"
                        + " with a message where it does not exist.")
        Path python = Path.of(".venv/bin/python");

        @Option(names = "--peers-model", description = "The model (a --model name) of the Python peers.")
        String peersModel = "base-fp32";

        @Option(names = "--peers-workload")
        String peersWorkload = "phrase";

        @Option(names = "--peers-seconds", description = "Measured seconds of each Python peer.")
        double peersSeconds = 20;

        @Option(names = "--checkpoint-interval-ms")
        long checkpointIntervalMs = 1000;

        @Option(names = "--phases", split = ",")
        List<String> phases = List.of("peers", "calibrate", "rounds", "latency", "restart");

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A job setting for every pipeline job.")
        Map<String, String> settings = new LinkedHashMap<>();

        @Option(names = "--out-dir", description = "Where the CSV files go.")
        Path outDir = Path.of("docs/bench");

        @Option(names = "--report")
        Path report = Path.of("docs/benchmarks.md");

        @Option(names = "--jmh", description = "JMH results (CSV) to include, if the file exists.")
        Path jmh = Path.of("docs/bench/jmh.csv");

        @Option(names = "--command", description = "The command line the report names as its source.")
        String command = "bench/run.sh";

        @Override
        public Integer call() throws Exception {
            if (models.isEmpty()) {
                models.put("compact-int8", Path.of("models/sst2-minilm-l6"));
                models.put("base-fp32", Path.of(".cache/distilbert-base-shape"));
            }
            String first = models.keySet().iterator().next();
            naiveModel = naiveModel == null ? first : naiveModel;
            latencyModel = latencyModel == null ? first : latencyModel;
            settings.putIfAbsent("sentiment.delivery-guarantee", "AT_LEAST_ONCE");
            new PipelineBenchmark(this).run();
            return 0;
        }
    }

    /**
     * A model's workloads by name: the texts, the token ids of the sequences the job scores for them (one per text,
     * or a long text's windows), and sequences per text, which turns the ceiling's sequences into records.
     */
    private record Prepared(
            Map<String, List<String>> texts, Map<String, List<long[]>> ids, Map<String, Double> sequencesPerText) {}

    private final Options o;
    private final Results results = new Results();
    private final Map<String, Prepared> prepared = new LinkedHashMap<>();
    /** Records per second expected of each configuration ("model/workload/config"), to size its next run. */
    private final Map<String, Double> expectedRate = new LinkedHashMap<>();

    private PipelineBenchmark(Options o) {
        this.o = o;
    }

    public static void main(String[] args) {
        // exit also on success: Flink and Kafka leave non-daemon threads behind
        System.exit(new CommandLine(new Options()).execute(args));
    }

    private void run() throws Exception {
        results.startedAt = ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toString();
        results.loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        results.cores = Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        prepareWorkloads();
        if (o.phases.contains("peers")) {
            Prepared peers = prepared.get(o.peersModel);
            PythonPeers.run(o, peers == null ? null : peers.texts().get(o.peersWorkload), results);
        }
        if (o.phases.contains("calibrate")) {
            calibrate();
        }
        try (E2eHarness harness =
                new E2eHarness(Duration.ofMillis(o.checkpointIntervalMs), Path.of(".cache/bench-logs/broker.log"))) {
            if (o.warmUpJobs
                    && (o.phases.contains("rounds") || o.phases.contains("latency") || o.phases.contains("restart"))) {
                warmUp(harness);
            }
            if (o.phases.contains("rounds")) {
                for (int round = 1; round <= o.rounds; round++) {
                    runRound(harness, round);
                }
            }
            if (o.phases.contains("latency")) {
                runLatency(harness);
            }
            if (o.phases.contains("restart")) {
                runRestarts(harness);
            }
        }
        results.loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        results.seconds = (System.nanoTime() - t0) / 1e9;
        results.runSeconds =
                o.runStarted == null ? results.seconds : System.currentTimeMillis() / 1000.0 - o.runStarted;
        new Report(o, results).write();
        log("done in %.0f s; report %s", results.seconds, o.report);
    }

    private void prepareWorkloads() throws Exception {
        for (Map.Entry<String, Path> model : o.models.entrySet()) {
            // what the job reads of each text with the default settings: the text, or its windows
            InferenceConfig defaults =
                    InferenceConfig.builder().model(model.getValue().toString()).build();
            try (SentimentScorer reader = SentimentScorer.open(defaults, 1)) {
                Map<String, List<String>> texts = new LinkedHashMap<>();
                Map<String, List<long[]>> ids = new LinkedHashMap<>();
                Map<String, Double> perText = new LinkedHashMap<>();
                for (String w : o.workloads) {
                    List<String> t = Workloads.pipeline(w, s -> reader.tokenIds(s).length);
                    List<long[]> i = new ArrayList<>();
                    for (String text : t) {
                        i.addAll(reader.sequences(text));
                    }
                    texts.put(w, t);
                    ids.put(w, i);
                    perText.put(w, (double) i.size() / t.size());
                    results.lengths.putIfAbsent(
                            w, i.stream().mapToInt(a -> a.length).toArray());
                }
                prepared.put(model.getKey(), new Prepared(texts, ids, perText));
            }
        }
        results.lengths.forEach((w, l) -> log("workload %s: %s", w, Workloads.lengthSummary(l)));
    }

    /**
     * The ceiling's token budget per model and workload: raw ONNX Runtime, {@code parallelism} sessions of one
     * thread, the whole workload sorted and cut to each budget, in {@code --calibration-passes} passes alternately
     * forwards and backwards over the budgets, so that a budget is not favoured by when it runs; also one text per
     * batch, which sizes the naive runs.
     */
    private void calibrate() throws Exception {
        for (Map.Entry<String, Path> model : o.models.entrySet()) {
            try (Ceiling ceiling = new Ceiling(model.getValue(), o.parallelism, 1)) {
                for (String w : o.workloads) {
                    List<long[]> ids = prepared.get(model.getKey()).ids().get(w);
                    ceiling.runFor(Ceiling.chunks(ids.subList(0, Math.min(64, ids.size())), 8), 1); // warm-up
                    calibrateSingleTexts(ceiling, model.getKey(), w, ids);
                    calibrateBudgets(ceiling, model.getKey(), w, ids);
                }
            }
        }
    }

    private void calibrateSingleTexts(Ceiling ceiling, String model, String w, List<long[]> ids) throws Exception {
        Ceiling.Timed single = ceiling.runFor(Ceiling.chunks(ids, 1), o.calibrationSeconds);
        results.calibration.add(new Results.Calibration(
                model, w, "1 text", 0, single.recordsPerSecond(), single.recordsPerCpuSecond(), 1));
        expectedRate.put(key(model, w, NAIVE), single.recordsPerSecond());
        double mean = ids.stream().mapToInt(a -> a.length).average().orElse(1);
        expectedRate.put(key(model, w, NAIVE_PADDED), single.recordsPerSecond() * mean / 128);
    }

    private void calibrateBudgets(Ceiling ceiling, String model, String w, List<long[]> ids) throws Exception {
        int n = o.budgets.length;
        double[] rps = new double[n];
        double[] perCpu = new double[n];
        double[] padding = new double[n];
        for (int pass = 0; pass < o.calibrationPasses; pass++) {
            for (int k = 0; k < n; k++) {
                int i = pass % 2 == 0 ? k : n - 1 - k;
                Ceiling.Timed t =
                        ceiling.runFor(Ceiling.budgetBatches(ids, o.budgets[i], maxTexts()), o.calibrationSeconds);
                rps[i] += t.recordsPerSecond() / o.calibrationPasses;
                perCpu[i] += t.recordsPerCpuSecond() / o.calibrationPasses;
                padding[i] = t.padding();
            }
        }
        int best = 0;
        for (int i = 0; i < n; i++) {
            results.calibration.add(
                    new Results.Calibration(model, w, "budget", o.budgets[i], rps[i], perCpu[i], padding[i]));
            log(
                    "calibrate %s %s budget %d: %.1f records/s, %.1f per CPU-second (mean of %d)",
                    model, w, o.budgets[i], rps[i], perCpu[i], o.calibrationPasses);
            if (perCpu[i] > perCpu[best]) {
                best = i;
            }
        }
        results.bestBudget.put(model + "/" + w, o.budgets[best]);
        // the calibration counts sequences; the jobs are sized in records
        double records = rps[best] / prepared.get(model).sequencesPerText().get(w);
        expectedRate.put(key(model, w, CEILING), records);
        // the first round's pipeline run is sized for 0.9 x the ceiling
        expectedRate.put(key(model, w, PIPELINE), 0.9 * records);
    }

    private int maxTexts() {
        return Integer.parseInt(o.settings.getOrDefault(
                SentimentOptions.MAX_BATCH_SIZE.key(), String.valueOf(SentimentOptions.MAX_BATCH_SIZE.defaultValue())));
    }

    /**
     * Untimed: JIT-compiles Flink's, Kafka's and the project's code paths with a job of about half
     * {@code --seconds} per model (a measured job must not pay for compiling them, as the ceiling, nearly all native code, does not).
     */
    private void warmUp(E2eHarness harness) throws Exception {
        for (Map.Entry<String, Path> model : o.models.entrySet()) {
            String w = o.workloads.get(0);
            List<String> pool = prepared.get(model.getKey()).texts().get(w);
            int n = (int) Math.ceil(expectedRate.getOrDefault(key(model.getKey(), w, PIPELINE), 50.0) * o.seconds / 2);
            harness.throughput(spec(model.getKey(), PIPELINE, Map.of()), warmUpTexts(pool), cycle(pool, n));
        }
        if (measuresNaive()) {
            harness.throughput(
                    spec(o.naiveModel, NAIVE, Map.of()),
                    List.of(),
                    prepared.get(o.naiveModel).texts().get(o.naiveWorkload).subList(0, 100));
        }
        log("warm-up jobs done");
    }

    private boolean measuresNaive() {
        return o.models.containsKey(o.naiveModel) && o.workloads.contains(o.naiveWorkload);
    }

    private void runRound(E2eHarness harness, int round) throws Exception {
        List<Runnable> configs = new ArrayList<>();
        for (String model : o.models.keySet()) {
            for (String w : o.workloads) {
                configs.add(unchecked(() -> measureCeiling(round, model, w)));
                configs.add(unchecked(() -> measureJob(harness, round, model, w, PIPELINE)));
            }
        }
        if (measuresNaive() && round <= o.naiveRounds) {
            configs.add(unchecked(() -> measureJob(harness, round, o.naiveModel, o.naiveWorkload, NAIVE)));
            configs.add(unchecked(() -> measureJob(harness, round, o.naiveModel, o.naiveWorkload, NAIVE_PADDED)));
        }
        int start = (round - 1) % configs.size();
        for (int i = 0; i < configs.size(); i++) {
            configs.get((start + i) % configs.size()).run();
        }
    }

    private void measureCeiling(int round, String model, String w) throws Exception {
        List<long[]> ids = prepared.get(model).ids().get(w);
        int budget = results.bestBudget.getOrDefault(model + "/" + w, SentimentOptions.MAX_BATCH_TOKENS.defaultValue());
        try (Ceiling ceiling = new Ceiling(o.models.get(model), o.parallelism, 1)) {
            List<List<long[]>> batches = Ceiling.budgetBatches(ids, budget, maxTexts());
            ceiling.runFor(batches.subList(0, Math.min(4, batches.size())), 0.5); // warm-up
            Ceiling.Timed t = ceiling.runFor(batches, o.seconds);
            // sequences scored, counted as the records they are part of (a long text is several windows)
            long records = Math.round(
                    t.records() / prepared.get(model).sequencesPerText().get(w));
            results.measurements.add(new Results.Measurement(
                    round, model, w, CEILING, records, t.seconds(), t.cpuSeconds(), Double.NaN, t.padding(), 0, null));
            log(
                    "round %d %s %s %s (budget %d): %.1f records/s, %.1f per CPU-second, %.0f s",
                    round, model, w, CEILING, budget, records / t.seconds(), records / t.cpuSeconds(), t.seconds());
        }
    }

    private void measureJob(E2eHarness harness, int round, String model, String w, String config) throws Exception {
        List<String> pool = prepared.get(model).texts().get(w);
        String key = key(model, w, config);
        double rate = expectedRate.getOrDefault(key, 50.0);
        // sized from the rate measured so far, with a margin, so that the run lasts at least --seconds
        int n = (int) Math.ceil(rate * o.seconds * MARGIN);
        E2eHarness.Outcome out = harness.throughput(spec(model, config, Map.of()), warmUpTexts(pool), cycle(pool, n));
        if (out.seconds() < o.seconds) {
            // the machine got faster than the rate it was sized from (a shared machine's load changes): measure
            // again, sized from this run, rather than keep a measurement shorter than --seconds
            int again = (int) Math.ceil(out.recordsPerSecond() * o.seconds * MARGIN);
            log(
                    "round %d %s %s %s: %.1f s is shorter than %.0f s; again with %d records",
                    round, model, w, config, out.seconds(), o.seconds, again);
            out = harness.throughput(spec(model, config, Map.of()), warmUpTexts(pool), cycle(pool, again));
        }
        double padding = switch (config) {
            case PIPELINE -> out.paddingEfficiency();
            case NAIVE_PADDED -> meanLength(w) / 128.0;
            default -> 1.0;
        };
        Results.Measurement m = new Results.Measurement(
                round,
                model,
                w,
                config,
                out.records,
                out.seconds(),
                out.jobCpuSeconds(),
                out.brokerCpuSeconds,
                padding,
                out.batches,
                out.cpuByCategory);
        results.measurements.add(m);
        // the fastest so far, not the median: a round that runs faster than the median must still last --seconds
        expectedRate.put(key, Math.max(m.rps(), expectedRate.getOrDefault(key, 0.0)));
        log(
                "round %d %s %s %s: %d records, %.1f records/s, %.1f per job CPU-second, padding %.3f, %.0f s",
                round, model, w, config, m.records(), m.rps(), m.perCpuSecond(), padding, m.seconds());
    }

    /**
     * Scored before the clock starts, so that a measurement holds neither the opening of the sessions nor the first,
     * slow runs of each session, as the ceiling's does not.
     */
    private static List<String> warmUpTexts(List<String> pool) {
        return pool.subList(pool.size() - 16, pool.size());
    }

    private double meanLength(String w) {
        int[] l = results.lengths.get(w);
        return Arrays.stream(l).average().orElse(0);
    }

    /** The pipeline's capacity in records/s: {@code --latency-capacity}, else its median in the rounds. */
    private double capacity(String model, String w) {
        return o.latencyCapacity != null
                ? o.latencyCapacity
                : results.median(model, w, PIPELINE, Results.Measurement::rps)
                        .orElse(expectedRate.getOrDefault(key(model, w, PIPELINE), 100.0));
    }

    /**
     * The latency-load curve: open-loop load at each of {@code --latency-loads} of the pipeline's capacity, for each
     * guarantee of {@code --latency-runs}, one new job each (the JVM is warm from the rounds, as a TaskManager that
     * has run for minutes is). EXACTLY_ONCE output is visible only when a checkpoint commits it.
     */
    private void runLatency(E2eHarness harness) throws Exception {
        String model = o.latencyModel;
        String w = o.latencyWorkload;
        List<String> pool = prepared.get(model).texts().get(w);
        double capacity = capacity(model, w);
        results.capacity = capacity;
        Map<String, Integer> runs = new HashMap<>();
        for (String guarantee : o.latencyRuns) {
            for (int load : o.latencyLoads) {
                int run = runs.merge(guarantee, 1, Integer::sum);
                double rate = capacity * load / 100.0;
                int n = (int) Math.ceil(rate * (o.latencySettleSeconds + o.latencySeconds));
                E2eHarness.Outcome out = harness.latency(
                        spec(model, PIPELINE, Map.of("sentiment.delivery-guarantee", guarantee)),
                        warmUpTexts(pool),
                        cycle(pool, n),
                        rate,
                        o.latencySettleSeconds);
                Results.Latency l = new Results.Latency(
                        model,
                        w,
                        guarantee,
                        run,
                        o.checkpointIntervalMs,
                        load,
                        rate,
                        n,
                        out.recordsPerSecond(),
                        out.latencyPercentile(50),
                        out.latencyPercentile(99),
                        out.latencyPercentile(99.9),
                        out.latencyPercentile(100),
                        out.jobCpuSeconds() / out.seconds(),
                        out.jitCpuSeconds / out.seconds(),
                        out.brokerCpuSeconds / out.seconds(),
                        out.loadGeneratorCpuSeconds() / out.seconds(),
                        out.machineCpuSeconds / out.seconds(),
                        out.cpuByCategory[E2eHarness.CpuTime.INFERENCE] / out.seconds(),
                        Results.textsPerBatch(out.records, out.batches),
                        out.latencyTimeline((int) Math.max(1, Math.round(rate * TIMELINE_SECONDS))));
                results.latency.add(l);
                log(
                        "latency %s %s %s at %d%% (%.1f/s, %d records): p50 %d p99 %d p99.9 %d max %d ms;"
                                + " cores: job %.2f (inference %.2f), JIT %.2f, broker %.2f, load generator %.2f,"
                                + " machine %.2f; %.1f texts per batch; p99 per %d s of sending: %s",
                        model,
                        w,
                        guarantee,
                        load,
                        rate,
                        n,
                        l.p50(),
                        l.p99(),
                        l.p999(),
                        l.max(),
                        l.jobCores(),
                        l.inferenceCores(),
                        l.jitCores(),
                        l.brokerCores(),
                        l.loadGeneratorCores(),
                        l.machineCores(),
                        l.textsPerBatch(),
                        TIMELINE_SECONDS,
                        l.timelineText());
            }
        }
    }

    /**
     * Time to steady latency after a restart: open-loop load at {@code --restart-load} (AT_LEAST_ONCE), the
     * TaskManager killed after {@code --restart-before-seconds} and a new one started; the job restarts from its
     * last checkpoint. One run per value of {@code --restart-warm-up-rounds}.
     */
    private void runRestarts(E2eHarness harness) throws Exception {
        String model = o.latencyModel;
        String w = o.latencyWorkload;
        List<String> pool = prepared.get(model).texts().get(w);
        double rate = capacity(model, w) * o.restartLoad / 100.0;
        int n = (int) Math.ceil(rate * (o.restartBeforeSeconds + o.restartAfterSeconds));
        int killAt = (int) Math.round(rate * o.restartBeforeSeconds);
        for (int warmUp : o.restartWarmUpRounds) {
            E2eHarness.JobSpec spec = spec(
                            model,
                            PIPELINE,
                            Map.of(
                                    "sentiment.delivery-guarantee",
                                    "AT_LEAST_ONCE",
                                    "sentiment.warm-up-rounds",
                                    String.valueOf(warmUp)))
                    .restarting();
            E2eHarness.Outcome out = harness.latencyAcrossKill(spec, warmUpTexts(pool), cycle(pool, n), rate, killAt);
            Results.Restart r = Results.Restart.of(
                    model, w, warmUp, o.restartLoad, rate, out, killAt, TIMELINE_SECONDS, STEADY_P99_MS);
            results.restarts.add(r);
            log(
                    "restart %s %s warm-up rounds %d at %d%% (%.1f/s): TaskManager killed at %.1f s; p99 under %d ms"
                            + " again %s s after the kill (records sent from then on), %s s after the job's first"
                            + " record; p99 before %d ms, worst after %d ms; p99 per %d s of sending (from the start;"
                            + " the kill at a window's start): %s",
                    model,
                    w,
                    warmUp,
                    o.restartLoad,
                    rate,
                    r.killedAtSeconds(),
                    STEADY_P99_MS,
                    Double.isNaN(r.secondsToSteady()) ? "never" : String.format("%.0f", r.secondsToSteady()),
                    Double.isNaN(r.secondsToSteadyFromStart())
                            ? "never"
                            : String.format("%.0f", r.secondsToSteadyFromStart()),
                    r.p99Before(),
                    r.maxAfter(),
                    TIMELINE_SECONDS,
                    r.timelineText());
        }
    }

    private E2eHarness.JobSpec spec(String model, String config, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(o.settings);
        settings.putAll(extra);
        E2eHarness.Scoring scoring = switch (config) {
            case PIPELINE -> E2eHarness.Scoring.PIPELINE;
            case NAIVE -> E2eHarness.Scoring.NAIVE_UNPADDED;
            case NAIVE_PADDED -> E2eHarness.Scoring.NAIVE_PAD128;
            default -> throw new IllegalArgumentException(config);
        };
        return new E2eHarness.JobSpec(
                config, scoring, o.parallelism, o.models.get(model).toString(), settings);
    }

    private static String key(String model, String workload, String config) {
        return model + "/" + workload + "/" + config;
    }

    /** {@code n} texts: the pool over and over. */
    private static List<String> cycle(List<String> pool, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(pool.get(i % pool.size()));
        }
        return out;
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
}
