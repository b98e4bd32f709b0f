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
 * The table of tested scenarios in docs/security.md: each scenario replaces its own row when it passes. Written
 * only where {@code -Dsentiment.security.report=<file>} names the document (the command in docs/security.md), so
 * that an ordinary build leaves the committed results alone.
 */
final class SecurityReport {

    static final String BEGIN = "<!-- security-table:begin -->";
    static final String END = "<!-- security-table:end -->";
    static final String HEADER = "| Scenario | Expected | Result | Run |\n" + "|---|---|---|---|";

    private SecurityReport() {}

    static synchronized void record(String scenario, String expected, String result) {
        String row = String.format(
                "| %s | %s | %s | %s |",
                scenario,
                expected.replace("|", "/"),
                result.replace("|", "/").replace("\n", " "),
                Instant.now().truncatedTo(ChronoUnit.MINUTES));
        System.out.println("[security] " + row);
        String target = System.getProperty("sentiment.security.report");
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
                        && !line.startsWith("| " + scenario + " |")) {
                    rows.add(line);
                }
            }
            rows.add(row);
            rows.sort(null);
            String table = BEGIN + "\n" + HEADER + "\n" + String.join("\n", rows) + "\n";
            Files.writeString(doc, text.substring(0, begin) + table + text.substring(end), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
