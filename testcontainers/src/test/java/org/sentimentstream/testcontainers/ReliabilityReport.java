package org.sentimentstream.testcontainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of docs/reliability.md: each scenario replaces its own row when it passes. Written only where
 * {@code -Dsentiment.reliability.report=<file>} names the document (the {@code reliability} profile does), so that
 * an ordinary build leaves the committed results alone.
 */
final class ReliabilityReport {

    static final String BEGIN = "<!-- reliability-table:begin -->";
    static final String END = "<!-- reliability-table:end -->";
    static final String HEADER =
            "| Scenario | Inputs | Scored | Dead letters | Lost | Duplicated | Recovery | Notes | Run |\n"
                    + "|---|---:|---:|---:|---:|---:|---|---|---|";

    /** One scenario's outcome; {@code recovery} in words (e.g. "output stalled 14.2 s"). */
    record Row(
            String scenario,
            long inputs,
            long scored,
            long deadLetters,
            long lost,
            long duplicated,
            String recovery,
            String notes) {
        String markdown() {
            return String.format(
                    "| %s | %,d | %,d | %,d | %d | %d | %s | %s | %s |",
                    scenario,
                    inputs,
                    scored,
                    deadLetters,
                    lost,
                    duplicated,
                    recovery,
                    notes.replace("|", "/"),
                    Instant.now().truncatedTo(ChronoUnit.MINUTES));
        }
    }

    private ReliabilityReport() {}

    static synchronized void record(Row row) {
        String target = System.getProperty("sentiment.reliability.report");
        System.out.println("[reliability] " + row.markdown());
        if (target == null || target.isBlank()) {
            return;
        }
        Path doc = Path.of(target);
        try {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException(doc + " lacks the markers " + BEGIN + " ... " + END);
            }
            List<String> rows = new ArrayList<>();
            for (String line : text.substring(begin + BEGIN.length(), end).split("\n")) {
                if (line.startsWith("| ")
                        && !line.startsWith("| Scenario ")
                        && !line.startsWith("| " + row.scenario + " |")) {
                    rows.add(line);
                }
            }
            rows.add(row.markdown());
            rows.sort(null);
            String table = BEGIN + "\n" + HEADER + "\n" + String.join("\n", rows) + "\n";
            Files.writeString(doc, text.substring(0, begin) + table + text.substring(end), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
