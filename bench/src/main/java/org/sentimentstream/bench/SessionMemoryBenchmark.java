package org.sentimentstream.bench;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Resident memory of one TaskManager-like JVM with 2 slots scoring through ONNX Runtime, in one of two modes:
 *
 * <ul>
 *   <li>{@code PER_SLOT}: two scorers, {@code SentimentScorer.open(config, 1)} each (one session per slot, the
 *       cores divided by the slots, as {@code ThreadBudget} does);
 *   <li>{@code SHARED}: one scorer, {@code SentimentScorer.open(config, 2)} (one session with all cores), used by
 *       both slots.
 * </ul>
 *
 * Each slot is a thread that scores the same {@code --texts} texts (all submitted at once, then awaited). The
 * process's VmRSS, RssAnon, RssFile and VmHWM ({@code /proc/self/status}) are read before opening, after
 * opening, after scoring and after closing. Run each mode in a fresh JVM, with a fixed, pre-touched heap
 * ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}) so that heap growth does not blur the native memory.
 */
public final class SessionMemoryBenchmark {

    /** How the slots get their sessions. */
    enum Mode {
        PER_SLOT,
        SHARED
    }

    @Command(
            name = "SessionMemoryBenchmark",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Resident memory of 2 slots scoring through per-slot or shared ONNX Runtime sessions.")
    static final class Options implements Callable<Integer> {
        @Option(names = "--mode")
        Mode mode = Mode.PER_SLOT;

        @Option(names = "--model")
        String model = ".cache/distilbert-base-shape";

        @Option(names = "--sst2", description = "SST-2 train.tsv to draw the texts from (default: bundled phrases).")
        Path sst2;

        @Option(names = "--workload", description = "sst2 or short (long needs a tokenizer before opening).")
        String workload = "short";

        @Option(names = "--texts", description = "Texts per slot.")
        int texts = 200;

        @Option(names = "--slots")
        int slots = 2;

        @Option(names = "--batch-size")
        int batchSize = 16;

        @Option(names = "--spinning", arity = "1")
        boolean spinning;

        @Override
        public Integer call() throws Exception {
            run(this);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Options()).execute(args));
    }

    static void run(Options opt) throws Exception {
        Mode mode = opt.mode;
        int slots = opt.slots;
        int cores = Runtime.getRuntime().availableProcessors();
        String workload = opt.workload;
        if (workload.equals("long")) {
            throw new IllegalArgumentException("--workload sst2 or short (long needs a tokenizer before opening)");
        }
        List<String> texts = Workloads.build(workload, Workloads.phrases(opt.sst2), opt.texts, t -> {
            throw new UnsupportedOperationException();
        });
        InferenceConfig config = InferenceConfig.builder()
                .model(opt.model)
                .set(SentimentOptions.MAX_BATCH_SIZE, opt.batchSize)
                .set(SentimentOptions.INTRA_OP_SPINNING, opt.spinning)
                .build();
        // the thread split of ThreadBudget: per slot cores/slots, shared all cores
        int threads = mode == Mode.SHARED ? cores : Math.max(1, cores / slots);

        System.out.printf(
                "# SessionMemoryBenchmark mode=%s slots=%d cores=%d intra-op threads per session=%d"
                        + " texts per slot=%d (%s) max heap %d MB%n",
                mode,
                slots,
                cores,
                threads,
                texts.size(),
                workload,
                Runtime.getRuntime().maxMemory() >> 20);
        List<String[]> rows = new ArrayList<>();
        rows.add(sample("before opening"));

        List<SentimentScorer> scorers = new ArrayList<>();
        long t0 = System.nanoTime();
        if (mode == Mode.SHARED) {
            scorers.add(SentimentScorer.open(config, threads));
        } else {
            for (int i = 0; i < slots; i++) {
                scorers.add(SentimentScorer.open(config, threads));
                if (i == 0 && slots > 1) {
                    rows.add(sample("after opening the 1st session"));
                }
            }
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        rows.add(sample("after opening"));

        t0 = System.nanoTime();
        List<Thread> slotThreads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            SentimentScorer scorer = scorers.get(mode == Mode.SHARED ? 0 : s);
            Thread t = new Thread(
                    () -> {
                        try {
                            List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
                            for (String text : texts) {
                                futures.add(scorer.score(text));
                            }
                            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                                    .join();
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    },
                    "slot-" + s);
            slotThreads.add(t);
            t.start();
        }
        for (Thread t : slotThreads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("scoring failed", failures.get(0));
        }
        double scoreSeconds = (System.nanoTime() - t0) / 1e9;
        rows.add(sample("after scoring"));

        for (SentimentScorer s : scorers) {
            s.close();
        }
        rows.add(sample("after closing"));

        System.out.printf(
                Locale.ROOT,
                "opened %d session(s) in %.1f s; scored %d x %d texts in %.1f s (%.1f/s)%n",
                scorers.size(),
                openSeconds,
                slots,
                texts.size(),
                scoreSeconds,
                slots * texts.size() / scoreSeconds);
        System.out.println("| mode | point | VmRSS MB | RssAnon MB | RssFile MB | VmHWM MB | heap used MB |"
                + " VmRSS - before MB |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        double before = Double.parseDouble(rows.get(0)[1]);
        for (String[] r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %+.0f |%n",
                    mode,
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    Double.parseDouble(r[1]) - before);
        }
    }

    private static String[] sample(String point) throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(300);
        Map<String, Long> kb = status();
        Runtime rt = Runtime.getRuntime();
        return new String[] {
            point,
            mb(kb.get("VmRSS")),
            mb(kb.get("RssAnon")),
            mb(kb.get("RssFile")),
            mb(kb.get("VmHWM")),
            String.valueOf((rt.totalMemory() - rt.freeMemory()) >> 20)
        };
    }

    private static String mb(Long kb) {
        return kb == null ? "?" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    /** A kB field of /proc/self/status (VmRSS, VmHWM, ...); -1 when it cannot be read. */
    static long statusKb(String field) {
        try {
            return status().getOrDefault(field, -1L);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The kB fields of /proc/self/status. */
    static Map<String, Long> status() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.endsWith(" kB")) {
                int colon = line.indexOf(':');
                out.put(
                        line.substring(0, colon),
                        Long.parseLong(
                                line.substring(colon + 1, line.length() - 3).trim()));
            }
        }
        return out;
    }

    private SessionMemoryBenchmark() {}
}
