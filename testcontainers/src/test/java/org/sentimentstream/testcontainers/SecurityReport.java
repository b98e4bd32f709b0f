package org.sentimentstream.testcontainers;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The table of tested scenarios in docs/security.md: each scenario replaces its own row when it passes. Written
 * only where {@code -Dsentiment.security.report=<file>} names the document (the command in docs/security.md), so
 * that an ordinary build leaves the committed results alone.
 */
final class SecurityReport {

    static final String BEGIN = "<!-- security-table:begin -->";
    static final String END = "<!-- security-table:end -->";
    static final String HEADER = "| Scenario | Expected | Result | Run |\n" + "|---|---|---|---|";
    private static final ScenarioTable TABLE = new ScenarioTable(BEGIN, END, HEADER);

    private SecurityReport() {}

    static void record(String scenario, String expected, String result) {
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
        TABLE.replaceRow(Path.of(target), scenario, row);
    }
}
