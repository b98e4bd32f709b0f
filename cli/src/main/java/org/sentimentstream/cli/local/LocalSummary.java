package org.sentimentstream.cli.local;

import org.sentimentstream.cli.input.Gold;
import org.sentimentstream.cli.input.GoldLabels;
import org.sentimentstream.embedded.Percentiles;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What an embedded run produced, measured from its output topics and the job's own metrics. */
public final class LocalSummary {

    public final int recordsIn;
    public final int scored;
    public final Map<String, Integer> deadLettersByReason;
    public final double seconds;
    public final List<Long> latenciesMs;
    public final long batches;
    public final long recordsScoredMetric;
    public final long realTokens;
    public final long computedTokens;
    public final int positive;
    /** Sequences the model scored for the scored records: one per record, and more for a long one read in windows. */
    public final long windows;
    /** Where the gold labels come from; null when the input has none (then no agreement is printed). */
    public final Gold gold;

    public final int agreeWithGold;
    /** Scored records whose gold label was read as positive or negative. */
    public final int withGold;
    /** Scored records with the gold field but a value that is neither positive nor negative: not compared. */
    public final int otherGoldValues;
    /** Agreement per part of the input ({@link Gold#parts}): part name to {agree, with gold}. */
    public final Map<String, int[]> agreementByPart;
    /** The scored records as read back from the output topic. */
    public final List<com.fasterxml.jackson.databind.JsonNode> scoredRecords;

    private LocalSummary(
            int recordsIn,
            LocalOutput reader,
            Gold gold,
            double seconds,
            long batches,
            long recordsScoredMetric,
            long realTokens,
            long computedTokens) {
        this.recordsIn = recordsIn;
        this.scored = reader.scored.size();
        this.scoredRecords = List.copyOf(reader.scored);
        this.deadLettersByReason = new TreeMap<>(reader.deadLetters);
        this.seconds = seconds;
        this.latenciesMs = List.copyOf(reader.latenciesMs);
        this.batches = batches;
        this.recordsScoredMetric = recordsScoredMetric;
        this.realTokens = realTokens;
        this.computedTokens = computedTokens;
        this.gold = gold;
        this.windows = reader.scored.stream()
                .mapToLong(r -> r.get("sentiment").path("windows").asLong(1))
                .sum();
        int pos = 0;
        int agree = 0;
        int compared = 0;
        int other = 0;
        Map<String, int[]> byPart = new LinkedHashMap<>();
        if (gold != null) {
            gold.parts().values().forEach(name -> byPart.put(name, new int[2]));
        }
        for (JsonNode r : reader.scored) {
            boolean positiveLabel =
                    "POSITIVE".equals(r.get("sentiment").get("label").asText());
            pos += positiveLabel ? 1 : 0;
            if (gold == null || !r.has(gold.field())) {
                continue;
            }
            Boolean goldPositive = gold.positiveOf(r);
            if (goldPositive == null) {
                other++;
                continue;
            }
            int agrees = goldPositive == positiveLabel ? 1 : 0;
            compared++;
            agree += agrees;
            String id = r.path("id").asText("");
            for (Map.Entry<String, String> part : gold.parts().entrySet()) {
                if (id.startsWith(part.getKey())) {
                    int[] counts = byPart.get(part.getValue());
                    counts[0] += agrees;
                    counts[1]++;
                    break;
                }
            }
        }
        this.positive = pos;
        this.agreeWithGold = agree;
        this.withGold = compared;
        this.otherGoldValues = other;
        this.agreementByPart = java.util.Collections.unmodifiableMap(byPart);
    }

    static LocalSummary of(
            int recordsIn,
            LocalOutput reader,
            Gold gold,
            long startMs,
            long endMs,
            long batches,
            long recordsScoredMetric,
            long realTokens,
            long computedTokens) {
        return new LocalSummary(
                recordsIn,
                reader,
                gold,
                Math.max(1, endMs - startMs) / 1000.0,
                batches,
                recordsScoredMetric,
                realTokens,
                computedTokens);
    }

    public int deadLetters() {
        return deadLettersByReason.values().stream().mapToInt(Integer::intValue).sum();
    }

    public double throughput() {
        return (scored + deadLetters()) / seconds;
    }

    /** Sequences per ONNX Runtime call: a record read in windows contributes each of its windows. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) windows / batches;
    }

    public double paddingEfficiency() {
        return computedTokens == 0 ? 1 : (double) realTokens / computedTokens;
    }

    void print(PrintStream out) {
        out.println("Summary");
        out.printf("  records in           %d%n", recordsIn);
        out.printf("  scored               %d (%d POSITIVE, %d NEGATIVE)%n", scored, positive, scored - positive);
        out.printf(
                "  windows scored       %d (%d records longer than one sequence, read whole in windows)%n",
                windows,
                scoredRecords.stream()
                        .filter(r -> r.get("sentiment").path("windows").asInt(1) > 1)
                        .count());
        printAgreement(out);
        out.printf("  dead letters         %d %s%n", deadLetters(), deadLettersByReason);
        out.printf("  in = scored + dead   %s%n", recordsIn == scored + deadLetters() ? "yes" : "NO");
        out.printf(
                "  throughput           %.0f records/s (first record produced to last committed, %.1f s)%n",
                throughput(), seconds);
        out.printf(
                "  end-to-end latency   %s (producer timestamp to committed output, burst of %d)%n",
                percentiles(latenciesMs), recordsIn);
        out.printf("  mean batch size      %.1f (%d batches)%n", meanBatchSize(), batches);
        out.printf("  padding efficiency   %.2f (real tokens / computed tokens)%n", paddingEfficiency());
    }

    /**
     * The agreement with the gold labels and where they come from; nothing when no scored record has the gold field
     * (an unlabelled file).
     */
    private void printAgreement(PrintStream out) {
        if (gold == null || withGold + otherGoldValues == 0) {
            return;
        }
        String others = otherGoldValues == 0
                ? ""
                : String.format(
                        "; %d record%s with another value in \"%s\" not compared",
                        otherGoldValues, otherGoldValues == 1 ? "" : "s", gold.field());
        if (withGold == 0) {
            out.printf(
                    "  agree with gold      none compared: no value of field \"%s\" reads as a label (%s)%s%n",
                    gold.field(), GoldLabels.READING, others);
            return;
        }
        out.printf(
                "  agree with gold      %d of %d (%s; gold: %s)%s%n",
                agreeWithGold, withGold, percent(agreeWithGold, withGold), gold.source(), others);
        for (Map.Entry<String, int[]> part : agreementByPart.entrySet()) {
            int[] c = part.getValue();
            if (c[1] > 0) {
                out.printf("    %-18s %d of %d (%s)%n", part.getKey(), c[0], c[1], percent(c[0], c[1]));
            }
        }
    }

    private static String percent(int part, int whole) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        return String.format(
                "p50 %d ms, p95 %d ms, p99 %d ms",
                Percentiles.of(values, 50), Percentiles.of(values, 95), Percentiles.of(values, 99));
    }
}
