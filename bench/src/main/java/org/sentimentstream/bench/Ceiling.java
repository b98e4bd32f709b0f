package org.sentimentstream.bench;

import org.sentimentstream.udf.internal.BatchPlanner;
import org.sentimentstream.udf.internal.ModelDirectory;
import org.sentimentstream.udf.internal.OnnxClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Raw ONNX Runtime, nothing else: pre-tokenized texts, {@link OnnxClassifier#classify} on ready batches (the
 * project's own tensor building and session options: graph optimisation ALL, no spinning). The ceiling of a
 * workload is the best batch size over length-sorted batches.
 */
final class Ceiling implements AutoCloseable {

    final String modelName;
    private final List<OnnxClassifier> sessions = new ArrayList<>();

    /** {@code sessions} sessions of {@code threads} intra-op threads each; batches are dealt out among them. */
    Ceiling(Path modelDir, int sessions, int threads) throws Exception {
        this.modelName = modelDir.getFileName().toString();
        ModelDirectory model = ModelDirectory.read(modelDir, modelDir.toString());
        for (int i = 0; i < sessions; i++) {
            this.sessions.add(OnnxClassifier.open(model, threads, false));
        }
    }

    /** Length-sorted batches of {@code size}. */
    static List<List<long[]>> sortedBatches(List<long[]> ids, int size) {
        List<long[]> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparingInt(a -> a.length));
        return chunks(sorted, size);
    }

    static List<List<long[]>> chunks(List<long[]> ids, int size) {
        List<List<long[]>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += size) {
            batches.add(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + size))));
        }
        return batches;
    }

    /** The batches the project's planner cuts from windows of {@code window} texts in arrival order. */
    static List<List<long[]>> plannedBatches(List<long[]> ids, int window, BatchPlanner planner) {
        List<List<long[]>> batches = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += window) {
            batches.addAll(planner.plan(ids.subList(i, Math.min(ids.size(), i + window)), a -> a.length));
        }
        return batches;
    }

    /** Every text padded to {@code width} (fixed padding), in chunks of {@code size} in arrival order. */
    static List<List<long[]>> fixedBatches(List<long[]> ids, int size, int width) {
        List<long[]> padded = new ArrayList<>();
        for (long[] a : ids) {
            padded.add(java.util.Arrays.copyOf(a, Math.max(width, a.length)));
        }
        return chunks(padded, size);
    }

    /**
     * Runs the batches (the sessions work in parallel, batch i on session i mod n); returns records per second.
     * Texts of {@link #fixedBatches} carry their [PAD] ids themselves, so their mask is 1 there: the same cost as
     * a masked pad, which is all that matters here.
     */
    double run(List<List<long[]>> batches) throws Exception {
        int records = batches.stream().mapToInt(List::size).sum();
        AtomicReference<Exception> error = new AtomicReference<>();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            int session = s;
            Thread t = new Thread(
                    () -> {
                        try {
                            for (int b = session; b < batches.size(); b += sessions.size()) {
                                sessions.get(session).classify(batches.get(b));
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
        return records / ((System.nanoTime() - t0) / 1e9);
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
        for (OnnxClassifier c : sessions) {
            c.close();
        }
    }
}
