package org.sentimentstream.cli.batch;

import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.job.records.ReviewCodec;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Scores a file through the streaming job's scoring path ({@link SentimentScorer}: tokenizer, micro-batcher,
 * session) and writes one JSON object per input row, in input order: the row's fields plus {@code sentiment},
 * written and validated by the stream's {@link ReviewCodec}. A row without usable text gets an {@code error} field
 * instead, and is counted.
 */
public final class FileScorer {

    /** What a run did. */
    public record Summary(long rows, long scored, long errors, long nanos) {
        public double rowsPerSecond() {
            return nanos == 0 ? 0 : rows * 1e9 / nanos;
        }
    }

    private static final int WINDOW = 2048;

    private final SentimentScorer scorer;

    public FileScorer(SentimentScorer scorer) {
        this.scorer = scorer;
    }

    /** Scores {@code input} (given as {@code --input}) into {@code output}; see {@link ReviewFile#open}. */
    public Summary score(Path input, ReviewFile.Format format, String textField, Path output) throws IOException {
        long start = System.nanoTime();
        long[] counts = new long[3];
        try (ReviewFile reviews = ReviewFile.open(input, "input", format, textField);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
            forEachRow(reviews, window -> {
                try {
                    writeWindow(window, out, counts);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return new Summary(counts[0], counts[1], counts[2], System.nanoTime() - start);
    }

    /** A row of input ({@link ReviewFile.Row}: its fields, and its text or why it has none) and its score. */
    public static final class Row {
        public final ObjectNode fields;
        public final String text;
        public final String error;
        CompletableFuture<SentimentResult> result;
        private long submittedNanos;
        private volatile long completedNanos;

        Row(ReviewFile.Row row) {
            this.fields = row.fields();
            this.text = row.text();
            this.error = row.error();
        }

        /** The score, waiting for it; null for a row without usable text. */
        public SentimentResult result() throws ExecutionException, InterruptedException {
            return result == null ? null : result.get();
        }

        /** Time from queueing the text to its result. */
        public long latencyNanos() {
            return completedNanos - submittedNanos;
        }
    }

    /**
     * Reads the rows of {@code input} (given as {@code --<option>}) in windows, submitting each window's texts before
     * the consumer waits on them.
     */
    public void forEachRow(
            Path input, String option, ReviewFile.Format format, String textField, Consumer<List<Row>> consumer)
            throws IOException {
        try (ReviewFile reviews = ReviewFile.open(input, option, format, textField)) {
            forEachRow(reviews, consumer);
        }
    }

    private void forEachRow(ReviewFile reviews, Consumer<List<Row>> consumer) throws IOException {
        List<Row> window = new ArrayList<>(WINDOW);
        for (ReviewFile.Row read; (read = reviews.next()) != null; ) {
            Row row = new Row(read);
            if (row.error == null) {
                row.submittedNanos = System.nanoTime();
                // the derived future completes after the time is taken
                row.result = scorer.score(row.text).whenComplete((r, e) -> row.completedNanos = System.nanoTime());
            }
            window.add(row);
            if (window.size() == WINDOW) {
                consumer.accept(window);
                window = new ArrayList<>(WINDOW);
            }
        }
        if (!window.isEmpty()) {
            consumer.accept(window);
        }
    }

    private static void writeWindow(List<Row> window, OutputStream out, long[] counts) throws IOException {
        for (Row row : window) {
            counts[0]++;
            String error = row.error;
            if (error == null) {
                try {
                    out.write(ReviewCodec.write(row.fields, row.result.get()));
                    counts[1]++;
                } catch (ExecutionException e) {
                    error = "scoring failed: " + e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (error != null) {
                out.write(ReviewCodec.writeError(row.fields, error));
                counts[2]++;
            }
            out.write('\n');
        }
    }
}
