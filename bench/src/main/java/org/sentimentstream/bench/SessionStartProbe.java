package org.sentimentstream.bench;

import org.sentimentstream.embedded.Percentiles;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentScorer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a new session costs its first records, and what a model swap costs the records around it, on the scorer
 * alone (no Kafka, no Flink, so that only the session is measured): opens a scorer in a fresh JVM with the given
 * warm-up rounds, sends texts at a steady rate from the first millisecond, and prints p99 latency per second; then,
 * if asked, swaps to a copy of the model under that load and prints the same around the swap, with the process's
 * resident memory before, during and after. Run once per setting, each in its own JVM: the JIT state of one run
 * would help the next.
 */
@Command(name = "session-start-probe", mixinStandardHelpOptions = true)
public final class SessionStartProbe implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--warm-up-rounds", defaultValue = "1")
    int warmUpRounds;

    @Option(names = "--workload", defaultValue = "mixed", description = "One of phrase, mixed, long, imdb.")
    String workload;

    @Option(names = "--rate", defaultValue = "20", description = "Texts per second.")
    int rate;

    @Option(names = "--seconds", defaultValue = "15", description = "Seconds of load before the swap, and after it.")
    int seconds;

    @Option(names = "--swap", description = "Swap to a copy of the model after --seconds, under the same load.")
    boolean swap;

    @Option(names = "--threads", defaultValue = "2", description = "ONNX Runtime intra-op threads.")
    int threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SessionStartProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        InferenceConfig config = InferenceConfig.builder()
                .model(model.toString())
                .set(SentimentOptions.WARM_UP_ROUNDS, warmUpRounds)
                .build();
        long rssStart = residentMiB();
        long t0 = System.nanoTime();
        try (SentimentScorer scorer = SentimentScorer.open(config, threads)) {
            long openMillis = (System.nanoTime() - t0) / 1_000_000;
            List<String> texts =
                    Workloads.pipeline(workload, text -> scorer.sequences(text).get(0).length);
            System.out.printf(
                    Locale.ROOT,
                    "open: %d ms with %d warm-up rounds; %s texts at %d/s; resident %d MiB before open, %d after%n",
                    openMillis,
                    warmUpRounds,
                    workload,
                    rate,
                    rssStart,
                    residentMiB());
            Load load = new Load(scorer, texts, rate);
            load.start();
            Thread.sleep(seconds * 1000L);
            if (swap) {
                Path copy = Files.createTempDirectory("swap-probe").resolve("swapped");
                Files.createDirectories(copy);
                for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
                    Files.copy(model.resolve(file), copy.resolve(file));
                }
                long rssBefore = residentMiB();
                PeakMemory peak = new PeakMemory();
                peak.start();
                long swapStart = System.nanoTime();
                int swapSecond = load.second();
                boolean swapped = scorer.update(new ModelAnnouncement(copy.toString(), null, List.of()));
                long swapMillis = (System.nanoTime() - swapStart) / 1_000_000;
                Thread.sleep(seconds * 1000L);
                peak.stop();
                System.out.printf(
                        Locale.ROOT,
                        "swap: %s in %d ms from second %d; resident %d MiB before, peak %d, %d after%n",
                        swapped ? "done" : "REFUSED",
                        swapMillis,
                        swapSecond,
                        rssBefore,
                        peak.max(),
                        residentMiB());
            }
            load.stop();
            load.print();
        }
        return 0;
    }

    /** Sends texts at a fixed rate and keeps each one's latency by the second it was sent in. */
    private static final class Load {
        private final SentimentScorer scorer;
        private final List<String> texts;
        private final int rate;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private long start;

        Load(SentimentScorer scorer, List<String> texts, int rate) {
            this.scorer = scorer;
            this.texts = texts;
            this.rate = rate;
        }

        void start() {
            start = System.nanoTime();
            timer.scheduleAtFixedRate(this::send, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        }

        int second() {
            return (int) ((System.nanoTime() - start) / 1_000_000_000L);
        }

        private void send() {
            long sentAt = System.nanoTime();
            String text = texts.get(sent.getAndIncrement() % texts.size());
            CompletableFuture<?> done = scorer.score(text);
            done.whenComplete((result, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                } else {
                    latencies.add(
                            new long[] {(sentAt - start) / 1_000_000_000L, (System.nanoTime() - sentAt) / 1_000_000});
                }
            });
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(10, TimeUnit.SECONDS);
            Thread.sleep(2000); // let the last texts finish
        }

        void print() {
            int last = latencies.stream().mapToInt(l -> (int) l[0]).max().orElse(-1);
            System.out.println("second,texts,p50_ms,p99_ms,max_ms");
            for (int s = 0; s <= last; s++) {
                final int second = s;
                double[] ms = latencies.stream()
                        .filter(l -> l[0] == second)
                        .mapToDouble(l -> l[1])
                        .toArray();
                if (ms.length == 0) {
                    continue;
                }
                java.util.Arrays.sort(ms);
                System.out.printf(
                        Locale.ROOT,
                        "%d,%d,%.0f,%.0f,%.0f%n",
                        s,
                        ms.length,
                        Percentiles.of(ms, 50),
                        Percentiles.of(ms, 99),
                        ms[ms.length - 1]);
            }
            System.out.println("sent " + sent.get() + ", failed " + failed.get());
        }
    }

    /** Samples resident memory every 50 ms. */
    private static final class PeakMemory {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private volatile long max;

        void start() {
            timer.scheduleAtFixedRate(() -> max = Math.max(max, residentMiB()), 0, 50, TimeUnit.MILLISECONDS);
        }

        void stop() {
            timer.shutdownNow();
        }

        long max() {
            return max;
        }
    }

    private static long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return 0;
    }
}
