package org.sentimentstream.testcontainers;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
    private static final ScenarioTable TABLE = new ScenarioTable(BEGIN, END, HEADER);

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

        /** A scenario's row with the counts of its delivery check. */
        static Row of(String scenario, DeliveryCheck.Tally tally, String recovery, String notes) {
            return new Row(
                    scenario,
                    tally.inputs(),
                    tally.scored(),
                    tally.deadLetters(),
                    tally.lost(),
                    tally.duplicates(),
                    recovery,
                    notes);
        }

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

    static void record(Row row) {
        String markdown = row.markdown();
        System.out.println("[reliability] " + markdown);
        String target = System.getProperty("sentiment.reliability.report");
        if (target == null || target.isBlank()) {
            return;
        }
        TABLE.replaceRow(Path.of(target), row.scenario, markdown);
    }
}
