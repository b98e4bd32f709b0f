package org.sentimentstream.cli.input;

import org.sentimentstream.job.records.ReviewCodec;
import org.sentimentstream.job.records.ReviewCodec.InvalidReviewException;
import org.sentimentstream.udf.InvalidSettingException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one reader of a user's review file, for every command that takes one ({@code local}, {@code produce},
 * {@code score}, {@code eval}): JSON Lines, a TSV with a header row, or plain text with one review per line. Each
 * row carries its fields, its text (or why it has none) and the record value to produce to Kafka. A JSON line that
 * does not parse is kept as it is, so that the job sends it to the dead letters and a file command reports it.
 */
public final class ReviewFile implements Closeable {

    /** Input formats, chosen by {@code --format} or by the file's extension ({@link #of(Path)}). */
    public enum Format {
        /** One JSON object per line, the stream's own format. */
        JSONL,
        /** GLUE-style TSV: a header row, tab-separated cells, no quote processing (reviews contain quotes). */
        TSV,
        /** Plain text: each non-blank line is a review. */
        TEXT;

        /** {@code .tsv} is a TSV, {@code .txt} plain text, anything else JSON Lines. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".tsv") ? TSV : name.endsWith(".txt") ? TEXT : JSONL;
        }

        /** The --format value, or the file's own format when it is null. */
        public static Format parse(String value, Path file) {
            if (value == null) {
                return of(file);
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("format", "cannot read '" + value + "'", "use jsonl, tsv or text");
            }
        }
    }

    /**
     * One review of the file: its 1-based row number (lines for JSONL and text, data rows for TSV), the key to
     * produce it under (its {@code id}, else null for JSONL; {@code row-<n>} or {@code line-<n>}), its fields, its
     * text or the error that leaves it without one, and the record value for Kafka.
     */
    public record Row(long number, String key, ObjectNode fields, String text, String error, byte[] value) {}

    /** The text field the readers fall back to when the file has no {@code text}: GLUE's column name. */
    private static final String FALLBACK_FIELD = "sentence";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader in;
    private final Format format;
    private final String textField;
    private final String[] header;
    private long lines;
    private long rows;

    private ReviewFile(BufferedReader in, Format format, String textField, String[] header) {
        this.in = in;
        this.format = format;
        this.textField = textField;
        this.header = header;
    }

    /**
     * Opens {@code file}, given by the command's option {@code option} (e.g. {@code input}), in {@code format}
     * (null: by its extension). {@code textField} names the text's field or column; null means {@code text}, else
     * {@code sentence}. A missing file, a directory, an empty TSV or a TSV without the text column is the user's
     * error and names {@code option}.
     */
    public static ReviewFile open(Path file, String option, Format format, String textField) throws IOException {
        requireFile(file, option);
        Format f = format == null ? Format.of(file) : format;
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        String[] header = null;
        String field = textField;
        if (f == Format.TSV) {
            String first = in.readLine();
            if (first == null) {
                in.close();
                throw new InvalidSettingException(
                        option, file + " is empty", "a TSV starts with a header row naming its columns");
            }
            header = first.split("\t", -1);
            List<String> columns = Arrays.asList(header);
            field = field != null ? field : columns.contains("text") ? "text" : FALLBACK_FIELD;
            if (!columns.contains(field)) {
                in.close();
                throw new InvalidSettingException(
                        "text-field",
                        file + " has no column '" + field + "' in its header " + columns,
                        "name the text column with --text-field");
            }
        }
        return new ReviewFile(in, f, field, header);
    }

    /**
     * Fails unless {@code file}, given as {@code --<option>}, is a file: commands check their inputs before they
     * fetch a model, so that a wrong path is the one thing they say.
     */
    public static void requireFile(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new InvalidSettingException(option, file + " is a directory", "give the path of a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidSettingException(
                    option,
                    "no such file: " + file,
                    "check the path (a relative path starts from " + Path.of("").toAbsolutePath() + ")");
        }
    }

    /** Every row of {@code file}; see {@link #open}. */
    public static List<Row> readAll(Path file, String option, Format format, String textField) throws IOException {
        List<Row> all = new ArrayList<>();
        try (ReviewFile reviews = open(file, option, format, textField)) {
            for (Row row; (row = reviews.next()) != null; ) {
                all.add(row);
            }
        }
        return all;
    }

    /** The next row, or null at the end of the file. Blank lines are skipped (a blank TSV line is a row). */
    public Row next() throws IOException {
        String line;
        do {
            line = in.readLine();
            lines++;
        } while (line != null && format != Format.TSV && line.isBlank());
        if (line == null) {
            return null;
        }
        rows++;
        return switch (format) {
            case JSONL -> jsonLine(line);
            case TSV -> tsvRow(line);
            case TEXT -> withText(rows, "line-" + rows, JSON.createObjectNode().put("text", line), "text", null);
        };
    }

    private Row jsonLine(String line) {
        byte[] value = line.getBytes(StandardCharsets.UTF_8);
        ObjectNode fields;
        try {
            fields = ReviewCodec.parseObject(line);
        } catch (InvalidReviewException e) {
            return new Row(
                    lines,
                    null,
                    JSON.createObjectNode().put("line", lines),
                    null,
                    "line " + lines + ": " + e.getMessage(),
                    value);
        }
        String field = textField != null ? textField : fields.has("text") ? "text" : FALLBACK_FIELD;
        JsonNode id = fields.get("id");
        return withText(lines, id == null || id.isNull() ? null : id.asText(), fields, field, value);
    }

    private Row tsvRow(String line) {
        String[] cells = line.split("\t", -1);
        ObjectNode fields = JSON.createObjectNode();
        for (int i = 0; i < header.length && i < cells.length; i++) {
            fields.put(header[i], cells[i]);
        }
        return withText(rows, "row-" + rows, fields, textField, null);
    }

    /**
     * The row with its text read from {@code field}. A {@code value} of null is made from the fields, with the text
     * also as {@code text} (the job's default field) when the file names it otherwise.
     */
    private static Row withText(long number, String key, ObjectNode fields, String field, byte[] value) {
        String text = null;
        String error = null;
        try {
            text = ReviewCodec.textOf(fields, field);
        } catch (InvalidReviewException e) {
            error = e.getMessage();
        }
        if (value != null) {
            return new Row(number, key, fields, text, error, value);
        }
        ObjectNode record =
                text != null && !fields.has("text") ? fields.deepCopy().put("text", text) : fields;
        try {
            return new Row(number, key, fields, text, error, JSON.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
