package org.sentimentstream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Raw ONNX Runtime, nothing else: pre-tokenized texts, {@link RawOnnx#classify} on ready batches (the library's
 * session options and tensor building, rebuilt here on ONNX Runtime's own API). The ceiling of a
 * workload is its best token budget over batches cut from the whole workload sorted by length: the batching that
 * a batcher which saw every text in advance would choose.
 */
final class Ceiling implements AutoCloseable {

    final String modelName;
    private final List<RawOnnx> sessions = new ArrayList<>();

    /** {@code sessions} sessions of {@code threads} intra-op threads each; batches are dealt out among them. */
    Ceiling(Path modelDir, int sessions, int threads) throws Exception {
        this.modelName = modelDir.getFileName().toString();
        for (int i = 0; i < sessions; i++) {
            this.sessions.add(RawOnnx.open(modelDir, threads));
        }
    }

    /** What a timed run did: records scored, wall seconds and CPU seconds of this JVM (JIT compiler excepted). */
    record Timed(long records, double seconds, double cpuSeconds, double padding) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double recordsPerCpuSecond() {
            return records / cpuSeconds;
        }
    }

    /** What one more batch is worth in padded tokens: the library's batch planner's figure. */
    static final int BATCH_COST_TOKENS = 32;

    /**
     * The whole workload sorted by length and cut, as the library's batch planner cuts its queue, into batches of at
     * most {@code maxTexts} texts and {@code budget} padded tokens (a longer text alone), where the padded tokens
     * plus {@link #BATCH_COST_TOKENS} per batch sum to the least (dynamic programming over the last cut).
     */
    static List<List<long[]>> budgetBatches(List<long[]> ids, int budget, int maxTexts) {
        List<long[]> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparingInt(a -> a.length));
        int n = sorted.size();
        long[] cost = new long[n + 1];
        int[] lastStart = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            cost[j] = Long.MAX_VALUE;
            int longest = sorted.get(j - 1).length;
            for (int i = j - 1; i >= 0 && j - i <= maxTexts; i--) {
                int size = j - i;
                if (size > 1 && (long) size * longest > budget) {
                    break;
                }
                long c = cost[i] + (long) size * longest + BATCH_COST_TOKENS;
                if (c < cost[j]) {
                    cost[j] = c;
                    lastStart[j] = i;
                }
            }
        }
        List<List<long[]>> batches = new ArrayList<>();
        for (int j = n; j > 0; j = lastStart[j]) {
            batches.add(0, new ArrayList<>(sorted.subList(lastStart[j], j)));
        }
        return batches;
    }

    static List<List<long[]>> chunks(List<long[]> ids, int size) {
        List<List<long[]>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += size) {
            batches.add(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + size))));
        }
        return batches;
    }

    /**
     * Runs the batches over and over for {@code seconds}, in a fixed random order (each session takes batch i,
     * i + n, ... in turn, n being the number of sessions), and counts the records of completed batches.
     */
    Timed runFor(List<List<long[]>> sortedBatches, double seconds) throws Exception {
        // in a fixed random order: cut from the sorted workload, the first batches hold its shortest texts, and a
        // run that ends before the last batch would overrate it
        List<List<long[]>> batches = new ArrayList<>(sortedBatches);
        java.util.Collections.shuffle(batches, new java.util.Random(Workloads.SEED));
        AtomicReference<Exception> error = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
        double[] cpuBefore = E2eHarness.CpuTime.sample();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            int session = s;
            Thread t = new Thread(
                    () -> {
                        try {
                            for (int b = session; System.nanoTime() < deadline; b += sessions.size()) {
                                List<long[]> batch = batches.get(b % batches.size());
                                sessions.get(session).classify(batch);
                                records.addAndGet(batch.size());
                            }
                        } catch (Exception e) {
                            error.set(e);
                        }
                    },
                    "ceiling-" + s);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (error.get() != null) {
            throw error.get();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double[] cpuAfter = E2eHarness.CpuTime.sample();
        // as for a job: this JVM's CPU less the JIT compiler's
        double cpu = cpuAfter[E2eHarness.CpuTime.PROCESS]
                - cpuBefore[E2eHarness.CpuTime.PROCESS]
                - (cpuAfter[E2eHarness.CpuTime.JIT] - cpuBefore[E2eHarness.CpuTime.JIT]);
        int[] lengths =
                batches.stream().flatMap(List::stream).mapToInt(a -> a.length).toArray();
        return new Timed(records.get(), wall, cpu, paddingEfficiency(batches, lengths));
    }

    static double paddingEfficiency(List<List<long[]>> batches, int[] realLengths) {
        long computed = 0;
        for (List<long[]> b : batches) {
            computed +=
                    (long) b.size() * b.stream().mapToInt(a -> a.length).max().orElse(0);
        }
        long real = 0;
        for (int l : realLengths) {
            real += l;
        }
        return (double) real / computed;
    }

    @Override
    public void close() throws Exception {
        for (RawOnnx c : sessions) {
            c.close();
        }
    }
}
