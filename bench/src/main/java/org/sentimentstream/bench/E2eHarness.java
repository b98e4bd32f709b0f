package org.sentimentstream.bench;

import org.sentimentstream.cli.local.LocalCluster;
import org.sentimentstream.embedded.JobOutputReader;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.Percentiles;
import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.pipeline.SentimentPipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka -> job -> Kafka on one KRaft broker (in a JVM of its own, {@link BrokerProcess}) and one MiniCluster (1
 * TaskManager, 2 slots) that live for the whole benchmark; each measured job gets fresh topics, group and
 * transactional ids. Like the {@code local}
 * command ({@code LocalCluster}): throughput counts from the first record produced (the job is running and warmed up)
 * to the last record visible to a {@code read_committed} consumer; latency is producer timestamp to that moment.
 */
final class E2eHarness implements AutoCloseable {

    /** What runs between the source and the sinks. */
    enum Scoring {
        /** This project: {@link SentimentPipeline#define}, the async micro-batched scorer. */
        PIPELINE,
        /** Naive baseline (a): a synchronous map, one ONNX Runtime run per record, no padding. */
        NAIVE_UNPADDED,
        /** Naive baseline (b): the same, padded to 128 tokens (padding="max_length"). */
        NAIVE_PAD128
    }

    /**
     * One measured job. {@code afterScoring} (may be null) runs once all records are committed, before the job is
     * cancelled (its sessions still open). {@code restarts}: the job restarts from its last checkpoint when it fails
     * (fixed delay of {@value #RESTART_DELAY_MS} ms, as a TaskManager loss would make it); otherwise a failure ends it.
     */
    record JobSpec(
            String name,
            Scoring scoring,
            int parallelism,
            String modelDir,
            Map<String, String> settings,
            Runnable afterScoring,
            boolean restarts) {
        JobSpec(String name, Scoring scoring, int parallelism, String modelDir, Map<String, String> settings) {
            this(name, scoring, parallelism, modelDir, settings, null, false);
        }

        JobSpec restarting() {
            return new JobSpec(name, scoring, parallelism, modelDir, settings, afterScoring, true);
        }
    }

    /** The restart strategy's delay of a {@link JobSpec#restarts} job: Flink's default for fixed-delay. */
    static final long RESTART_DELAY_MS = 1000;

    /** What one measured job produced. */
    static final class Outcome {
        int records;
        long firstSentMs;
        long lastCommittedMs;
        /** Latency in ms of each record produced, by its send index; -1 for one not scored. */
        long[] latencyBySendIndex = new long[0];
        /** The send index of the first record whose latency counts: those before it are a job's start. */
        int firstMeasured;

        long realTokens;
        long computedTokens;
        long batches;
        /** CPU seconds of this JVM (Flink and the harness's producer and consumer), during the timed part. */
        double processCpuSeconds;

        double batcherCpuSeconds;
        /** CPU seconds of the harness's own producer and consumer threads: not the job's work. */
        double harnessCpuSeconds;
        /** CPU seconds of the JIT compiler threads. */
        double jitCpuSeconds;
        /** CPU seconds of the broker's JVM. */
        double brokerCpuSeconds;
        /** CPU seconds of the whole machine (every process, other users' included), from /proc/stat. */
        double machineCpuSeconds;
        /** Epoch ms of the disruption (a TaskManager killed), or 0 for none. */
        volatile long disruptedAtMs;
        /** Records that went to the dead-letter topic (a restarting job's run does not fail on them). */
        int deadLetters;
        /** CPU seconds per {@link CpuTime#CATEGORIES} (threads that ended during the run are missing). */
        double[] cpuByCategory = new double[CpuTime.CATEGORIES.length];

        double recordsPerSecond() {
            return records / seconds();
        }

        double seconds() {
            return Math.max(1, lastCommittedMs - firstSentMs) / 1000.0;
        }

        /** CPU seconds of the load generator: the harness's producer thread and its read_committed consumer. */
        double loadGeneratorCpuSeconds() {
            return harnessCpuSeconds;
        }

        /**
         * CPU seconds of the job: this JVM's, less the harness's producer and consumer and less the JIT compiler,
         * which compiles each new job's code paths (a TaskManager that runs one job for hours has done so).
         */
        double jobCpuSeconds() {
            return processCpuSeconds - harnessCpuSeconds - jitCpuSeconds;
        }

        double paddingEfficiency() {
            return computedTokens == 0 ? Double.NaN : (double) realTokens / computedTokens;
        }

        /** The {@code p}-th percentile (0 to 100) of the latencies that count; -1 for none. */
        long latencyPercentile(double p) {
            return percentile(firstMeasured, latencyBySendIndex.length, p);
        }

        /** The p99 latency of the records sent in each window of {@code perWindow} records, the start included. */
        List<Long> latencyTimeline(int perWindow) {
            List<Long> p99s = new ArrayList<>();
            for (int from = 0; from < latencyBySendIndex.length; from += perWindow) {
                p99s.add(percentile(from, Math.min(latencyBySendIndex.length, from + perWindow), 99));
            }
            return p99s;
        }

        private long percentile(int from, int to, double p) {
            long[] scored = Arrays.stream(latencyBySendIndex, from, to)
                    .filter(l -> l >= 0)
                    .toArray();
            return scored.length == 0 ? -1 : Percentiles.of(scored, p);
        }
    }

    private static final AtomicInteger JOBS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BrokerProcess broker;
    private final MiniCluster cluster;
    private final Duration checkpointInterval;
    /** The index of the running TaskManager in the MiniCluster's list. */
    private int taskManager;

    E2eHarness(Duration checkpointInterval, Path brokerLog) throws Exception {
        this.checkpointInterval = checkpointInterval;
        this.broker = BrokerProcess.start(brokerLog);
        Configuration conf = LocalCluster.flinkConfiguration();
        conf.setString("restart-strategy.type", "none"); // a restarted job would blur the measurement
        this.cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
        cluster.start();
    }

    /**
     * Throughput: starts the job, scores {@code warmup} records and waits until they are committed, then produces
     * {@code texts} at once and waits for all of them. Not a time window: the async operator emits in input order,
     * so at any moment up to its capacity of scored records wait behind an older one, which on a slow model is more
     * than a window of 20 s holds.
     */
    Outcome throughput(JobSpec spec, List<String> warmup, List<String> texts) throws Exception {
        return run(spec, warmup, texts, 0, 0, -1);
    }

    /**
     * Latency: as {@link #throughput}, but {@code texts} are produced open-loop at {@code ratePerSecond}
     * (timestamps are the scheduled send times, so a producer that falls behind does not hide latency) and all of
     * them are awaited; the latencies are those of the records sent after the first {@code settleSeconds}, so that
     * they are the steady state of a running job rather than the start of a new one.
     */
    Outcome latency(JobSpec spec, List<String> warmup, List<String> texts, double ratePerSecond, double settleSeconds)
            throws Exception {
        return run(spec, warmup, texts, ratePerSecond, (int) Math.ceil(ratePerSecond * settleSeconds), -1);
    }

    /**
     * As {@link #latency}, and when the record of send index {@code killAt} is due, the TaskManager is killed and a
     * new one started (a MiniCluster's TaskManager runs in this JVM: what the JIT compiled survives, a new
     * TaskManager process would start cold); {@code spec} should restart. Every record is awaited once: a record
     * replayed after the restart counts with its first visible result.
     */
    Outcome latencyAcrossKill(JobSpec spec, List<String> warmup, List<String> texts, double ratePerSecond, int killAt)
            throws Exception {
        return run(spec, warmup, texts, ratePerSecond, 0, killAt);
    }

    /** Kills the running TaskManager and starts a new one in its place (its slots are then free for the restart). */
    private synchronized long killTaskManager() throws Exception {
        long at = System.currentTimeMillis();
        cluster.terminateTaskManager(taskManager).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
        taskManager++; // MiniCluster keeps the terminated one in its list
        return at;
    }

    private Outcome run(
            JobSpec spec, List<String> warmup, List<String> texts, double ratePerSecond, int firstMeasured, int killAt)
            throws Exception {
        Submitted submitted = submit(spec);
        String in = submitted.in();
        String out = submitted.out();
        String dlq = submitted.dlq();
        JobClient job = submitted.job();
        JobOutputReader.Check jobAlive = () -> {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the job ended early: " + job.getJobStatus().get());
            }
        };
        long[] bySendIndex = new long[texts.size()];
        Arrays.fill(bySendIndex, -1);
        boolean[] seen = new boolean[texts.size()];
        AtomicInteger distinct = new AtomicInteger();
        JobOutputReader.Handler keepLatency = (r, scored) -> {
            int index = sendIndex(r.key());
            // the first visible result: a record replayed after a restart is seen twice
            if (index >= 0 && !seen[index]) {
                seen[index] = true;
                distinct.incrementAndGet();
                if (scored) {
                    bySendIndex[index] = System.currentTimeMillis() - r.timestamp();
                }
            }
        };
        try (KafkaProducer<byte[], byte[]> producer = producer();
                JobOutputReader reader = new JobOutputReader(broker.bootstrapServers(), out, dlq, keepLatency)) {
            LocalCluster.waitUntilRunning(job);
            for (int i = 0; i < warmup.size(); i++) {
                producer.send(record(in, i, "w" + i, warmup.get(i), System.currentTimeMillis()));
            }
            producer.flush();
            reader.await(warmup.size(), jobAlive);
            if (warmup.isEmpty()) {
                Thread.sleep(1000); // no warm-up records: give the source time to find its partitions
            }
            reader.reset();
            long realBefore = RetainingMetricReporter.sum("realTokens");
            long computedBefore = RetainingMetricReporter.sum("computedTokens");
            long batchesBefore = RetainingMetricReporter.sum("batches");

            Outcome o = new Outcome();
            double[] cpuBefore = CpuTime.sample();
            double brokerBefore = broker.cpuSeconds();
            double machineBefore = ProcStat.machineBusySeconds();
            o.firstSentMs = System.currentTimeMillis();
            Thread sender = new Thread(
                    () -> {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < texts.size(); i++) {
                            long timestamp = System.currentTimeMillis();
                            if (ratePerSecond > 0) {
                                long due = t0 + (long) (i * 1e9 / ratePerSecond);
                                long wait = due - System.nanoTime();
                                if (wait > 0) {
                                    try {
                                        TimeUnit.NANOSECONDS.sleep(wait);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                        return;
                                    }
                                }
                                timestamp = o.firstSentMs + (due - t0) / 1_000_000;
                            }
                            if (i == killAt) {
                                Thread killer = new Thread(
                                        PipelineBenchmark.unchecked(() -> o.disruptedAtMs = killTaskManager()),
                                        "bench-kill");
                                killer.start();
                            }
                            producer.send(record(in, i, "r" + i, texts.get(i), timestamp));
                        }
                        producer.flush();
                    },
                    CpuTime.PRODUCER_THREAD);
            sender.start();
            reader.await(texts.size(), jobAlive);
            while (distinct.get() < texts.size()) { // duplicates after a restart: wait for every record once
                reader.await(reader.total() + texts.size() - distinct.get(), jobAlive);
            }
            sender.join();
            o.lastCommittedMs = reader.lastArrivalMs();
            o.records = texts.size();
            double[] cpuAfter = CpuTime.sample();
            o.processCpuSeconds = cpuAfter[0] - cpuBefore[0];
            o.batcherCpuSeconds = cpuAfter[1] - cpuBefore[1];
            o.harnessCpuSeconds = cpuAfter[CpuTime.HARNESS] - cpuBefore[CpuTime.HARNESS];
            o.jitCpuSeconds = cpuAfter[CpuTime.JIT] - cpuBefore[CpuTime.JIT];
            o.brokerCpuSeconds = broker.cpuSeconds() - brokerBefore;
            o.machineCpuSeconds = ProcStat.machineBusySeconds() - machineBefore;
            for (int c = 0; c < cpuAfter.length; c++) {
                o.cpuByCategory[c] = cpuAfter[c] - cpuBefore[c];
            }
            if (spec.afterScoring() != null) {
                spec.afterScoring().run();
            }
            o.latencyBySendIndex = bySendIndex;
            o.firstMeasured = firstMeasured;
            o.deadLetters = reader.deadLetters();
            if (reader.deadLetters() > 0 && !spec.restarts()) {
                throw new IllegalStateException(spec.name() + ": " + reader.deadLetters() + " dead letters");
            }
            // the metric reporter sees the counters at once (they are live objects), no report interval needed
            o.realTokens = RetainingMetricReporter.sum("realTokens") - realBefore;
            o.computedTokens = RetainingMetricReporter.sum("computedTokens") - computedBefore;
            o.batches = RetainingMetricReporter.sum("batches") - batchesBefore;
            return o;
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!job.getJobStatus().get().isGloballyTerminalState() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        }
    }

    /** A submitted job and its topics. */
    private record Submitted(String in, String out, String dlq, JobClient job) {}

    /** Fresh topics, group and transactional ids, and the job of {@code spec} on them, submitted. */
    private Submitted submit(JobSpec spec) throws Exception {
        int k = JOBS.incrementAndGet();
        String in = "in-" + k;
        String out = "out-" + k;
        String dlq = "dlq-" + k;
        broker.createTopics(2, in, out, dlq);
        Map<String, String> settings = new HashMap<>();
        settings.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), broker.bootstrapServers());
        settings.put(KafkaOptions.INPUT_TOPIC.key(), in);
        settings.put(KafkaOptions.OUTPUT_TOPIC.key(), out);
        settings.put(KafkaOptions.DLQ_TOPIC.key(), dlq);
        settings.put(KafkaOptions.GROUP_ID.key(), "bench-" + k);
        settings.put(KafkaOptions.TRANSACTIONAL_ID_PREFIX.key(), "bench-" + k);
        settings.put(KafkaOptions.STARTING_OFFSETS.key(), "EARLIEST");
        settings.put("sentiment.checkpoint-interval", checkpointInterval.toMillis() + " ms");
        settings.put("sentiment.model", spec.modelDir());
        settings.putAll(spec.settings());
        JobConfig config = JobConfig.of(settings);

        Configuration jobConf = new Configuration();
        if (spec.restarts()) {
            jobConf.setString("restart-strategy.type", "fixed-delay");
            jobConf.setString("restart-strategy.fixed-delay.attempts", "3");
            jobConf.setString("restart-strategy.fixed-delay.delay", RESTART_DELAY_MS + " ms");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConf);
        env.setParallelism(spec.parallelism());
        switch (spec.scoring()) {
            case PIPELINE -> SentimentPipeline.define(env, config);
            case NAIVE_UNPADDED -> NaiveScoreFunction.defineJob(env, config, spec.modelDir(), 0);
            case NAIVE_PAD128 -> NaiveScoreFunction.defineJob(env, config, spec.modelDir(), 128);
        }
        RetainingMetricReporter.clear();
        JobID id = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        JobClient job = new MiniClusterJobClient(
                id, cluster, getClass().getClassLoader(), MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
        return new Submitted(in, out, dlq, job);
    }

    /** How a job is ended by {@link #releaseTime}. */
    enum Ending {
        CANCEL,
        STOP_WITH_SAVEPOINT
    }

    /**
     * Seconds from asking a job to end until it has ended (every task closed, its slots free): the job gets all
     * {@code texts} at once, and once {@code scoredFirst} of them are visible (its async queues are then full), it is
     * cancelled or stopped with a savepoint into {@code savepointDir}.
     */
    double releaseTime(JobSpec spec, List<String> texts, int scoredFirst, Ending ending, Path savepointDir)
            throws Exception {
        Submitted submitted = submit(spec);
        JobClient job = submitted.job();
        try (KafkaProducer<byte[], byte[]> producer = producer();
                JobOutputReader reader = new JobOutputReader(
                        broker.bootstrapServers(), submitted.out(), submitted.dlq(), (r, s) -> {})) {
            LocalCluster.waitUntilRunning(job);
            for (int i = 0; i < texts.size(); i++) {
                producer.send(record(submitted.in(), i, "r" + i, texts.get(i), System.currentTimeMillis()));
            }
            producer.flush();
            reader.await(scoredFirst, () -> {});
            long t0 = System.nanoTime();
            switch (ending) {
                case CANCEL -> job.cancel().get(10, TimeUnit.MINUTES);
                case STOP_WITH_SAVEPOINT ->
                    job.stopWithSavepoint(false, savepointDir.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(10, TimeUnit.MINUTES);
            }
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                Thread.sleep(10);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(10, TimeUnit.MINUTES);
            }
        }
    }

    /** The index of a measured record from its key ({@code r<index>}); -1 for a warm-up record ({@code w<index>}). */
    private static int sendIndex(byte[] key) {
        String k = new String(key, StandardCharsets.UTF_8);
        return k.startsWith("r") ? Integer.parseInt(k.substring(1)) : -1;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int i, String id, String text, long ts) {
        byte[] value = JSON.createObjectNode()
                .put("id", id)
                .put("text", text)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        // explicit partitions: both subtasks of a parallelism-2 job get the same share, whatever the batching
        return new ProducerRecord<>(topic, i % 2, ts, id.getBytes(StandardCharsets.UTF_8), value);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return KafkaProducers.bytes(
                broker.bootstrapServers(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, "1", ProducerConfig.CLIENT_ID_CONFIG, CpuTime.PRODUCER_THREAD));
    }

    /**
     * CPU seconds of this JVM by where they went, from thread names: [0] the whole process, [1] the micro-batcher
     * threads (ONNX Runtime runs inside them with 1 intra-op thread), [2] Flink's task threads (source, parser,
     * tokenizer in asyncInvoke, result writing, sinks, the source's fetcher), [3] the harness: its producer and the
     * {@code read_committed} consumer polled by the main thread, [4] every other Java thread (Flink's runtime),
     * [5] the JIT compiler threads, [6] what else no Java thread accounts for: GC and native threads.
     */
    static final class CpuTime {
        static final String PRODUCER_THREAD = "bench-producer";
        static final String[] CATEGORIES = {
            "process",
            "inference (batcher threads)",
            "Flink task threads",
            "harness",
            "Flink runtime",
            "JIT compiler",
            "GC, native"
        };
        static final int PROCESS = 0;
        static final int INFERENCE = 1;
        static final int HARNESS = 3;
        static final int JIT = 5;

        static double[] sample() {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            double[] out = new double[CATEGORIES.length];
            double javaTotal = 0;
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t <= 0) {
                    continue;
                }
                double sec = t / 1e9;
                javaTotal += sec;
                String name = info.getThreadName();
                if (name.startsWith("sentiment-batcher")) {
                    out[INFERENCE] += sec;
                } else if (name.equals("main") || name.contains(PRODUCER_THREAD)) {
                    out[HARNESS] += sec;
                } else if (name.contains(" -> ")
                        || name.startsWith("Source")
                        || name.contains("sink: ")
                        || name.startsWith("kafka-producer-network-thread")) {
                    out[2] += sec;
                } else {
                    out[4] += sec;
                }
            }
            out[PROCESS] = ((com.sun.management.OperatingSystemMXBean)
                                    java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
            out[JIT] = compilerThreadSeconds();
            out[6] = out[PROCESS] - javaTotal - out[JIT];
            return out;
        }

        /** The JIT compiler threads are not Java threads: their CPU time comes from /proc. */
        private static double compilerThreadSeconds() {
            double seconds = 0;
            try (java.nio.file.DirectoryStream<Path> tasks =
                    java.nio.file.Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    try {
                        if (java.nio.file.Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            seconds += ProcStat.cpuSeconds(task.resolve("stat"));
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return seconds;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            broker.close();
        }
    }
}
