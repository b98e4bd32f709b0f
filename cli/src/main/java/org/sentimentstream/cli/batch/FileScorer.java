package org.sentimentstream.cli.batch;

import org.sentimentstream.job.records.ReviewCodec;
import org.sentimentstream.job.records.ReviewCodec.InvalidReviewException;
import org.sentimentstream.udf.InvalidInputException;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /** Input formats: GLUE-style TSV (header row, tab-separated, no quoting) or JSON Lines. */
    public enum Format {
        TSV,
        JSONL;

        public static Format of(Path file) {
            return file.toString().endsWith(".tsv") ? TSV : JSONL;
        }

        /** The --format value, or the file's own format when it is null. */
        public static Format parse(String value, Path file) {
            try {
                return value == null ? of(file) : valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("Invalid --format '" + value + "'. Fix: use tsv or jsonl.");
            }
        }
    }

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

    /** Scores {@code input} into {@code output}; {@code textField} null means "text", else "sentence". */
    public Summary score(Path input, Format format, String textField, Path output) throws IOException {
        long start = System.nanoTime();
        long[] counts = new long[3];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
            forEachRow(input, format, textField, window -> {
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

    /** A row of input: its fields, and its text or why it has none. */
    public static final class Row {
        public final ObjectNode fields;
        public final String text;
        public final String error;
        CompletableFuture<SentimentResult> result;
        private long submittedNanos;
        private volatile long completedNanos;

        Row(ObjectNode fields, String text, String error) {
            this.fields = fields;
            this.text = text;
            this.error = error;
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

    /** Reads rows in windows, submitting each window's texts before the consumer waits on them. */
    public void forEachRow(Path input, Format format, String textField, Consumer<List<Row>> consumer)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            RowReader reader =
                    format == Format.TSV ? new TsvReader(in, textField, input) : new JsonlReader(in, textField);
            List<Row> window = new ArrayList<>(WINDOW);
            for (Row row; (row = reader.next()) != null; ) {
                if (row.error == null) {
                    Row submitted = row;
                    submitted.submittedNanos = System.nanoTime();
                    // the derived future completes after the time is taken
                    row.result =
                            scorer.score(row.text).whenComplete((r, e) -> submitted.completedNanos = System.nanoTime());
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

    private interface RowReader {
        Row next() throws IOException;
    }

    private static Row rowOf(ObjectNode fields, String field) {
        try {
            return new Row(fields, ReviewCodec.textOf(fields, field), null);
        } catch (InvalidReviewException e) {
            return new Row(fields, null, e.getMessage());
        }
    }

    /** GLUE TSV: a header row, tab-separated, no quote processing (review text contains quotes). */
    private static final class TsvReader implements RowReader {
        private final BufferedReader in;
        private final String[] header;
        private final String field;

        TsvReader(BufferedReader in, String textField, Path file) throws IOException {
            this.in = in;
            String first = in.readLine();
            if (first == null) {
                throw new IOException(file + ": empty, expected a header row");
            }
            header = first.split("\t", -1);
            List<String> columns = Arrays.asList(header);
            field = textField != null ? textField : columns.contains("text") ? "text" : "sentence";
            if (!columns.contains(field)) {
                throw new IOException(file + ": no column '" + field + "' in the header " + columns
                        + "; name the text column with --text-field");
            }
        }

        @Override
        public Row next() throws IOException {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            String[] cells = line.split("\t", -1);
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < header.length; i++) {
                if (i < cells.length) {
                    fields.put(header[i], cells[i]);
                }
            }
            return rowOf(fields, field);
        }
    }

    /** JSON Lines: one object per line; the text field defaults to "text", else "sentence". */
    private static final class JsonlReader implements RowReader {
        private final BufferedReader in;
        private final String textField;
        private long lineNumber;

        JsonlReader(BufferedReader in, String textField) {
            this.in = in;
            this.textField = textField;
        }

        @Override
        public Row next() throws IOException {
            String line;
            do {
                line = in.readLine();
                lineNumber++;
            } while (line != null && line.isBlank());
            if (line == null) {
                return null;
            }
            ObjectNode fields;
            try {
                fields = ReviewCodec.parseObject(line);
            } catch (InvalidReviewException e) {
                return new Row(
                        JsonNodeFactory.instance.objectNode().put("line", lineNumber),
                        null,
                        "line " + lineNumber + ": " + e.getMessage());
            }
            String field = textField != null ? textField : fields.has("text") ? "text" : "sentence";
            return rowOf(fields, field);
        }
    }
}
