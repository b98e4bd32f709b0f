package org.sentimentstream.cli.local;

import org.sentimentstream.cli.input.Gold;
import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.embedded.RetainingMetricReporter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * What {@code local} shows: the input produced to a {@link LocalCluster}, a table of scored reviews and the summary;
 * with {@code --follow}, then a prompt that scores each review typed on the console.
 */
public final class LocalConsole {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TABLE_ROWS = 15;

    private final LocalCluster cluster;
    private final PrintStream out;

    public LocalConsole(LocalCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    /** Produces {@code input}, waits for all of it, prints the table and the summary; then follows when asked. */
    public LocalSummary run(ReviewInput input, boolean follow, BufferedReader console) throws Exception {
        LocalOutput output = cluster.output();
        long start = System.currentTimeMillis();
        for (int i = 0; i < input.size(); i++) {
            cluster.produce(input.key(i), input.value(i));
        }
        cluster.flush();
        out.printf("Produced %d records to %s; scoring...%n", input.size(), cluster.inputTopic());
        cluster.awaitTotal(input.size(), out);
        LocalSummary summary = LocalSummary.of(
                input.size(),
                output,
                input.gold(),
                start,
                output.lastArrival(),
                RetainingMetricReporter.sum("batches"),
                RetainingMetricReporter.sum("recordsScored"),
                RetainingMetricReporter.sum("realTokens"),
                RetainingMetricReporter.sum("computedTokens"));
        printTable(output.scored, input.gold());
        summary.print(out);
        if (follow) {
            follow(console, output);
        }
        return summary;
    }

    private void follow(BufferedReader console, LocalOutput output) throws Exception {
        out.println();
        out.println("Type a review and press Enter to score it (Ctrl-D to stop).");
        prompt();
        for (String line; (line = console.readLine()) != null; ) {
            if (line.isBlank()) {
                prompt();
                continue;
            }
            int scoredBefore = output.scored.size();
            cluster.produce(
                    UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(JSON.createObjectNode().put("text", line)));
            cluster.flush();
            cluster.awaitTotal(output.total() + 1, null);
            if (output.scored.size() > scoredBefore) {
                JsonNode s = output.scored.get(output.scored.size() - 1).get("sentiment");
                out.printf(
                        "  %s %.4f  (%d tokens%s%s)%n",
                        s.get("label").asText(),
                        s.get("score").asDouble(),
                        s.get("tokens").asInt(),
                        s.path("windows").asInt(1) > 1
                                ? " in " + s.get("windows").asInt() + " windows"
                                : "",
                        s.get("truncated").asBoolean() ? ", truncated" : "");
            } else {
                out.printf("  dead letter: %s%n", output.lastDeadLetterReason);
            }
            prompt();
        }
        out.println();
    }

    private void prompt() {
        out.print("> ");
        out.flush();
    }

    private void printTable(List<JsonNode> scored, Gold gold) {
        out.println();
        out.printf("%-9s %7s  %-5s  %s%n", "LABEL", "SCORE", "GOLD", "REVIEW");
        for (int i = 0; i < Math.min(TABLE_ROWS, scored.size()); i++) {
            JsonNode r = scored.get(i);
            JsonNode s = r.get("sentiment");
            Boolean goldPositive = gold == null ? null : gold.positiveOf(r);
            String goldLabel = goldPositive == null
                    ? (gold != null && r.has(gold.field()) ? "?" : "")
                    : goldPositive ? "pos" : "neg";
            String text = r.path("text").asText();
            out.printf(
                    "%-9s %7.4f  %-5s  %s%n",
                    s.get("label").asText(),
                    s.get("score").asDouble(),
                    goldLabel,
                    text.length() > 90 ? text.substring(0, 87) + "..." : text);
        }
        out.println();
    }
}
