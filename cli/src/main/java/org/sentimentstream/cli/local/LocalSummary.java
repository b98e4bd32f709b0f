package org.sentimentstream.cli.local;

import java.io.PrintStream;
import java.util.List;
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
    public final int agreeWithGold;
    public final int withGold;
    /** The scored records as read back from the output topic. */
    public final List<com.fasterxml.jackson.databind.JsonNode> scoredRecords;

    private LocalSummary(int recordsIn, LocalRun.OutputReader reader, double seconds, long batches,
            long recordsScoredMetric, long realTokens, long computedTokens) {
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
        int pos = 0;
        int agree = 0;
        int gold = 0;
        for (var r : reader.scored) {
            boolean positiveLabel = "POSITIVE".equals(r.get("sentiment").get("label").asText());
            pos += positiveLabel ? 1 : 0;
            if (r.has("label") && r.get("label").isInt()) {
                gold++;
                agree += (r.get("label").asInt() == 1) == positiveLabel ? 1 : 0;
            }
        }
        this.positive = pos;
        this.agreeWithGold = agree;
        this.withGold = gold;
    }

    static LocalSummary of(int recordsIn, LocalRun.OutputReader reader, long startMs, long endMs, long batches,
            long recordsScoredMetric, long realTokens, long computedTokens) {
        return new LocalSummary(recordsIn, reader, Math.max(1, endMs - startMs) / 1000.0, batches,
                recordsScoredMetric, realTokens, computedTokens);
    }

    public int deadLetters() {
        return deadLettersByReason.values().stream().mapToInt(Integer::intValue).sum();
    }

    public double throughput() {
        return (scored + deadLetters()) / seconds;
    }

    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) recordsScoredMetric / batches;
    }

    public double paddingEfficiency() {
        return computedTokens == 0 ? 1 : (double) realTokens / computedTokens;
    }

    void print(PrintStream out) {
        out.println("Summary");
        out.printf("  records in           %d%n", recordsIn);
        out.printf("  scored               %d (%d POSITIVE, %d NEGATIVE)%n", scored, positive, scored - positive);
        if (withGold > 0) {
            out.printf("  agree with gold      %d of %d (%.1f%%; the sample's labels are SST-2 train labels)%n",
                    agreeWithGold, withGold, 100.0 * agreeWithGold / withGold);
        }
        out.printf("  dead letters         %d %s%n", deadLetters(), deadLettersByReason);
        out.printf("  in = scored + dead   %s%n", recordsIn == scored + deadLetters() ? "yes" : "NO");
        out.printf("  throughput           %.0f records/s (first record produced to last committed, %.1f s)%n",
                throughput(), seconds);
        out.printf("  end-to-end latency   %s (producer timestamp to committed output, burst of %d)%n",
                LocalRun.percentiles(latenciesMs), recordsIn);
        out.printf("  mean batch size      %.1f (%d batches)%n", meanBatchSize(), batches);
        out.printf("  padding efficiency   %.2f (real tokens / computed tokens)%n", paddingEfficiency());
    }
}
