package org.sentimentstream.testcontainers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table of tested scenarios between two markers in a document, one row per scenario, sorted: a passing
 * scenario replaces its own row. The reports of docs/reliability.md and docs/security.md write through it.
 */
final class ScenarioTable {

    private final String begin;
    private final String end;
    private final String header;

    ScenarioTable(String begin, String end, String header) {
        this.begin = begin;
        this.end = end;
        this.header = header;
    }

    /** Replaces the row of {@code scenario} in {@code doc} with {@code row} ("| scenario | ... |"). */
    synchronized void replaceRow(Path doc, String scenario, String row) {
        try {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            if (from < 0 || to < from) {
                throw new IllegalStateException(doc + " lacks the markers " + begin + " ... " + end);
            }
            List<String> rows = new ArrayList<>();
            for (String line : text.substring(from + begin.length(), to).split("\n")) {
                if (line.startsWith("| ")
                        && !line.startsWith("| Scenario ")
                        && !line.startsWith("| " + scenario + " |")) {
                    rows.add(line);
                }
            }
            rows.add(row);
            rows.sort(null);
            String table = begin + "\n" + header + "\n" + String.join("\n", rows) + "\n";
            Files.writeString(doc, text.substring(0, from) + table + text.substring(to), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
